import { Catalog } from '../../catalog/catalog.js';
import { assertTerminal, runTui } from '../../tui/run-tui.js';
import { type Command, type OptionSpecs, parseCommandArgs } from '../command.js';

const usage = 'kinetics tui [--home DIR] [--db FILE]';

const options = {} as const satisfies OptionSpecs;

export const tuiCommand: Command = {
  usage,
  options,
  examples: [
    'kinetics tui',
  ],
  async run(args, globals) {
    parseCommandArgs(args, options, usage);
    assertTerminal(globals.io.stdout);
    const catalog = Catalog.open(globals.db, { mustExist: true });
    try {
      await runTui(catalog, globals.home);
    } finally {
      await catalog.close();
    }
    return 0;
  },
};
