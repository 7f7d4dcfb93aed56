import { splitOption, versionOption } from '../name-options.js';
import { availableParallelism } from 'node:os';
import { mkdirSync } from 'node:fs';
import { Catalog } from '../../catalog/catalog.js';
import { KineticsError, UsageError } from '../../errors.js';
import { runReadOnlyQuery } from '../../catalog/read-only-query.js';
import { loadNamedQuery } from '../../query/named-queries.js';
import { writeRows } from '../../query/output-formats.js';
import { videosRoot } from '../../fetch/video-layout.js';
import { type ScanProgress, type ScanSummary, scan } from '../../scan/scan.js';
import type { Output } from '../../util/output.js';
import { formatCount, plural } from '../../util/words.js';
import { jobsOption } from '../number-options.js';
import { progressFor } from '../progress.js';
import { QUIET, SUMMARY_JSON, type Command, type GlobalOptions, type OptionSpecs, parseCommandArgs } from '../command.js';

const usage = 'kinetics scan [DIR...] [--verify] [--checksum | --checksum-all] [--decode [--jobs N]] [--quick] [--version V ...] [--split S ...] [--report] [--json] [--quiet] [--fail-on-damage] [--home DIR] [--db FILE]';

function printSummary(summary: ScanSummary, stderr: Output): void {
  // What could not be read comes first: the counts after it leave those folders out.
  for (const entry of summary.unreadable) stderr.write(`kinetics: cannot read ${entry.path} (${entry.error})\n`);
  stderr.write(
    `${plural(summary.seen, 'file')} seen (${formatCount(summary.new)} new, ${formatCount(summary.changed)} changed, ${formatCount(summary.unchanged)} unchanged, ` +
      `${formatCount(summary.gone)} gone${summary.skippedDirs > 0 ? `, ${formatCount(summary.skippedDirs)} folders unchanged and skipped` : ''}); ` +
      `${formatCount(summary.verified)} verified${summary.hashed > 0 ? `, ${formatCount(summary.hashed)} hashed` : ''}${summary.decoded > 0 ? `, ${formatCount(summary.decoded)} decoded` : ''}; ` +
      `findings: ${formatCount(summary.damaged)} damaged, ${summary.undecodable > 0 ? `${formatCount(summary.undecodable)} undecodable, ` : ''}${formatCount(summary.empty)} empty, ${formatCount(summary.short)} short, ` +
      `${formatCount(summary.unknown)} unknown, in ${summary.seconds.toFixed(2)} s\n`,
  );
  if (summary.corrupted > 0) {
    stderr.write(`${plural(summary.corrupted, 'file')} of the same size as a shard member but another sha256: damaged (\`kinetics files --status damaged\` lists them; \`kinetics repair\` fetches them again)\n`);
  }
  const { archives } = summary;
  if (archives.recognised > 0) {
    stderr.write(`${plural(archives.recognised, 'shard archive')} recorded on their shards (${archives.partial} partial): plan, fetch and extract read the whole ones\n`);
  }
  for (const entry of archives.ambiguous) stderr.write(`ambiguous  ${entry.path}: ${entry.reason} (${entry.candidates.join(', ')})\n`);
  const named = summary.byYoutubeId;
  if (named.matched + named.ambiguous + named.none > 0) {
    stderr.write(
      `${plural(named.matched + named.ambiguous + named.none, 'file')} named by YouTube id alone: ${formatCount(named.matched)} matched to the one clip with that id, ` +
        `${formatCount(named.ambiguous)} ambiguous (several clips have the id: \`kinetics scan --report\` counts them, the files view's candidates column lists them), ${formatCount(named.none)} of no clip` +
        `${named.ambiguous > 0 ? '; --version and --split narrow which clips they may be' : ''}\n`,
    );
  }
}

/** The report of how the scanned files matched clips (queries/scan-report.sql). */
async function reportRows(globals: GlobalOptions): Promise<{ columns: string[]; rows: unknown[][] }> {
  const catalog = Catalog.open(globals.db, { readonly: true });
  try {
    const result = runReadOnlyQuery(catalog, loadNamedQuery('scan-report').sql);
    return { columns: result.columns, rows: [...result.rows] };
  } finally {
    await catalog.close();
  }
}

const options = {
  verify: { type: 'boolean', description: "check each file's MP4 structure (moov, duration), not only its size and mtime" },
  checksum: {
    type: 'boolean',
    description: "then hash each clip's file not hashed at its size and mtime (a full read; implies --verify); one whose sha256 differs from its shard member's of the same size is damaged",
  },
  'checksum-all': {
    type: 'boolean',
    description: 'as --checksum, hashing every file again: one whose bytes lost the sum recorded for them (same size and mtime) is damaged',
  },
  decode: {
    type: 'boolean',
    description: "then decode the first, middle and last frames of each clip's file with ffmpeg (KINETICS_FFMPEG, or the PATH's), once per size and mtime (implies --verify); a file that fails is undecodable",
  },
  jobs: { type: 'string', short: 'j', value: 'N', description: 'ffmpeg processes at once for --decode', defaultText: 'the number of cores' },
  quick: { type: 'boolean', description: 'skip folders whose mtime did not change since the last scan' },
  version: { type: 'string', multiple: true, value: 'V', description: 'a file named by YouTube id alone is matched among clips of this version (repeatable)', defaultText: 'all' },
  split: { type: 'string', multiple: true, value: 'S', description: 'and of this split (repeatable)', defaultText: 'all' },
  report: { type: 'boolean', description: 'then print, per folder, how its files matched clips, with an example of each' },
  ...SUMMARY_JSON,
  ...QUIET,
  'fail-on-damage': { type: 'boolean', description: 'exit 65 when any file is damaged, undecodable, empty or short' },
} as const satisfies OptionSpecs;

export const scanCommand: Command = {
  usage,
  options,
  examples: [
    'kinetics scan --verify',
    'kinetics scan /data/k400 /data/k700-2020 --json',
    'kinetics scan /data/k400 --decode --jobs 8',
  ],
  async run(args, globals) {
    const { values, positionals } = parseCommandArgs(
      args, options,
      usage,
    );
    if (values.jobs !== undefined && !values.decode) throw new UsageError('--jobs sets how many ffmpeg processes --decode runs: give it with --decode');
    const decode = values.decode ? { ffmpeg: globals.io.env.KINETICS_FFMPEG || 'ffmpeg', jobs: jobsOption(values.jobs, availableParallelism()) } : undefined;
    if (values.checksum && values['checksum-all']) throw new UsageError('--checksum hashes new files, --checksum-all every file: give one of them');
    const verify = (values.verify ?? false) || (values.checksum ?? false) || (values['checksum-all'] ?? false) || decode !== undefined;
    const roots = positionals.length > 0 ? positionals : [videosRoot(globals.home)];
    // Folders named on the command line can be recorded before any ingest; the tool's own videos folder belongs to
    // a catalog that must exist (a mistyped --home should not make a new one).
    const catalog = Catalog.open(globals.db, { mustExist: positionals.length === 0 });
    if (positionals.length === 0) mkdirSync(roots[0]!, { recursive: true });
    const progress = progressFor(globals.io, 'scan', values);
    let latest: ScanProgress = { files: 0, dirs: 0, verified: 0, hashed: 0, toHash: 0, decoded: 0, toDecode: 0 };
    progress.watch(() => {
      if (latest.toDecode > 0) return { done: latest.decoded, total: latest.toDecode, unit: 'file', detail: 'decoded' };
      if (latest.toHash > 0) return { done: latest.hashed, total: latest.toHash, unit: 'file', detail: 'hashed' };
      return { done: latest.files, unit: 'file', detail: `${plural(latest.dirs, 'folder')}${verify ? `, ${formatCount(latest.verified)} verified` : ''}` };
    });
    let summary: ScanSummary;
    try {
      summary = await scan(catalog, {
        roots,
        verify,
        checksum: values['checksum-all'] ? 'all' : values.checksum ? 'new' : undefined,
        decode,
        quick: values.quick ?? false,
        scope: { versions: (values.version ?? []).map(versionOption), splits: (values.split ?? []).map(splitOption) },
        onProgress(counts) {
          latest = counts;
          progress.tick();
        },
      });
    } finally {
      progress.close();
      await catalog.close();
    }
    const report = values.report ? await reportRows(globals) : undefined;
    if (values.json) globals.io.stdout.write(`${JSON.stringify(report ? { ...summary, report: report.rows.map((row) => Object.fromEntries(report.columns.map((column, index) => [column, row[index]]))) } : summary, null, 2)}\n`);
    else {
      printSummary(summary, globals.io.stderr);
      if (report) writeRows('table', report.columns, report.rows, (text) => globals.io.stdout.write(text));
    }
    if (summary.unreadable.length > 0) {
      if (values.json) for (const entry of summary.unreadable) globals.io.stderr.write(`kinetics: cannot read ${entry.path} (${entry.error})\n`);
      return 74;
    }
    const bad = summary.damaged + summary.undecodable + summary.empty + summary.short;
    if (values['fail-on-damage'] && bad > 0) {
      throw new KineticsError(`${plural(bad, 'file')} damaged, undecodable, empty or short`, 65);
    }
    return 0;
  },
};
