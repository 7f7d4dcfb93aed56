// The program: `bin/kinetics.js` runs this file. Importing main.ts runs nothing, so tests can call commands.
import { main } from './main.js';
import { exitQuietlyOnClosedPipe, reportError } from './report-error.js';

exitQuietlyOnClosedPipe();
try {
  process.exitCode = await main(process.argv.slice(2));
} catch (caught) {
  process.exitCode = reportError(caught);
}
