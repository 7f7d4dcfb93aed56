/**
 * Network faults from the real bucket server: each fault (and bursts, and pairs) on an annotation file during a
 * first ingest, on a shard's HEAD during `plan`, and on a shard's GET during `fetch`.
 *
 * What README promises: 5xx/429/resets/cut bodies/stalls are retried (every request abandoned after
 * KINETICS_HTTP_TIMEOUT seconds without a byte) and resumed with Range; a file the source lacks is reported and
 * skipped (exit 1); a file whose transfer cannot be finished is not ingested; no partial file is ever visible; a
 * shard the source lacks is `absent` and not asked for again until --retry-absent; bytes that are no archive are
 * never kept in a `.part`. Whatever happened, a rerun without the fault ends as a clean run does.
 */
import type { Fault } from '../../../test/helpers/bucket-server.js';
import { type SubsetName, cleanHttpFetch, cleanHttpIngest, clipsNotOk, httpFetchHome, placeholders, sampleBucket, serve, shardBytesResolver, shardRow } from '../fixtures.js';
import { join } from 'node:path';
import {
  type CliRun,
  type Try,
  type TryContext,
  expectExit,
  expectIntegrity,
  expectNoJunk,
  expectSameDigest,
  queryRows,
  queryValue,
  semanticDigest,
  sha256File,
} from '../lib.js';

/** What a fault should come to: read whole after retries, reported and skipped, or either of those. */
type Outcome = 'done' | 'not done' | 'either';

interface FaultCase {
  name: string;
  faults: Fault[];
  outcome: Outcome;
  /** A word the last error must hold (README: the last error says to run the command again). */
  says?: RegExp;
  slow?: boolean;
}

const burst = (count: number): Fault[] => Array<Fault>(count).fill('500');

/** Every fault the server knows, once, and the sequences README names (bursts of 503, resume refused). */
const FAULT_CASES: FaultCase[] = [
  { name: '500 once', faults: ['500'], outcome: 'done' },
  { name: '429 once (Retry-After: 0)', faults: ['429'], outcome: 'done' },
  { name: '404', faults: ['404'], outcome: 'not done' },
  { name: 'reset mid-body', faults: ['reset'], outcome: 'done' },
  { name: 'closed mid-body', faults: ['short'], outcome: 'done' },
  { name: 'Content-Length 100 bytes too long', faults: ['wrong-length'], outcome: 'either', slow: true },
  { name: 'trickled', faults: ['trickle'], outcome: 'done' },
  { name: 'Range ignored (unasked)', faults: ['ignore-range'], outcome: 'done' },
  { name: 'no answer at all (stall)', faults: ['stall'], outcome: 'done' },
  { name: 'body stalls after 100 bytes', faults: ['stall-body'], outcome: 'done' },
  { name: 'an HTML error page as a 200', faults: ['garbage'], outcome: 'not done' },
  { name: 'reset, then Range ignored', faults: ['reset', 'ignore-range'], outcome: 'either', slow: true },
  { name: 'reset three times', faults: ['reset', 'reset', 'reset'], outcome: 'done' },
  { name: 'two stalls', faults: ['stall', 'stall'], outcome: 'done' },
  { name: 'burst of five 500s', faults: burst(5), outcome: 'done', slow: true },
  { name: 'burst of six 500s (every try)', faults: burst(6), outcome: 'not done', says: /again/, slow: true },
];

const pick = (...names: string[]) => FAULT_CASES.filter((fault) => names.includes(fault.name));

/** Short enough that stalls cost seconds, long enough for loopback on a busy machine. */
const HTTP_ENV = { KINETICS_HTTP_TIMEOUT: '2' };

// ─── Annotation files during a first ingest ─────────────────────────────────────────────────────────────────────

interface IngestTarget {
  path: string;
  versions: string;
  downstream: boolean;
  /** Counts the rows the file gives: 0 when it was not ingested (no partial file is ever visible). */
  rows: string;
  cases: FaultCase[];
}

const ingestTargets = (): IngestTarget[] => [
  { path: '400/annotations/val.csv', versions: 'k400', downstream: false, rows: "SELECT count(*) FROM clips WHERE version = 'k400' AND split = 'val'", cases: FAULT_CASES },
  {
    path: '700_2020/annotations/countix.tar.gz',
    versions: 'k700-2020',
    downstream: true,
    rows: 'SELECT count(*) FROM countix',
    cases: pick('500 once', '404', 'reset mid-body', 'closed mid-body', 'trickled', 'no answer at all (stall)', 'body stalls after 100 bytes', 'an HTML error page as a 200'),
  },
  ...[
    { path: '700_2020/annotations/val.csv', versions: 'k700-2020', rows: "SELECT count(*) FROM clips WHERE version = 'k700-2020' AND split = 'val'" },
    { path: '600/annotations/val.txt', versions: 'k600', rows: "SELECT count(*) FROM clips WHERE version = 'k600' AND split = 'val'" },
    { path: '700_2020/val/k700_2020_val_path.txt', versions: 'k700-2020', rows: "SELECT count(*) FROM shards WHERE version = 'k700-2020' AND split = 'val'" },
  ].map((target) => ({ ...target, downstream: false, cases: pick('reset mid-body', 'closed mid-body', 'body stalls after 100 bytes', '404', 'an HTML error page as a 200', 'reset three times') })),
];

/** The file was loaded whole (its sources row has the file's sha256 and its rows are there) or not at all. */
async function expectWholeOrNothing(t: TryContext, target: IngestTarget): Promise<boolean> {
  const [row] = queryRows<{ sha256: string }>(t.db, 'SELECT sha256 FROM sources WHERE path = ?', target.path);
  const rows = queryValue<number>(t.db, target.rows);
  if (row) t.check(row.sha256 === sha256File(join(await sampleBucket(), target.path)), `${target.path} was recorded with a sha256 that is not the file's: a partial file is visible`);
  else t.check(rows === 0, `${target.path} was not recorded as ingested, yet ${rows} of its rows are in the catalog`);
  return row !== undefined;
}

function ingestFaultTry(target: IngestTarget, fault: FaultCase): Try {
  return {
    name: `network: ingest ${target.path} — ${fault.name}`,
    category: 'network',
    slow: fault.slow,
    async run(t) {
      Object.assign(t.env, HTTP_ENV);
      const server = await serve(t, await sampleBucket());
      server.fail(target.path, ...fault.faults);
      const args = ['ingest', '--source', server.url, '--versions', target.versions, ...(target.downstream ? [] : ['--no-downstream']), '--home', t.home];
      const clean = await cleanHttpIngest(target.versions, target.downstream);
      const run = await t.cli(args);
      if (!expectOutcome(t, run, fault)) return;
      expectIntegrity(t, t.db);
      const loaded = await expectWholeOrNothing(t, target);
      if (run.code === 0) {
        t.check(loaded, `exit 0, yet ${target.path} is not in the catalog`);
        expectSameDigest(t, semanticDigest(t.db, placeholders(t, server.url)), clean, 'the catalog after the faulted ingest, against a clean one');
        return;
      }
      t.check(!loaded || fault.outcome !== 'not done', `${target.path} was ingested although the fault should have kept it out`);
      const rerun = await t.cli(args);
      expectExit(t, rerun, 0);
      expectSameDigest(t, semanticDigest(t.db, placeholders(t, server.url)), clean, 'the catalog after a rerun without the fault, against a clean ingest');
    },
  };
}

function expectOutcome(t: TryContext, run: CliRun, fault: FaultCase): boolean {
  const codes = fault.outcome === 'done' ? [0] : fault.outcome === 'not done' ? [1, 65] : [0, 1];
  const ok = expectExit(t, run, ...codes);
  if (fault.says && run.code !== 0) t.check(fault.says.test(run.stderr), `the last error does not say to run the command again: ${run.stderr.trim().split('\n').at(-1)}`);
  return ok;
}

// ─── Shards: the plan's HEAD, the fetch's GET ──────────────────────────────────────────────────────────────────

interface ShardTarget {
  subset: SubsetName;
  /** Bucket path of the shard the fault hits. */
  shard: string;
  cases: FaultCase[];
}

const shardTargets = (): ShardTarget[] => [
  { subset: 'kv', shard: '700_2020/val/k700_val_543.tar.gz', cases: FAULT_CASES },
  {
    subset: 'k6',
    shard: '600/val/tying knot (not on a tie).tar.gz',
    cases: pick('reset mid-body', 'closed mid-body', 'body stalls after 100 bytes', '404', 'an HTML error page as a 200', 'reset, then Range ignored', 'no answer at all (stall)'),
  },
  {
    subset: 'k4',
    shard: '400/val/part_1.tar.gz',
    cases: pick('reset mid-body', 'trickled', 'body stalls after 100 bytes', '404', 'an HTML error page as a 200', 'Content-Length 100 bytes too long', '429 once (Retry-After: 0)'),
  },
];

/** Faults on the HEAD `plan` sends for a shard's size: a wrong size or an error page must not stick. */
const HEAD_CASES: FaultCase[] = pick('500 once', '404', 'no answer at all (stall)', 'an HTML error page as a 200', 'Content-Length 100 bytes too long', 'burst of six 500s (every try)');

/** After a fetch: finished shards leave no `.part`, failed ones only a prefix of the shard; no `.extracting`. */
function expectFetchLeftovers(t: TryContext, bucket: string, finished: boolean): void {
  expectNoJunk(t, t.home, shardBytesResolver(bucket), { partsAllowed: !finished });
}

function shardFaultTry(target: ShardTarget, fault: FaultCase, on: 'GET' | 'HEAD'): Try {
  return {
    name: `network: ${on === 'GET' ? 'fetch' : 'plan (HEAD)'} ${target.shard} — ${fault.name}`,
    category: 'network',
    slow: fault.slow,
    async run(t) {
      Object.assign(t.env, HTTP_ENV);
      const { server, source, bucket } = await httpFetchHome(t);
      const clean = await cleanHttpFetch(target.subset);
      if (on === 'HEAD') server!.fail(target.shard, ...fault.faults);
      expectExit(t, await t.cli(['plan', target.subset, '--home', t.home]), 0);
      if (on === 'GET') server!.fail(target.shard, ...fault.faults);
      const requestsBefore = server!.requestsFor(target.shard).length;
      const fetched = await t.cli(['fetch', target.subset, '--home', t.home]);
      expectIntegrity(t, t.db);
      expectFetchLeftovers(t, bucket, fetched.code === 0);
      if (on === 'GET' && !expectOutcome(t, fetched, fault)) return;
      if (on === 'HEAD') expectExit(t, fetched, 0, 1);
      if (fetched.code !== 0) {
        t.check(clipsNotOk(t.db, target.subset) > 0, 'fetch exited 1, yet every clip of the subset is on disk');
        const absent = shardRow(t.db, target.shard)?.state === 'absent';
        if (fault.faults.includes('404')) {
          t.check(absent, `a shard the source answered 404 for is not \`absent\``);
          // README: not asked for again until --retry-absent.
          const asked = server!.requestsFor(target.shard).length;
          expectExit(t, await t.cli(['fetch', target.subset, '--home', t.home]), 1);
          t.check(server!.requestsFor(target.shard).length === asked, 'an absent shard was asked for again without --retry-absent');
        }
        const rerun = await t.cli(['fetch', target.subset, '--home', t.home, ...(absent ? ['--retry-absent'] : [])]);
        expectExit(t, rerun, 0);
      } else {
        t.check(server!.requestsFor(target.shard).length > requestsBefore || on === 'HEAD', 'the shard was never downloaded');
      }
      expectFetchLeftovers(t, bucket, true);
      t.check(clipsNotOk(t.db, target.subset) === 0, `clips of ${target.subset} are not ok after the fetch ended well`);
      expectSameDigest(t, semanticDigest(t.db, placeholders(t, source)), clean, 'the catalog after the fetch, against a clean fetch');
    },
  };
}

export function networkTries(): Try[] {
  return [
    ...ingestTargets().flatMap((target) => target.cases.map((fault) => ingestFaultTry(target, fault))),
    ...shardTargets().flatMap((target) => target.cases.map((fault) => shardFaultTry(target, fault, 'GET'))),
    ...HEAD_CASES.map((fault) => shardFaultTry(shardTargets()[0]!, fault, 'HEAD')),
  ];
}
