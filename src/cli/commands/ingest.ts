import { versionOption } from '../name-options.js';
import { existsSync, rmSync } from 'node:fs';
import { Catalog } from '../../catalog/catalog.js';
import { UsageError } from '../../errors.js';
import { type IngestSummary, ingest } from '../../ingest/ingest.js';
import type { FileProgress, IngestReporter } from '../../ingest/progress.js';
import type { FileOutcome } from '../../ingest/ingest-file.js';
import { CVDF_BUCKET_URL, VERSIONS, type VersionId, bucketFiles } from '../../sources/bucket-layout.js';
import { formatBytes, formatCount, pluralNoun } from '../../util/words.js';
import { type ProgressRenderer, progressFor } from '../progress.js';
import { openSource } from '../../sources/open-source.js';
import { QUIET, SUMMARY_JSON, type Command, type GlobalOptions, type OptionSpecs, parseCommandArgs } from '../command.js';

const usage =
  'kinetics ingest [--source URL|DIR] [--versions k400,k600,k700-2020] [--no-downstream] [--json] [--quiet] [--home DIR] [--db FILE]';

export function parseVersionList(text: string | undefined): VersionId[] {
  if (text === undefined) return [...VERSIONS];
  return text.split(',').map(versionOption);
}

export async function runIngest(
  globals: GlobalOptions,
  options: { source: string; versions: VersionId[]; downstream: boolean; json: boolean; quiet?: boolean },
): Promise<IngestSummary> {
  const source = openSource(options.source);
  const isNew = !existsSync(globals.db);
  const catalog = Catalog.open(globals.db, { loads: 'clip_annotations' });
  const progress = progressFor(globals.io, 'ingest', options);
  try {
    const reporter = ingestProgress(progress, bucketFiles(options.versions, options.downstream).length);
    return await ingest(catalog, { source, versions: options.versions, downstream: options.downstream, reporter });
  } finally {
    progress.close();
    // A first ingest that loaded nothing (an unreachable source, a wrong folder) leaves no empty catalog behind
    // for later commands to take for an ingested one.
    const discard = isNew && catalog.isEmptyAndUnshared();
    await catalog.close();
    if (discard) for (const suffix of ['', '-wal', '-shm']) rmSync(`${globals.db}${suffix}`, { force: true });
  }
}

function outcomeLine(outcome: FileOutcome): string {
  switch (outcome.status) {
    case 'loaded':
      return `loaded     ${outcome.path}  ${formatCount(outcome.rows)} ${pluralNoun(outcome.rows, 'row')}, ${formatBytes(outcome.bytes)}${
        outcome.notes.length > 0 ? ` (${outcome.notes.join('; ')})` : ''
      }`;
    case 'unchanged':
      return `unchanged  ${outcome.path}`;
    case 'missing':
      return `missing    ${outcome.path}  (not in the source; skipped)`;
    case 'failed':
      return `failed     ${outcome.error}`;
  }
}

/** Files read of the bucket's, bytes, and the file being read with its rows; a line per file as it ends. */
function ingestProgress(progress: ProgressRenderer, files: number): IngestReporter {
  let current: FileProgress | undefined;
  let done = 0;
  let bytesBefore = 0;
  progress.watch(() => ({
    done,
    total: files,
    unit: 'file',
    bytes: bytesBefore + (current?.bytes ?? 0),
    detail: current && `${current.path} ${formatBytes(current.bytes)}${current.totalBytes ? ` of ${formatBytes(current.totalBytes)}` : ''}, ${formatCount(current.rows)} rows`,
  }));
  return {
    fileStarted: (file) => void (current = file),
    fileFinished(outcome) {
      bytesBefore += current?.bytes ?? 0;
      current = undefined;
      done++;
      progress.line(outcomeLine(outcome));
    },
  };
}

export function printIngestSummary(summary: IngestSummary, globals: GlobalOptions): void {
  const bytes = summary.files.reduce((sum, file) => sum + (file.status === 'loaded' ? file.bytes : 0), 0);
  globals.io.stderr.write(
    `${summary.loaded} loaded (${formatCount(summary.rows)} rows, ${formatBytes(bytes)}), ` +
      `${summary.unchanged} unchanged, ${summary.missing} missing, ${summary.failed} failed ` +
      `in ${summary.seconds.toFixed(2)} s → ${globals.db}\n`,
  );
  if (summary.failed > 0) {
    globals.io.stderr.write('each failed file left the catalog as it was before it (its earlier rows, if any, stand); fix it and run ingest again\n');
  }
}

const options = {
  source: { type: 'string', value: 'URL|DIR', description: 'the bucket to load from: an http(s) URL or a folder laid out like it', env: 'KINETICS_SOURCE', defaultText: 'https://s3.amazonaws.com/kinetics' },
  versions: { type: 'string', value: 'V[,V]', description: 'only these versions (k400, k600, k700-2020)', defaultText: 'all three' },
  downstream: { type: 'boolean', default: true, description: 'also AVA-Kinetics and Countix (--no-downstream leaves them out)' },
  ...SUMMARY_JSON,
  ...QUIET,
} as const satisfies OptionSpecs;

export const ingestCommand: Command = {
  usage,
  options,
  examples: [
    'kinetics ingest',
    'kinetics ingest --source data/sample-bucket --versions k400,k700-2020 --no-downstream',
  ],
  async run(args, globals) {
    const { values, positionals } = parseCommandArgs(
      args, options,
      usage,
    );
    if (positionals.length > 0) throw new UsageError(`unexpected argument ${positionals[0]}\nusage: ${usage}`);
    const summary = await runIngest(globals, {
      source: values.source ?? globals.io.env.KINETICS_SOURCE ?? CVDF_BUCKET_URL,
      versions: parseVersionList(values.versions),
      downstream: values.downstream ?? true,
      json: values.json ?? false,
      quiet: values.quiet,
    });
    if (values.json) globals.io.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
    else printIngestSummary(summary, globals);
    return summary.exitCode;
  },
};
