import { packageVersion } from '../util/package-root.js';
import { withoutGlobalFetch } from '../util/without-global-fetch.js';
import { parseArgs } from 'node:util';
import { type Command, type CommandEntry, type CommandIo, GLOBAL_OPTIONS, commandHelp, environmentLines, processIo, resolveGlobals } from './command.js';
import { reportError, sayCatalogNotices } from './report-error.js';
import { UsageError } from '../errors.js';
import { nearestName } from '../util/closest-names.js';
import { unreadableSeconds } from '../util/env-seconds.js';
import { fromDatabaseError } from '../catalog/catalog-errors.js';

const commands: CommandEntry[] = [
  {
    name: 'ingest',
    task: 'get data',
    summary: "load every version's annotations, path lists, readmes and downstream labels into the catalog",
    load: async () => (await import('./commands/ingest.js')).ingestCommand,
  },
  {
    name: 'query',
    task: 'ask',
    summary: 'run a read-only SQL query (or a named one from queries/) on the catalog',
    load: async () => (await import('./commands/query.js')).queryCommand,
  },
  {
    name: 'scan',
    task: 'get data',
    summary: 'record the video files in folders (default: --home/videos), which clips they serve, and their integrity',
    load: async () => (await import('./commands/scan.js')).scanCommand,
  },
  {
    name: 'status',
    task: 'ask',
    summary: 'per version and split (or class): annotated clips, and how many are ok, missing, damaged, … on disk',
    load: async () => (await import('./commands/status.js')).statusCommand,
  },
  {
    name: 'files',
    task: 'ask',
    summary: 'the files scans found, one a row: status, size, the clip each holds, why a damaged one is damaged',
    load: async () => (await import('./commands/files.js')).filesCommand,
  },
  {
    name: 'subset',
    task: 'select and use',
    summary: 'make, list, show or drop a named subset of clips (by version, split, class, sample, or SQL)',
    load: async () => (await import('./commands/subset.js')).subsetCommand,
  },
  {
    name: 'plan',
    task: 'select and use',
    summary: "which shards a subset needs, their size, what is already here, what is not known yet",
    load: async () => (await import('./commands/plan.js')).planCommand,
  },
  {
    name: 'fetch',
    task: 'get data',
    summary: "download only the shards a subset needs and extract only its clips (resumable, verified)",
    load: async () => (await import('./commands/fetch.js')).fetchCommand,
  },
  {
    name: 'repair',
    task: 'get data',
    summary: 'fetch again only the clips of a scope that are missing, empty or damaged, from the shards that hold them',
    load: async () => (await import('./commands/repair.js')).repairCommand,
  },
  {
    name: 'extract',
    task: 'get data',
    summary: 'take a subset\'s clips from shard archives another engine downloaded (plan --format aria2|s5cmd|rclone|urls)',
    load: async () => (await import('./commands/extract.js')).extractCommand,
  },
  {
    name: 'merge',
    task: 'get data',
    summary: 'fold what the workers of a split fetch (fetch --worker I/N) recorded into the catalog; idempotent',
    load: async () => (await import('./commands/merge.js')).mergeCommand,
  },
  {
    name: 'slurm',
    task: 'get data',
    summary: 'print a script that fetches a subset with a Slurm job array (fetch --worker I/N), then merges',
    load: async () => (await import('./commands/slurm.js')).slurmCommand,
  },
  {
    name: 'shards',
    task: 'get data',
    summary: 'list shards and their state (list), learn which clips random shards hold (index), share that index (export-index, import-index)',
    load: async () => (await import('./commands/shards.js')).shardsCommand,
  },
  {
    name: 'export',
    task: 'select and use',
    summary: 'write a subset as a framework reads it (csv, jsonl, mmaction, pytorchvideo, slowfast, videomae, tree, fiftyone, webdataset, hf)',
    load: async () => (await import('./commands/export.js')).exportCommand,
  },
  {
    name: 'manifest',
    task: 'ask',
    summary: 'what changed between two exports: clips per split and class, label map, catalog source files (diff)',
    load: async () => (await import('./commands/manifest.js')).manifestCommand,
  },
  {
    name: 'overlap',
    task: 'ask',
    summary: 'clips of an evaluation split that also stand in training splits (same video, overlapping window)',
    load: async () => (await import('./commands/overlap.js')).overlapCommand,
  },
  {
    name: 'classes',
    task: 'ask',
    summary: "how each class of one version maps onto another's, from the clips both list",
    load: async () => (await import('./commands/classes.js')).classesCommand,
  },
  {
    name: 'tui',
    task: 'select and use',
    summary: 'browse the catalog, pick classes, make a subset, plan, fetch and export from one terminal screen',
    load: async () => (await withoutGlobalFetch(() => import('./commands/tui.js'))).tuiCommand,
  },
  {
    name: 'completion',
    task: 'try it',
    summary: 'a completion script for bash, zsh or fish: commands, options, versions, splits, subsets, named queries',
    load: async () => (await import('./commands/completion.js')).completionCommand,
  },
  {
    name: 'demo',
    task: 'try it',
    summary: 'ingest the bundled sample bucket (data/sample-bucket) and print what the catalog holds',
    load: async () => (await import('./commands/demo.js')).demoCommand,
  },
];

function help(): string {
  const width = Math.max(...commands.map((command) => command.name.length));
  const tasks = [...new Set(commands.map((command) => command.task))];
  return [
    'kinetics: a local, indexed SQL catalog of the Kinetics video datasets',
    '',
    'usage: kinetics <command> [options]   (global: --home DIR, --db FILE; -V, --version)',
    ...tasks.flatMap((task) => ['', `${task}:`, ...commands.filter((command) => command.task === task).map((command) => `  ${command.name.padEnd(width)}  ${command.summary}`)]),
    '',
    'environment:',
    ...environmentLines(),
    '',
    'kinetics help <command> (or kinetics <command> --help) shows its options.',
  ].join('\n');
}

/** The commands as `--help` lists them. */
export function commandEntries(): readonly CommandEntry[] {
  return commands;
}

/** A command's module by name (for its declared options, in tests and completion). */
export async function loadCommand(name: string): Promise<Command> {
  const entry = commands.find((candidate) => candidate.name === name);
  if (!entry) throw new UsageError(`unknown command "${name}"`);
  return entry.load();
}

function unknownCommand(name: string): string {
  const near = nearestName(name, commands.map((command) => command.name));
  return `unknown command "${name}"${near ? ` (did you mean ${near}?)` : ''}; \`kinetics --help\` lists them`;
}

/** The global options that take a value (--home DIR, --db FILE): the word after one is not the command. */
const VALUE_OPTIONS = Object.entries(GLOBAL_OPTIONS).filter(([, spec]) => spec.type === 'string').map(([name]) => `--${name}`);
/** What may stand before the command: the global options, and -V / --version. */
const BEFORE_COMMAND = [...Object.entries(GLOBAL_OPTIONS).flatMap(([name, spec]) => [`--${name}`, ...('short' in spec ? [`-${spec.short}`] : [])]), '--version', '-V'];

async function main(argv: string[], io: CommandIo): Promise<number> {
  // The command is the first word that is neither an option nor the value of a global option.
  const commandIndex = argv.findIndex((arg, index) => !arg.startsWith('-') && !VALUE_OPTIONS.includes(argv[index - 1] ?? ''));
  const name = argv[commandIndex];
  const asked = name === 'help' ? argv[commandIndex + 1] : undefined;
  const helpOf = commands.find((candidate) => candidate.name === asked);
  if (helpOf) return main([helpOf.name, '--help'], io);
  if (asked !== undefined) throw new UsageError(unknownCommand(asked));
  const command = commands.find((candidate) => candidate.name === name);
  // Before the command only the global options stand: another option there is a typo, not the command's name.
  const before = argv.slice(0, commandIndex === -1 ? argv.length : commandIndex);
  const stray = before.find((arg, index) => arg.startsWith('-') && !BEFORE_COMMAND.includes(arg.split('=')[0]!) && !VALUE_OPTIONS.includes(before[index - 1] ?? ''));
  if (stray) {
    const near = nearestName(stray.replace(/^-+/, '').split('=')[0]!, [...Object.keys(GLOBAL_OPTIONS), 'version']);
    throw new UsageError(`unknown option ${stray.split('=')[0]} before the command${near ? ` (did you mean --${near}?)` : ''}; \`kinetics --help\` lists the commands`);
  }
  const valueOf = (option: string) => before[before.indexOf(option) + 1];
  for (const option of VALUE_OPTIONS) {
    const value = before.includes(option) ? valueOf(option) : undefined;
    if (before.includes(option) && (value === undefined || (!command && commands.some((candidate) => candidate.name === value)))) {
      throw new UsageError(`${option} needs a value before the command: kinetics ${option} DIR ${value ?? 'COMMAND'} …`);
    }
  }
  if (!command && (argv.includes('--version') || argv.includes('-V'))) {
    io.stdout.write(`${packageVersion}\n`);
    return 0;
  }
  if (!command) {
    const wantsHelp = name === undefined || name === 'help' || argv.includes('--help') || argv.includes('-h');
    if (!wantsHelp) throw new UsageError(unknownCommand(name!));
    io.stdout.write(`${help()}\n`);
    return 0;
  }
  const args = [...argv.slice(0, commandIndex), ...argv.slice(commandIndex + 1)];
  const loaded = await command.load();
  if (args.includes('--help') || args.includes('-h')) {
    io.stdout.write(`${commandHelp(loaded, command.summary)}\n`);
    return 0;
  }
  const { values } = parseArgs({ args, options: GLOBAL_OPTIONS, strict: false, allowPositionals: true });
  // Not strict, so that the command's own options pass: a global one given without its value comes back as true.
  for (const option of ['home', 'db'] as const) if (typeof values[option] === 'boolean') throw new UsageError(`--${option} needs a value\nusage: ${loaded.usage}`);
  const unreadable = unreadableSeconds(io.env);
  if (unreadable) throw new UsageError(unreadable);
  const globals = resolveGlobals(values as { home?: string; db?: string }, io);
  try {
    return await loaded.run(args, globals);
  } catch (error) {
    // Named here, where the catalog's path is known: a full disk or a busy catalog met anywhere in the command.
    throw fromDatabaseError(error, globals.db) ?? error;
  }
}

/** Runs one command line and returns its exit code; an error is reported on io.stderr, never thrown. */
export async function runCommandLine(argv: string[], io: CommandIo = processIo): Promise<number> {
  sayCatalogNotices(io.stderr);
  try {
    return await main(argv, io);
  } catch (caught) {
    return reportError(caught, io.stderr);
  }
}
