import { Catalog } from '../../catalog/catalog.js';
import { existsSync } from 'node:fs';
import { KineticsError } from '../../errors.js';
import { assertTerminal, runTui } from '../../tui/run-tui.js';
import { type Command, parseCommandArgs } from '../command.js';

const usage = 'kinetics tui [--home DIR] [--db FILE]';

export const tuiCommand: Command = {
  usage,
  async run(args, globals) {
    parseCommandArgs(args, {}, usage);
    assertTerminal();
    if (!existsSync(globals.db)) throw new KineticsError(`no catalog at ${globals.db}; run \`kinetics ingest\` (or npm start) first`, 66);
    const catalog = Catalog.open(globals.db);
    try {
      await runTui(catalog, globals.home);
    } finally {
      await catalog.close();
    }
    return 0;
  },
};
