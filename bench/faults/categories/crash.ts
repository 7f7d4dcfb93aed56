/**
 * kill -9 of ingest (directory and HTTP), scan --verify, fetch (a big shard over HTTP, trickled; a directory bucket)
 * and subset create/drop, at seeded random moments within a clean run's duration; then, sometimes after a reader
 * has opened the catalog, the same command again.
 *
 * README: a killed ingest resumes (files committed before are skipped); an interrupted scan keeps what it checked
 * and the next command rebuilds the indexes it set aside; after any interruption, kill -9 included, fetch replays
 * its part file and asks for the rest; a dead fetch's lock is taken over; a subset is stored with its clips (one
 * transaction). So: the rerun exits 0 and the catalog then tells what a clean run's tells, passes integrity_check,
 * and home holds no -wal, -journal, lock, part or half-written file.
 */
import type { BucketServer } from '../../../test/helpers/bucket-server.js';
import {
  type SubsetName,
  bigShardBucket,
  cleanDirFetch,
  cleanDirIngest,
  cleanDuration,
  cleanHttpFetch,
  cleanHttpIngest,
  cleanScan,
  dirFetchHome,
  httpFetchHome,
  k700ValShard,
  placeholders,
  reference,
  sampleBucket,
  serve,
  shardBytesResolver,
  useTemplate,
  videoTree,
} from '../fixtures.js';
import { type Digest, type Try, type TryContext, expectExit, expectIntegrity, expectNoJunk, expectSameDigest, listTree, queryValue, semanticDigest } from '../lib.js';

/** What runs between the kill and the rerun: nothing, or a reader (which must cope with what the kill left). */
type Between = 'rerun' | 'query first' | 'status first';
const BETWEEN: Between[] = ['rerun', 'query first', 'status first'];

interface CrashScenario {
  name: string;
  /** Prepares the try's home; returns the command to kill and rerun, the placeholders, and the source of shards. */
  prepare(t: TryContext): Promise<{ args: string[]; replace: [string, string][]; bucket?: string; server?: BucketServer }>;
  /** Run before the killed command only (a slow server for the first run, say). */
  beforeKill?(t: TryContext, server?: BucketServer): Promise<void>;
  /** The rerun's arguments when they differ (`--replace` for a subset that may exist). */
  rerunArgs?(args: string[]): string[];
  clean(): Promise<Digest>;
  count: number;
}

/** A moment within the clean run: from 15 % of it to all of it (start-up, middle, the last commit). */
async function killMoment(t: TryContext, scenario: CrashScenario): Promise<number> {
  const duration = await cleanDuration(scenario.name, async (d) => {
    const { args, server } = await scenario.prepare(d);
    await scenario.beforeKill?.(d, server);
    return args;
  });
  return Math.round(duration * (0.15 + 0.85 * t.random()));
}

/** After the command has ended for good: only the catalog (rollback journal), videos and archives folders. */
function expectSettledHome(t: TryContext): void {
  const left = listTree(t.home).filter((entry) => !entry.path.includes('/') && !['catalog.db', 'videos', 'archives'].includes(entry.path));
  t.check(left.length === 0, `home holds ${left.map((entry) => entry.path).join(', ')} after the rerun ended`);
}

function crashTry(scenario: CrashScenario, index: number): Try {
  const between = BETWEEN[index % BETWEEN.length]!;
  return {
    name: `crash: kill -9 ${scenario.name} #${index + 1} (${between})`,
    category: 'crash',
    async run(t) {
      const clean = scenario.clean();
      const moment = await killMoment(t, scenario);
      const { args, replace, bucket, server } = await scenario.prepare(t);
      await scenario.beforeKill?.(t, server);
      const killed = await t.killAfter(args, moment);
      if (!killed.killed) expectExit(t, killed, 0);
      t.notes.push(killed.killed ? 'the kill landed while the command ran' : 'the command ended before the kill');
      if (between !== 'rerun') {
        const reader = await t.cli(between === 'query first' ? ['query', 'SELECT count(*) AS n FROM clips', '--home', t.home] : ['status', '--home', t.home]);
        // A killed first ingest may leave no catalog yet (66); a catalog it left is never "not a catalog" (65).
        expectExit(t, reader, 0, 66);
      }
      const rerun = await t.cli(scenario.rerunArgs?.(args) ?? args);
      expectExit(t, rerun, 0);
      expectIntegrity(t, t.db);
      expectSettledHome(t);
      expectNoJunk(t, t.home, bucket ? shardBytesResolver(bucket) : undefined);
      expectSameDigest(t, semanticDigest(t.db, replace), await clean, `the catalog after kill -9 at ${moment} ms and a rerun, against a clean run`);
    },
  };
}

function scenarios(): CrashScenario[] {
  const subsetArgs = ['--version', 'k700-2020', '--split', 'val', '--per-class', '3', '--seed', '11'];
  return [
    {
      name: 'ingest (directory)',
      count: 9,
      async prepare(t) {
        const source = await sampleBucket();
        return { args: ['ingest', '--source', source, '--home', t.home], replace: [[source, '<source>']] };
      },
      clean: cleanDirIngest,
    },
    {
      name: 'ingest (HTTP)',
      count: 6,
      async prepare(t) {
        const server = await serve(t, await sampleBucket());
        return { args: ['ingest', '--source', server.url, '--home', t.home], replace: placeholders(t, server.url), server };
      },
      async beforeKill(_t, server) {
        // Slower bodies for the killed run, so that the kill lands inside transfers too.
        for (const path of ['700_2020/annotations/val.csv', '600/train/k600_train_path.txt', '700_2020/annotations/countix.tar.gz']) server!.fail(path, 'trickle');
      },
      clean: () => cleanHttpIngest('k400,k600,k700-2020', true),
    },
    {
      name: 'scan --verify',
      count: 9,
      async prepare(t) {
        await useTemplate(t);
        return { args: ['scan', '--verify', await videoTree(), '--home', t.home], replace: placeholders(t) };
      },
      clean: cleanScan,
    },
    {
      name: 'scan --verify, rerun with --quick',
      count: 3,
      async prepare(t) {
        await useTemplate(t);
        return { args: ['scan', '--verify', await videoTree(), '--home', t.home], replace: placeholders(t) };
      },
      rerunArgs: (args) => [...args, '--quick'],
      clean: cleanScan,
    },
    {
      name: 'fetch (a big shard over HTTP, trickled)',
      count: 8,
      async prepare(t) {
        const home = await httpFetchHome(t, await bigShardBucket());
        return { args: ['fetch', 'kv', '--home', t.home], replace: placeholders(t, home.source), bucket: home.bucket, server: home.server };
      },
      async beforeKill(_t, server) {
        // Twice: the plan's HEAD takes the first.
        server!.fail(await k700ValShard('skateboarding'), 'trickle', 'trickle');
      },
      clean: () => cleanHttpFetch('kv', bigShardBucket, 'big'),
    },
    {
      name: 'fetch (directory bucket, 21 discovery shards)',
      count: 5,
      async prepare(t) {
        const home = await dirFetchHome(t);
        return { args: ['fetch', 'k4', '--home', t.home], replace: placeholders(t, home.source), bucket: home.bucket };
      },
      clean: () => cleanDirFetch('k4'),
    },
    {
      name: 'subset create',
      count: 6,
      async prepare(t) {
        await useTemplate(t);
        return { args: ['subset', 'create', 'sample', ...subsetArgs, '--home', t.home], replace: placeholders(t) };
      },
      rerunArgs: (args) => [...args, '--replace'],
      clean: () =>
        reference('subset create sample', async (t) => {
          await useTemplate(t);
          expectExit(t, await t.cli(['subset', 'create', 'sample', ...subsetArgs, '--home', t.home]), 0);
          return placeholders(t);
        }),
    },
  ];
}

/** `subset drop` killed: the subset is there whole or gone whole; then dropping it (again) ends as a clean drop. */
function dropTry(index: number, subset: SubsetName): Try {
  return {
    name: `crash: kill -9 subset drop #${index + 1}`,
    category: 'crash',
    async run(t) {
      await useTemplate(t);
      const members = () => queryValue<number>(t.db, 'SELECT count(*) FROM subset_clips WHERE subset = ?', subset);
      const stored = () => queryValue<number>(t.db, 'SELECT count(*) FROM subsets WHERE name = ?', subset);
      const whole = members();
      const args = ['subset', 'drop', subset, '--home', t.home];
      const duration = await cleanDuration('subset drop', async (d) => {
        await useTemplate(d);
        return ['subset', 'drop', subset, '--home', d.home];
      });
      const killed = await t.killAfter(args, Math.round(duration * (0.15 + 0.85 * t.random())));
      t.notes.push(killed.killed ? 'the kill landed while the command ran' : 'the command ended before the kill');
      const state = [stored(), members()];
      t.check((state[0] === 1 && state[1] === whole) || (state[0] === 0 && state[1] === 0), `after the kill the subset is half there: ${state[0]} definition, ${state[1]} of ${whole} clips`);
      if (state[0] === 1) expectExit(t, await t.cli(args), 0);
      expectIntegrity(t, t.db);
      expectSettledHome(t);
      const clean = await reference(`subset drop ${subset}`, async (r) => {
        await useTemplate(r);
        expectExit(r, await r.cli(['subset', 'drop', subset, '--home', r.home]), 0);
        return placeholders(r);
      });
      expectSameDigest(t, semanticDigest(t.db, placeholders(t)), clean, 'the catalog after a killed drop, against a clean drop');
    },
  };
}

export function crashTries(): Try[] {
  return [
    ...scenarios().flatMap((scenario) => Array.from({ length: scenario.count }, (_, index) => crashTry(scenario, index))),
    ...Array.from({ length: 4 }, (_, index) => dropTry(index, 'kv')),
  ];
}
