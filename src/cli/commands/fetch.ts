import { Catalog } from '../../catalog/catalog.js';
import { UsageError } from '../../errors.js';
import type { ShardEvent } from '../../fetch/fetch-shards.js';
import { markWorkerCatalog } from '../../catalog/workers.js';
import { type FetchSummary, fetchSubset } from '../../fetch/fetch-subset.js';
import { defaultWorkerCatalog, prepareWorker } from '../../fetch/worker-fetch.js';
import { type Worker, parseWorker } from '../../fetch/worker-share.js';
import { canonicalPath } from '../../util/canonical-path.js';
import { formatBytes } from '../../ingest/progress.js';
import type { Output } from '../../util/output.js';
import { plural } from '../../util/words.js';
import { JOBS, SUMMARY_JSON, type Command, type GlobalOptions, type OptionSpecs, parseCommandArgs } from '../command.js';
import { jobsOption } from '../number-options.js';

const usage = 'kinetics fetch NAME [--jobs N] [--keep-archives] [--retry-absent] [--retry-damaged] [--worker I/N [--worker-db FILE]] [--json] [--home DIR] [--db FILE]';

/** On a terminal: one live line with the shards in flight, total bytes, rate and ETA; plain lines otherwise. */
function progressPrinter(stderr: Output, onTerminal: boolean, totalBytes: () => number): { onEvent(event: ShardEvent): void; close(): void } {
  const started = Date.now();
  let bytes = 0;
  const active = new Map<string, number>();
  const render = () => {
    const seconds = (Date.now() - started) / 1000;
    const rate = bytes / Math.max(seconds, 0.001);
    const remaining = totalBytes() - bytes;
    const eta = rate > 0 && remaining > 0 ? ` ETA ${Math.ceil(remaining / rate)} s` : '';
    const shards = [...active].map(([name, done]) => `${name} ${formatBytes(done)}`).join(', ');
    stderr.write(`\r\x1b[2K${formatBytes(bytes)} at ${formatBytes(rate)}/s${eta}  ${shards}`.slice(0, (stderr.columns ?? 100) - 1));
  };
  const timer = onTerminal ? setInterval(render, 200) : undefined;
  return {
    onEvent(event) {
      if (event.kind === 'started') active.set(event.shard.name, 0);
      if (event.kind === 'bytes') {
        bytes += event.bytes;
        active.set(event.shard.name, (active.get(event.shard.name) ?? 0) + event.bytes);
      }
      if (event.kind === 'notice') stderr.write(`${onTerminal ? '\r\x1b[2K' : ''}notice     ${event.shard.name}: ${event.message}\n`);
      if (event.kind === 'finished' || event.kind === 'skipped') {
        active.delete(event.shard.name);
        const line =
          event.kind === 'skipped'
            ? `skipped    ${event.shard.name} (${event.reason})`
            : event.result.state === 'extracted'
              ? `extracted  ${event.shard.version}/${event.shard.split}/${event.shard.name}: ${event.result.extracted} of ${event.result.members} members`
              : `failed     ${event.shard.version}/${event.shard.split}/${event.shard.name}: ${event.result.error}`;
        stderr.write(`${onTerminal ? '\r\x1b[2K' : ''}${line}\n`);
        for (const refused of event.kind === 'finished' ? event.result.refused : []) {
          stderr.write(`refused    ${event.shard.name}: ${refused.member}: ${refused.reason}\n`);
        }
      }
    },
    close() {
      if (timer) clearInterval(timer);
      if (onTerminal) stderr.write('\r\x1b[2K');
    },
  };
}

export interface FetchRun {
  subset: string;
  jobs: number;
  json: boolean;
  keepArchives?: boolean;
  retryAbsent?: boolean;
  retryDamaged?: boolean;
  archives?: string;
  offline?: boolean;
  /** One worker of a split fetch: its share, recorded in its own catalog. */
  worker?: Worker;
  workerCatalog?: string;
}

/** Fetches (or, offline, extracts) a subset with live progress on stderr and the summary after; returns the exit code. */
export async function runFetch(run: FetchRun, globals: GlobalOptions): Promise<number> {
  let planned = 0;
  const worker =
    run.worker &&
    (await prepareWorker(globals.db, run.subset, globals.home, run.worker, run.workerCatalog ?? defaultWorkerCatalog(globals.home, run.worker), {
      retryAbsent: run.retryAbsent,
      retryDamaged: run.retryDamaged,
    }));
  const progress = progressPrinter(globals.io.stderr, globals.io.stderr.isTTY === true && !run.json, () => planned);
  const catalog = worker ? Catalog.open(worker.catalogFile) : Catalog.open(globals.db, { mustExist: true });
  try {
    if (worker) markWorkerCatalog(catalog, globals.db);
    const summary = await fetchSubset(catalog, run.subset, {
      home: globals.home,
      jobs: run.jobs,
      keepArchives: run.keepArchives ?? false,
      retryAbsent: run.retryAbsent ?? false,
      retryDamaged: run.retryDamaged ?? false,
      archives: run.archives,
      offline: run.offline,
      share: worker?.share,
      lock: worker?.lock,
      onPlan: (plan) => (planned = plan.bytesToDownload),
      onProgress: run.json ? undefined : (event) => progress.onEvent(event),
    });
    progress.close();
    if (run.json) globals.io.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
    else reportSummary(summary, globals.io.stderr);
    return summary.exitCode;
  } finally {
    progress.close();
    await catalog.close();
  }
}

function reportSummary(summary: FetchSummary, stderr: Output): void {
  const count = (state: string) => summary.shards.filter((shard) => shard.state === state).length;
  const failed = count('failed');
  stderr.write(
    `subset ${summary.subset}: ${plural(summary.extracted, 'clip')} extracted from ${plural(count('extracted'), 'shard')}` +
      `${count('skipped') > 0 ? ` (${count('skipped')} skipped)` : ''}${failed > 0 ? `, ${plural(failed, 'shard')} failed` : ''}, ${formatBytes(summary.transferredBytes)} downloaded in ${summary.seconds.toFixed(1)} s; ` +
      `${plural(summary.stillMissing, 'clip')} still missing${summary.notInAnyShard > 0 ? `, ${summary.notInAnyShard} in no shard` : ''}` +
      `${summary.damagedAtSource > 0 ? `, ${summary.damagedAtSource} damaged at source (--retry-damaged streams their shards again)` : ''}\n`,
  );
  // A clip's status only where it says more than the word at the start of the line.
  for (const clip of summary.stillMissingClips) stderr.write(`missing    ${clip.version}/${clip.split}/${clip.clip_key}${clip.status === 'missing' ? '' : ` (${clip.status} on disk)`}\n`);
  const more = (listed: number, total: number) => {
    if (total > listed) stderr.write(`           … and ${total - listed} more: \`kinetics status --subset ${summary.subset}\` counts them, \`kinetics query\` on subset_clips lists them\n`);
  };
  more(summary.stillMissingClips.length, summary.stillMissing);
  for (const clip of summary.damagedAtSourceClips) stderr.write(`damaged    ${clip.version}/${clip.split}/${clip.clip_key} (${clip.status} at source)\n`);
  more(summary.damagedAtSourceClips.length, summary.damagedAtSource);
}

const options = {
  ...JOBS,
  'keep-archives': { type: 'boolean', description: 'keep each downloaded shard under --home/archives/' },
  'retry-absent': { type: 'boolean', description: 'ask the source again for shards it said it does not have' },
  'retry-damaged': { type: 'boolean', description: 'stream again the shards that sent wanted clips damaged' },
  worker: { type: 'string', value: 'I/N', description: "only worker I's share of N (a Slurm array task); records into its own catalog" },
  'worker-db': { type: 'string', value: 'FILE', description: "the worker's own catalog", defaultText: '--home/workers/I-of-N.db' },
  ...SUMMARY_JSON,
} as const satisfies OptionSpecs;

export const fetchCommand: Command = {
  usage,
  options,
  examples: [
    'kinetics fetch climbing --jobs 8',
    'kinetics fetch climbing --worker $SLURM_ARRAY_TASK_ID/16 --jobs 2',
  ],
  async run(args, globals) {
    const { values, positionals } = parseCommandArgs(
      args, options,
      usage,
    );
    if (positionals.length !== 1) throw new UsageError(`fetch takes one subset NAME\nusage: ${usage}`);
    if (values['worker-db'] !== undefined && values.worker === undefined) throw new UsageError(`--worker-db goes with --worker I/N\nusage: ${usage}`);
    if (values['worker-db'] !== undefined && canonicalPath(values['worker-db']) === globals.db) {
      throw new UsageError(`--worker-db names the main catalog ${globals.db}; a worker records into a catalog of its own`);
    }
    return runFetch(
      {
        subset: positionals[0]!,
        jobs: jobsOption(values.jobs),
        json: values.json ?? false,
        keepArchives: values['keep-archives'],
        retryAbsent: values['retry-absent'],
        retryDamaged: values['retry-damaged'],
        worker: values.worker === undefined ? undefined : parseWorker(values.worker),
        workerCatalog: values['worker-db'] === undefined ? undefined : canonicalPath(values['worker-db']),
      },
      globals,
    );
  },
};
