import { Catalog } from '../../catalog/catalog.js';
import { UsageError } from '../../errors.js';
import { ENGINE_FORMATS, type EngineFormat, engineList, shardsToDownload } from '../../fetch/engine-lists.js';
import { type Plan, archivesRoot, planSubset } from '../../fetch/plan.js';
import { shardSizeInWords } from '../../fetch/plan-words.js';
import { isRemote } from '../../fetch/shard-size.js';
import { formatBytes, formatCount, isAre, plural } from '../../util/words.js';
import { OUTPUT_FORMATS, OUTPUT_OPTIONS, OUTPUT_USAGE, type OutputFormat, chooseFormat, writeRows } from '../../query/output-formats.js';
import { type Command, type OptionSpecs, parseCommandArgs } from '../command.js';

const usage = `kinetics plan NAME [${OUTPUT_USAGE.slice(1, -1)} | --format urls|aria2|s5cmd|rclone] [--retry-absent] [--retry-damaged] [--home DIR] [--db FILE]`;

/** The plan's shards as rows, and a line that sums it up: after a table, else (csv, tsv, …) to `note`. */
export function printPlan(plan: Plan, write: (text: string) => void, format: OutputFormat = 'table', note: (text: string) => void = write, name = `subset ${plan.subset}`): void {
  if (format === 'json') {
    write(`${JSON.stringify(plan, null, 2)}\n`);
    return;
  }
  const rows = plan.shards.map((shard) => [
    shard.version,
    shard.split,
    shard.name,
    shard.label ?? '',
    // Words on a screen; a number for whatever reads the rows.
    format === 'table' ? shardSizeInWords(shard) : shard.bytes,
    shard.clips.length,
    shard.discovery ? 'unknown: streamed to find clips' : shard.membersKnown ? 'known' : 'by class',
    shard.archive ? 'archive on disk' : shard.state,
  ]);
  writeRows(format, ['version', 'split', 'shard', 'label', 'bytes', 'clips', 'members', 'state'], rows, write);
  (format === 'table' ? write : note)(
    `${format === 'table' ? '\n' : ''}${name}: ${plural(plan.clips, 'clip')}, ${formatCount(plan.onDisk)} already on disk, ${formatCount(plan.wanted)} to fetch from ${plural(plan.shards.length, 'shard')}; ` +
      `${formatBytes(plan.bytesToDownload)} ${plan.shards.length > 0 && !plan.shards.some((shard) => isRemote(shard.url)) ? 'to read from the source folder' : 'to download'}${plan.shardsWithUnknownSize > 0 ? ` (+${plural(plan.shardsWithUnknownSize, 'shard')} of unknown size)` : ''}` +
      `${plan.undiscovered.length > 0 ? `; ${plural(plan.undiscovered.length, 'clip')} ${isAre(plan.undiscovered.length)} in shards whose members are not known yet` : ''}` +
      `${plan.notInAnyShard.length > 0 ? `; ${plural(plan.notInAnyShard.length, 'clip')} ${isAre(plan.notInAnyShard.length)} in no shard` : ''}` +
      `${plan.damagedAtSource.length > 0 ? `; ${plural(plan.damagedAtSource.length, 'clip')} ${isAre(plan.damagedAtSource.length)} damaged at source: fetch skips them (--retry-damaged streams their shards again)` : ''}` +
      `${plan.shardsAbsentFromSource > 0 ? `; ${plural(plan.shardsAbsentFromSource, 'shard')} ${isAre(plan.shardsAbsentFromSource)} listed but not in the source: fetch skips them (--retry-absent asks again)` : ''}\n`,
  );
}

const options = {
  ...OUTPUT_OPTIONS,
  table: { type: 'boolean', description: 'the shards as an aligned table (the default, piped or not)' },
  json: { type: 'boolean', description: 'the whole plan as one JSON object: counts, and each shard with its clips' },
  format: { type: 'string', value: 'ENGINE', description: 'the shards to download as input for urls, aria2, s5cmd or rclone' },
  'retry-absent': { type: 'boolean', description: 'ask the source again for shards it said it does not have' },
  'retry-damaged': { type: 'boolean', description: 'plan again the shards that sent wanted clips damaged' },
} as const satisfies OptionSpecs;

export const planCommand: Command = {
  usage,
  options,
  examples: [
    'kinetics plan climbing',
    'kinetics plan climbing --format aria2 > climbing.aria2',
  ],
  async run(args, globals) {
    const { values, positionals } = parseCommandArgs(
      args, options,
      usage,
    );
    if (positionals.length !== 1) throw new UsageError(`plan takes one subset NAME\nusage: ${usage}`);
    const engine = values.format;
    if (engine !== undefined && !(ENGINE_FORMATS as readonly string[]).includes(engine)) {
      throw new UsageError(`--format takes ${ENGINE_FORMATS.join(', ')}, not "${engine}"\nusage: ${usage}`);
    }
    if (engine !== undefined) {
      const asked = OUTPUT_FORMATS.find((format) => values[format]);
      if (asked) throw new UsageError(`--format ${engine} writes its own input file; --${asked} is for the plan's rows\nusage: ${usage}`);
    }
    const catalog = Catalog.open(globals.db, { mustExist: true });
    try {
      const plan = await planSubset(catalog, positionals[0]!, globals.home, { retryAbsent: values['retry-absent'] ?? false, retryDamaged: values['retry-damaged'] ?? false });
      if (engine !== undefined) {
        globals.io.stdout.write(engineList(plan, engine as EngineFormat, globals.home));
        const { shards, leftOut } = shardsToDownload(plan, engine as EngineFormat);
        const bytes = shards.reduce((sum, shard) => sum + (shard.bytes ?? 0), 0);
        const unsized = shards.filter((shard) => shard.bytes === null).length;
        const size = unsized === 0 ? formatBytes(bytes) : unsized === shards.length ? 'size unknown' : `${formatBytes(bytes)} and ${unsized} of unknown size`;
        globals.io.stderr.write(
          `subset ${plan.subset}: ${plural(shards.length, 'shard')} (${size}) ` +
            `for ${engine} to download into ${archivesRoot(globals.home)}; ` +
            `then \`kinetics extract ${plan.subset}\` takes the subset's clips from them` +
            `${leftOut > 0 ? `; ${plural(leftOut, 'shard')} ${isAre(leftOut)} left out: not in the source, as it said before (--retry-absent asks again)` : ''}\n`,
        );
        return 0;
      }
      printPlan(plan, (text) => globals.io.stdout.write(text), chooseFormat(values, true), (text) => globals.io.stderr.write(text));
    } finally {
      await catalog.close();
    }
    return 0;
  },
};
