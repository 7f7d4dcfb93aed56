// The program: `bin/kinetics.js` runs this file. Importing main.ts runs nothing, so tests can call commands.
import { runCommandLine } from './main.js';
import { exitQuietlyOnClosedPipe } from './report-error.js';

exitQuietlyOnClosedPipe();
process.exitCode = await runCommandLine(process.argv.slice(2));
