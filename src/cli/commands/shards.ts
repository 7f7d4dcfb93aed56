import { Catalog } from '../../catalog/catalog.js';
import { UsageError } from '../../errors.js';
import { fetchShards } from '../../fetch/fetch-shards.js';
import { archivesRoot, plannedShardOf } from '../../fetch/plan.js';
import { exportShardIndex, importShardIndex } from '../../fetch/shard-index.js';
import { REPLACEMENT_SPLIT, SHARD_SPLITS, VERSIONS, normaliseSplit, parseVersion, unknownName } from '../../sources/bucket-layout.js';
import { QUIET, type Command, type OptionSpecs, parseCommandArgs } from '../command.js';
import { progressFor } from '../progress.js';
import { printReport } from '../report.js';
import { OUTPUT_OPTIONS, OUTPUT_USAGE, chooseFormat } from '../../query/output-formats.js';
import { SHARD_STATES, shardsWithUnknownMembers } from '../../catalog/shards.js';
import { shardProgress } from './fetch.js';
import { jobsOption } from '../number-options.js';
import { plural } from '../../util/words.js';

const usage = [
  `kinetics shards list [--version V] [--split S] [--state S] ${OUTPUT_USAGE}   one row a shard: state, size, archive on disk`,
  '       kinetics shards index [--version V] [--split S] [--jobs N] [--quiet]   stream shards whose members are unknown, only to learn them',
  '       kinetics shards export-index FILE [--version V] [--split S]   write the learned members as TSV',
  '       kinetics shards import-index FILE                      read members another catalog learned',
].join('\n');

/** A split of shards: an annotation split, or K400's replacement archive. */
function shardSplit(value: string): string | undefined {
  return value.trim().toLowerCase() === REPLACEMENT_SPLIT ? REPLACEMENT_SPLIT : normaliseSplit(value);
}

const options = {
  version: { type: 'string', value: 'V', description: 'only shards of this version', defaultText: 'all' },
  split: { type: 'string', value: 'S', description: 'only shards of this split (replacement: K400\'s replacement archive)', defaultText: 'all' },
  jobs: { type: 'string', short: 'j', value: 'N', description: 'index: shards streamed at once', defaultText: '4' },
  state: { type: 'string', value: 'S', description: `list: only shards in this state (${SHARD_STATES.join(', ')})`, defaultText: 'all' },
  ...QUIET,
  ...OUTPUT_OPTIONS,
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
    const version = values.version === undefined ? null : parseVersion(values.version);
    if (version === undefined) throw new UsageError(unknownName('--version', values.version!, VERSIONS));
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
          const failed = results.filter((result) => result.state === 'failed');
          globals.io.stderr.write(
            `${plural(results.length - failed.length, 'shard')} indexed, ${plural(results.reduce((sum, result) => sum + result.members, 0), 'member')} learned` +
              `${failed.length > 0 ? `, ${failed.length} failed` : ''}\n`,
          );
          return failed.length > 0 ? 1 : 0;
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
          globals.io.stderr.write(`${plural(imported.members, 'member')} of ${plural(imported.shards, 'shard')} imported from ${file === '-' ? 'stdin' : file}\n`);
          return 0;
        }
        default:
          throw new UsageError(`shards takes list, index, export-index or import-index\nusage: ${usage}`);
      }
    } finally {
      await catalog.close();
    }
  },
};
