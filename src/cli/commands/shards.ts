import { versionOption } from '../name-options.js';
import { Catalog } from '../../catalog/catalog.js';
import { UsageError } from '../../errors.js';
import { fetchShards } from '../../fetch/fetch-shards.js';
import { archivesRoot, plannedShardOf } from '../../fetch/plan.js';
import { exportShardIndex, importShardIndex } from '../../fetch/shard-index.js';
import { REPLACEMENT_SPLIT, SHARD_SPLITS, normaliseSplit, unknownName } from '../../sources/bucket-layout.js';
import { GLOBAL_OPTIONS, QUIET, type Command, type OptionSpecs, parseCommandArgs } from '../command.js';
import { progressFor } from '../progress.js';
import { printReport } from '../report.js';
import { OUTPUT_FORMATS, OUTPUT_OPTIONS, OUTPUT_USAGE, chooseFormat } from '../../query/output-formats.js';
import { nearestName } from '../../util/closest-names.js';
import { SHARD_STATES, shardsWithUnknownMembers } from '../../catalog/shards.js';
import { shardProgress } from './fetch.js';
import { jobsOption } from '../number-options.js';
import { formatCount, plural } from '../../util/words.js';

const usage = [
  `kinetics shards list [--version V] [--split S] [--state S] ${OUTPUT_USAGE}   one row a shard: state, size, archive on disk`,
  '       kinetics shards index [--version V] [--split S] [--jobs N] [--json] [--quiet]   stream shards whose members are unknown, only to learn them',
  '       kinetics shards export-index FILE [--version V] [--split S]   write the learned members as TSV',
  '       kinetics shards import-index FILE                      read members another catalog learned',
  '       (each also takes --home DIR and --db FILE)',
].join('\n');

/** A split of shards: an annotation split, or K400's replacement archive. */
function shardSplit(value: string): string | undefined {
  return value.trim().toLowerCase() === REPLACEMENT_SPLIT ? REPLACEMENT_SPLIT : normaliseSplit(value);
}

/** The options each action takes (besides the global ones). */
const ACTION_OPTIONS: Record<string, string[]> = {
  list: ['version', 'split', 'state', ...OUTPUT_FORMATS],
  index: ['version', 'split', 'jobs', 'quiet', 'json'],
  'export-index': ['version', 'split'],
  'import-index': [],
};

const options = {
  version: { type: 'string', value: 'V', description: 'only shards of this version', defaultText: 'all' },
  split: { type: 'string', value: 'S', description: 'only shards of this split (replacement: K400\'s replacement archive)', defaultText: 'all' },
  jobs: { type: 'string', short: 'j', value: 'N', description: 'index: shards streamed at once', defaultText: '4' },
  state: { type: 'string', value: 'S', description: `list: only shards in this state (${SHARD_STATES.join(', ')})`, defaultText: 'all' },
  ...QUIET,
  ...OUTPUT_OPTIONS,
  json: { type: 'boolean', description: 'list: the rows as a JSON array (the default when piped); index: its summary as JSON' },
} as const satisfies OptionSpecs;

export const shardsCommand: Command = {
  usage,
  options,
  examples: [
    'kinetics shards index --version k400 --split val',
    'kinetics shards export-index k400.tsv --version k400',
    'kinetics shards import-index k400.tsv',
  ],
  async run(args, globals) {
    const { values, positionals } = parseCommandArgs(
      args, options,
      usage,
    );
    const [action, file] = positionals;
    if (action === undefined || !(action in ACTION_OPTIONS)) {
      const near = action === undefined ? undefined : nearestName(action, Object.keys(ACTION_OPTIONS));
      throw new UsageError(`shards takes ${Object.keys(ACTION_OPTIONS).join(', ')}${near ? ` (did you mean ${near}?)` : ''}\nusage: ${usage}`);
    }
    for (const [option, given] of Object.entries(values)) {
      if (given === undefined || option in GLOBAL_OPTIONS || ACTION_OPTIONS[action]!.includes(option)) continue;
      const owners = Object.keys(ACTION_OPTIONS).filter((other) => ACTION_OPTIONS[other]!.includes(option));
      throw new UsageError(`--${option} is for shards ${owners.join(' and ')}, not shards ${action}\nusage: ${usage}`);
    }
    const version = values.version === undefined ? null : versionOption(values.version);
    const split = values.split === undefined ? null : shardSplit(values.split);
    if (split === undefined) throw new UsageError(unknownName('--split', values.split!, SHARD_SPLITS));
    if (values.state !== undefined && !(SHARD_STATES as readonly string[]).includes(values.state)) throw new UsageError(unknownName('--state', values.state, SHARD_STATES));
    if (action === 'list') {
      if (file !== undefined) throw new UsageError(`unexpected argument ${file}\nusage: ${usage}`);
      await printReport(globals, 'shards', { version, split, state: values.state ?? null }, chooseFormat(values, globals.io.stdout.isTTY === true));
      return 0;
    }
    const catalog = Catalog.open(globals.db, { mustExist: true });
    try {
      switch (action) {
        case 'index': {
          const planned = shardsWithUnknownMembers(catalog, { version, split }).map((row) => plannedShardOf(row, archivesRoot(globals.home)));
          const progress = progressFor(globals.io, 'index', values);
          const shards = shardProgress(progress);
          shards.onPlan(planned);
          let results;
          try {
            results = await fetchShards(catalog, planned, {
              home: globals.home,
              jobs: jobsOption(values.jobs),
              keepArchives: false,
              undiscovered: [],
              onProgress: shards.onEvent,
            });
          } finally {
            progress.close();
          }
          const count = (state: string) => results.filter((result) => result.state === state).length;
          const [indexed, skipped, absent, failed] = [count('extracted'), count('skipped'), count('absent'), count('failed')];
          const members = results.reduce((sum, result) => sum + result.members, 0);
          if (values.json) globals.io.stdout.write(`${JSON.stringify({ indexed, skipped, absent, failed, members }, null, 2)}\n`);
          else {
            globals.io.stderr.write(
              `${plural(indexed, 'shard')} indexed, ${plural(members, 'member')} learned` +
                `${skipped > 0 ? `, ${skipped} skipped${values.quiet ? '' : ' (each line above says why)'}` : ''}` +
                `${absent > 0 ? `, ${absent} not in the source` : ''}${failed > 0 ? `, ${failed} failed` : ''}\n`,
            );
          }
          return failed > 0 ? 1 : 0;
        }
        case 'export-index': {
          if (!file) throw new UsageError(`export-index needs a FILE\nusage: ${usage}`);
          const written = await exportShardIndex(catalog, file, { version, split }, globals.io.stdout);
          globals.io.stderr.write(`${plural(written, 'member')} written to ${file === '-' ? 'stdout' : file}\n`);
          return 0;
        }
        case 'import-index': {
          if (!file) throw new UsageError(`import-index needs a FILE\nusage: ${usage}`);
          const imported = await importShardIndex(catalog, file, () => globals.io.readStdin());
          const from = file === '-' ? 'stdin' : file;
          const members = `${plural(imported.members, 'member')} of ${plural(imported.shards, 'shard')}`;
          if (imported.shards === 0) globals.io.stderr.write(`${from} lists no shard member: nothing imported\n`);
          else if (imported.unchanged === imported.shards) globals.io.stderr.write(`nothing new: the ${members} in ${from} were already known as listed\n`);
          else {
            const alreadyKnown = imported.unchanged > 0 ? ` (${formatCount(imported.unchanged)} of the shards already known as listed)` : '';
            globals.io.stderr.write(`${members} imported from ${from}${alreadyKnown}\n`);
          }
          return 0;
        }
      }
      return 0;
    } finally {
      await catalog.close();
    }
  },
};
