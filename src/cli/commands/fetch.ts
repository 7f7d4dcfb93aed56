import { Catalog } from '../../catalog/catalog.js';
import { fromDatabaseError } from '../../catalog/catalog-errors.js';
import { KineticsError, UsageError } from '../../errors.js';
import type { ShardEvent, ShardResult } from '../../fetch/fetch-shards.js';
import type { PlannedShard } from '../../fetch/plan.js';
import { mergeWorkerCatalog, mergedAsItStands } from '../../catalog/workers.js';
import { PLAIN_FETCH_LOCK, lockHome } from '../../fetch/home-lock.js';
import { type FetchSummary, fetchSubset } from '../../fetch/fetch-subset.js';
import { defaultWorkerCatalog, prepareWorker, workerCatalogFiles } from '../../fetch/worker-fetch.js';
import { describeMerge } from './merge.js';
import { type Worker, parseWorker } from '../../fetch/worker-share.js';
import { canonicalPath } from '../../util/canonical-path.js';
import type { Output } from '../../util/output.js';
import { formatBytes, formatCount, plural } from '../../util/words.js';
import { type ProgressRenderer, progressFor } from '../progress.js';
import { JOBS, QUIET, SUMMARY_JSON, type Command, type GlobalOptions, type OptionSpecs, parseCommandArgs } from '../command.js';
import { jobsOption } from '../number-options.js';

const usage = 'kinetics fetch NAME [--jobs N] [--keep-archives] [--retry-absent] [--retry-damaged] [--worker I/N [--worker-db FILE]] [--json] [--quiet] [--home DIR] [--db FILE]';

const SKIPPED_LISTED = 20;

const shardName = (shard: PlannedShard) => `${shard.version}/${shard.split}/${shard.name}`;

function finishedLine(shard: PlannedShard, result: ShardResult): string {
  if (result.state === 'extracted') return `extracted  ${shardName(shard)}: ${result.extracted} of ${result.members} members`;
  if (result.state === 'absent') return `absent     ${shardName(shard)}: not in the source (${result.error}); not asked again until --retry-absent`;
  return `${result.state.padEnd(10)} ${shardName(shard)}: ${result.error}`;
}

/**
 * Shards done of those planned, bytes read of theirs (downloaded, or from archives on disk) and the shards in
 * flight; a line per shard as it ends. `subset` is named where the skipped shards are listed in full.
 */
export function shardProgress(progress: ProgressRenderer, subset?: string): { onPlan(shards: PlannedShard[]): void; onEvent(event: ShardEvent): void } {
  let planned: PlannedShard[] | undefined;
  let done = 0;
  let bytes = 0;
  let skipped = 0;
  const active = new Map<string, number>();
  progress.watch(() => planned === undefined ? { unit: 'shard', detail: 'planning which shards hold the clips' } : ({
    done,
    total: planned.length,
    unit: 'shard',
    bytes,
    totalBytes: planned.every((shard) => shard.bytes !== null) ? planned.reduce((sum, shard) => sum + shard.bytes!, 0) : undefined,
    detail: [...active].map(([name, read]) => `${name} ${formatBytes(read)}`).join(', '),
  }));
  return {
    onPlan: (shards) => void (planned = shards),
    onEvent(event) {
      if (event.kind === 'started') active.set(event.shard.name, 0);
      if (event.kind === 'bytes') {
        bytes += event.bytes;
        active.set(event.shard.name, (active.get(event.shard.name) ?? 0) + event.bytes);
      }
      if (event.kind === 'notice') progress.line(`notice     ${event.shard.name}: ${event.message}`);
      if (event.kind === 'skipped') {
        // Hundreds of shards known absent would bury the rest: the first are named, the summary counts them all.
        if (++skipped <= SKIPPED_LISTED) progress.line(`skipped    ${shardName(event.shard)} (${event.reason})`);
        else if (skipped === SKIPPED_LISTED + 1) {
          progress.line(`skipped    … and more, not named: the summary counts them${subset === undefined ? '' : `, \`kinetics plan ${subset}\` lists them`}`);
        }
      }
      if (event.kind === 'finished') {
        progress.line(finishedLine(event.shard, event.result));
        for (const refused of event.result.refused) progress.line(`refused    ${event.shard.name}: ${refused.member}: ${refused.reason}`);
      }
      if (event.kind === 'finished' || event.kind === 'skipped') {
        done++;
        active.delete(event.shard.name);
      }
      progress.tick();
    },
  };
}

export interface FetchRun {
  subset: string;
  jobs: number;
  json: boolean;
  quiet?: boolean;
  /** What the progress line and the summary call the work. */
  label?: string;
  /** The subset is the command's own, dropped after it (repair's): its name is not shown. */
  ownSubset?: boolean;
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
  const worker =
    run.worker &&
    (await prepareWorker(globals.db, run.subset, globals.home, run.worker, run.workerCatalog ?? defaultWorkerCatalog(globals.home, run.worker), {
      retryAbsent: run.retryAbsent,
      retryDamaged: run.retryDamaged,
    }));
  const label = run.label ?? (run.offline ? 'extract' : 'fetch');
  const progress = progressFor(globals.io, label, run);
  const shards = shardProgress(progress, run.ownSubset ? undefined : run.subset);
  let release = worker?.release;
  let catalog: Catalog | undefined;
  try {
    catalog = worker ? Catalog.open(worker.catalogFile) : Catalog.open(globals.db, { mustExist: true });
    // A plain fetch takes the home's lock before it writes the catalog: no worker runs while it merges theirs.
    release ??= lockHome(globals.home, PLAIN_FETCH_LOCK.name, PLAIN_FETCH_LOCK.conflictsWith);
    if (!worker) mergeChangedWorkers(catalog, globals);
    const summary = await fetchSubset(catalog, run.subset, {
      home: globals.home,
      jobs: run.jobs,
      keepArchives: run.keepArchives ?? false,
      retryAbsent: run.retryAbsent ?? false,
      retryDamaged: run.retryDamaged ?? false,
      archives: run.archives,
      offline: run.offline,
      share: worker?.share,
      lock: worker?.lock ?? { ...PLAIN_FETCH_LOCK, heldByCaller: true },
      onPlan: shards.onPlan,
      onProgress: shards.onEvent,
    });
    progress.close();
    // A subset of the tool's own (repair's) is gone once the command ends: it is not named to the user.
    const named = run.ownSubset ? { ...summary, subset: null } : summary;
    if (run.json) globals.io.stdout.write(`${JSON.stringify(named, null, 2)}\n`);
    else reportSummary(named, globals.io.stderr, label, run.worker);
    return summary.exitCode;
  } catch (error) {
    // A worker writes a catalog of its own: a full disk or a busy catalog met there is named after it, not --db.
    throw (worker && fromDatabaseError(error, worker.catalogFile)) ?? error;
  } finally {
    progress.close();
    await catalog?.close();
    release?.();
  }
}

/**
 * What workers of this home recorded and no merge has brought into the catalog yet is merged first (the caller
 * holds the home's lock: no worker runs): else this fetch would stream their shards again. Unchanged since their
 * last merge, they are not read again.
 */
function mergeChangedWorkers(catalog: Catalog, globals: GlobalOptions): void {
  for (const file of workerCatalogFiles(globals.home)) {
    if (mergedAsItStands(catalog, file)) continue;
    try {
      globals.io.stderr.write(`${describeMerge(file, mergeWorkerCatalog(catalog, file))} (changed since its last merge)\n`);
    } catch (error) {
      // Another catalog's worker, or a file that is none: `kinetics merge` says why; this fetch goes on without it.
      if (!(error instanceof KineticsError)) throw error;
    }
  }
}

function reportSummary(summary: Omit<FetchSummary, 'subset'> & { subset: string | null }, stderr: Output, label: string, worker?: Worker): void {
  const count = (state: string) => summary.shards.filter((shard) => shard.state === state).length;
  const failed = count('failed');
  // A shard that fails or is cancelled part way keeps the clips written whole before it stopped.
  const unfinished = summary.shards.filter((shard) => shard.state !== 'extracted').reduce((sum, shard) => sum + shard.extracted, 0);
  const aside = [
    ...(unfinished > 0 ? [`and ${formatCount(unfinished)} kept from shards that stopped part way`] : []),
    ...(count('skipped') > 0 ? [`${formatCount(count('skipped'))} skipped`] : []),
  ];
  stderr.write(
    `${summary.subset === null ? label : `${worker ? `worker ${worker.index}/${worker.count} of ` : ''}subset ${summary.subset}`}: ${plural(summary.extracted - unfinished, 'clip')} extracted from ${plural(count('extracted'), 'shard')}` +
      `${aside.length > 0 ? ` (${aside.join('; ')})` : ''}${failed > 0 ? `, ${plural(failed, 'shard')} failed` : ''}${count('absent') > 0 ? `, ${plural(count('absent'), 'shard')} not in the source` : ''}${label === 'extract' || summary.readInPlace ? '' : `, ${formatBytes(summary.transferredBytes)} downloaded`} in ${summary.seconds.toFixed(1)} s; ` +
      `${plural(summary.stillMissing, 'clip')}${worker ? ' of its shards' : ''} still missing${summary.notInAnyShard > 0 ? `, ${formatCount(summary.notInAnyShard)} in no shard` : ''}` +
      `${summary.damagedAtSource > 0 ? `, ${formatCount(summary.damagedAtSource)} damaged at source (--retry-damaged streams their shards again)` : ''}\n`,
  );
  // A clip's status only where it says more than the word at the start of the line.
  for (const clip of summary.stillMissingClips) stderr.write(`missing    ${clip.version}/${clip.split}/${clip.clip_key}${clip.status === 'missing' ? '' : ` (${clip.status} on disk)`}\n`);
  const more = (listed: number, total: number) => {
    if (total <= listed) return;
    const where = summary.subset === null ? '`kinetics repair --dry-run --json` lists them' : `\`kinetics status --subset ${summary.subset}\` counts them, \`kinetics query\` on subset_clips lists them`;
    stderr.write(`           … and ${formatCount(total - listed)} more: ${where}\n`);
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
  ...QUIET,
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
        quiet: values.quiet,
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
