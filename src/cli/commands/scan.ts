import { splitOption, versionOption } from '../name-options.js';
import { mkdirSync } from 'node:fs';
import { Catalog } from '../../catalog/catalog.js';
import { KineticsError } from '../../errors.js';
import { runReadOnlyQuery } from '../../catalog/read-only-query.js';
import { loadNamedQuery } from '../../query/named-queries.js';
import { writeRows } from '../../query/output-formats.js';
import { videosRoot } from '../../fetch/video-layout.js';
import { type ScanProgress, type ScanSummary, scan } from '../../scan/scan.js';
import type { Output } from '../../util/output.js';
import { plural } from '../../util/words.js';
import { progressFor } from '../progress.js';
import { QUIET, SUMMARY_JSON, type Command, type GlobalOptions, type OptionSpecs, parseCommandArgs } from '../command.js';

const usage = 'kinetics scan [DIR...] [--verify] [--quick] [--version V ...] [--split S ...] [--report] [--json] [--quiet] [--fail-on-damage] [--home DIR] [--db FILE]';

function printSummary(summary: ScanSummary, stderr: Output): void {
  // What could not be read comes first: the counts after it leave those folders out.
  for (const entry of summary.unreadable) stderr.write(`kinetics: cannot read ${entry.path} (${entry.error})\n`);
  stderr.write(
    `${plural(summary.seen, 'file')} seen (${summary.new} new, ${summary.changed} changed, ${summary.unchanged} unchanged, ` +
      `${summary.gone} gone${summary.skippedDirs > 0 ? `, ${summary.skippedDirs} folders unchanged and skipped` : ''}); ` +
      `${summary.verified} verified; findings: ${summary.damaged} damaged, ${summary.empty} empty, ${summary.short} short, ` +
      `${summary.unknown} unknown, in ${summary.seconds.toFixed(2)} s\n`,
  );
  const { archives } = summary;
  if (archives.recognised > 0) {
    stderr.write(`${plural(archives.recognised, 'shard archive')} recorded on their shards (${archives.partial} partial): plan, fetch and extract read the whole ones\n`);
  }
  for (const entry of archives.ambiguous) stderr.write(`ambiguous  ${entry.path}: ${entry.reason} (${entry.candidates.join(', ')})\n`);
  const named = summary.byYoutubeId;
  if (named.matched + named.ambiguous + named.none > 0) {
    stderr.write(
      `${plural(named.matched + named.ambiguous + named.none, 'file')} named by YouTube id alone: ${named.matched.toLocaleString('en-US')} matched to the one clip with that id, ` +
        `${named.ambiguous.toLocaleString('en-US')} ambiguous (several clips have the id: \`kinetics scan --report\` counts them, the files view's candidates column lists them), ${named.none.toLocaleString('en-US')} of no clip` +
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
  quick: { type: 'boolean', description: 'skip folders whose mtime did not change since the last scan' },
  version: { type: 'string', multiple: true, value: 'V', description: 'a file named by YouTube id alone is matched among clips of this version (repeatable)', defaultText: 'all' },
  split: { type: 'string', multiple: true, value: 'S', description: 'and of this split (repeatable)', defaultText: 'all' },
  report: { type: 'boolean', description: 'then print, per folder, how its files matched clips, with an example of each' },
  ...SUMMARY_JSON,
  ...QUIET,
  'fail-on-damage': { type: 'boolean', description: 'exit 65 when any file is damaged, empty or short' },
} as const satisfies OptionSpecs;

export const scanCommand: Command = {
  usage,
  options,
  examples: [
    'kinetics scan --verify',
    'kinetics scan /data/k400 /data/k700-2020 --json',
  ],
  async run(args, globals) {
    const { values, positionals } = parseCommandArgs(
      args, options,
      usage,
    );
    const roots = positionals.length > 0 ? positionals : [videosRoot(globals.home)];
    // Folders named on the command line can be recorded before any ingest; the tool's own videos folder belongs to
    // a catalog that must exist (a mistyped --home should not make a new one).
    const catalog = Catalog.open(globals.db, { mustExist: positionals.length === 0 });
    if (positionals.length === 0) mkdirSync(roots[0]!, { recursive: true });
    const progress = progressFor(globals.io, 'scan', values);
    let latest: ScanProgress = { files: 0, dirs: 0, verified: 0 };
    progress.watch(() => ({ done: latest.files, unit: 'file', detail: `${plural(latest.dirs, 'folder')}${values.verify ? `, ${latest.verified.toLocaleString('en-US')} verified` : ''}` }));
    let summary: ScanSummary;
    try {
      summary = await scan(catalog, {
        roots,
        verify: values.verify ?? false,
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
    if (values['fail-on-damage'] && summary.damaged + summary.empty + summary.short > 0) {
      throw new KineticsError(`${summary.damaged + summary.empty + summary.short} damaged, empty or short files`, 65);
    }
    return 0;
  },
};
