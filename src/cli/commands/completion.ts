import { UsageError } from '../../errors.js';
import { SHELLS, type Shell, completionScript } from '../completion/completion-script.js';
import { type Command, GLOBAL_OPTIONS, type OptionSpecs, parseCommandArgs } from '../command.js';
import { commandEntries, loadCommand } from '../main.js';

const usage = `kinetics completion ${SHELLS.join('|')} [--home DIR] [--db FILE]`;
const options = {} as const satisfies OptionSpecs;

export const completionCommand: Command = {
  usage,
  options,
  examples: ['eval "$(kinetics completion bash)"   # in ~/.bashrc', 'kinetics completion fish > ~/.config/fish/completions/kinetics.fish'],
  async run(args, globals) {
    const { positionals } = parseCommandArgs(args, options, usage);
    const shell = positionals[0] as Shell | undefined;
    if (positionals.length !== 1 || !SHELLS.includes(shell!)) throw new UsageError(`completion takes one shell: ${SHELLS.join(', ')}\nusage: ${usage}`);
    const commands = await Promise.all(commandEntries().map(async (entry) => ({ name: entry.name, summary: entry.summary, options: (await loadCommand(entry.name)).options })));
    globals.io.stdout.write(completionScript(shell!, { commands, globals: GLOBAL_OPTIONS }));
    return 0;
  },
};
