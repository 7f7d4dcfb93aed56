/**
 * Two processes at once: two ingests into one new home, two subset creates, a reader holding the catalog while a
 * writer runs with KINETICS_BUSY_WAIT=1, readers beside a writer's open transaction, two fetches into one home,
 * and fetch locks that are garbage, FIFOs, links, folders, or name dead (or living) processes.
 *
 * README: a writer held off longer than KINETICS_BUSY_WAIT seconds exits 75 with one line (nothing written); one
 * fetch at a time streams shards into a home, a second exits 75; the lock of a process that died, or a lock file
 * that names no process, is taken over. Whatever interleaving happened, rerunning what exited 75 ends where running
 * the commands one after the other ends.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import Database from 'better-sqlite3';
import { minimalMp4 } from '../../../src/util/mp4-fixture.js';
import {
  cleanDirIngest,
  clipsNotOk,
  dirFetchHome,
  httpFetchHome,
  k700ValShard,
  placeholders,
  reference,
  sampleBucket,
  shardBytesResolver,
  useBucketCopy,
  useTemplate,
} from '../fixtures.js';
import {
  type CliRun,
  type Try,
  type TryContext,
  expectExit,
  expectIntegrity,
  expectNoJunk,
  expectOneErrorLine,
  expectSameDigest,
  listTree,
  rawDigest,
  semanticDigest,
  waitFor,
} from '../lib.js';

const BUSY = { KINETICS_BUSY_WAIT: '1' };

/** One of two racing runs: done (0) or told to try again later (75, one line). */
function expectDoneOrBusy(t: TryContext, run: CliRun): void {
  if (expectExit(t, run, 0, 75) && run.code === 75) expectOneErrorLine(t, run, /busy|another/);
}

// ─── Racing writers ─────────────────────────────────────────────────────────────────────────────────────────────

function twoIngestsTry(offsetMs: number, round: number): Try {
  return {
    name: `concurrency: two ingests into one new home, ${offsetMs} ms apart #${round}`,
    category: 'concurrency',
    async run(t) {
      Object.assign(t.env, BUSY);
      const source = await sampleBucket();
      const args = ['ingest', '--source', source, '--home', t.home];
      const first = t.start(args);
      await sleep(offsetMs);
      const second = t.start(args);
      const runs = await Promise.all([first.done, second.done]);
      for (const run of runs) expectDoneOrBusy(t, run);
      expectIntegrity(t, t.db);
      // Whichever was told to wait: run it again, as the message says.
      if (runs.some((run) => run.code !== 0)) expectExit(t, await t.cli(args, { env: { KINETICS_BUSY_WAIT: '30' } }), 0);
      expectSameDigest(t, semanticDigest(t.db, [[source, '<source>']]), await cleanDirIngest(), 'the catalog after two racing ingests, against one clean ingest');
    },
  };
}

/**
 * Several processes make one new catalog at once (`scan DIR` may start one): each migrates it, or waits its turn.
 * Three rounds, each in a home of its own, since which process gets where first is down to timing.
 */
function newCatalogRaceTry(round: number): Try {
  return {
    name: `concurrency: four scans start one new catalog at once #${round}`,
    category: 'concurrency',
    async run(t) {
      Object.assign(t.env, BUSY);
      const dir = t.path('clips');
      for (const name of ['a', 'b', 'c']) writeFileSync(join(dir, `zzzzzzzzz_${name}_000000_000010.mp4`), minimalMp4(10));
      const clean = await reference('one scan into a new catalog', async (r) => {
        const clips = r.path('clips');
        for (const name of ['a', 'b', 'c']) writeFileSync(join(clips, `zzzzzzzzz_${name}_000000_000010.mp4`), minimalMp4(10));
        expectExit(r, await r.cli(['scan', '--verify', clips, '--home', r.home]), 0);
        return [[clips, '<dir>'], ...placeholders(r)];
      });
      for (let attempt = 1; attempt <= 3; attempt++) {
        const home = attempt === 1 ? t.home : t.path(`home-${attempt}`);
        const args = ['scan', '--verify', dir, '--home', home];
        const runs = await Promise.all(Array.from({ length: 4 }, () => t.cli(args)));
        for (const run of runs) expectDoneOrBusy(t, run);
        expectExit(t, await t.cli(args, { env: { KINETICS_BUSY_WAIT: '30' } }), 0);
        const db = join(home, 'catalog.db');
        expectIntegrity(t, db);
        expectSameDigest(t, semanticDigest(db, [[dir, '<dir>'], [home, '<home>']]), clean, `round ${attempt}: the catalog after racing scans, against one scan`);
      }
    },
  };
}

function twoSubsetsTry(): Try {
  const definitions = {
    alpha: ['--version', 'k700-2020', '--split', 'val', '--per-class', '2', '--seed', '1'],
    beta: ['--version', 'k400', '--split', 'val', '--match', 'a*', '--seed', '2'],
  };
  return {
    name: 'concurrency: two subset creates at once',
    category: 'concurrency',
    async run(t) {
      Object.assign(t.env, BUSY);
      await useTemplate(t);
      const create = (name: keyof typeof definitions) => ['subset', 'create', name, ...definitions[name], '--home', t.home];
      const runs = await Promise.all([t.cli(create('alpha')), t.cli(create('beta'))]);
      for (const run of runs) expectDoneOrBusy(t, run);
      for (const [index, run] of runs.entries()) if (run.code !== 0) expectExit(t, await t.cli(create(index === 0 ? 'alpha' : 'beta')), 0);
      expectIntegrity(t, t.db);
      const clean = await reference('subsets alpha then beta', async (r) => {
        await useTemplate(r);
        for (const name of ['alpha', 'beta'] as const) expectExit(r, await r.cli(['subset', 'create', name, ...definitions[name], '--home', r.home]), 0);
        return placeholders(r);
      });
      expectSameDigest(t, semanticDigest(t.db, placeholders(t)), clean, 'the catalog after two racing subset creates, against the two one after the other');
    },
  };
}

// ─── A reader holds the catalog while a writer runs ────────────────────────────────────────────────────────────

interface Writer {
  name: string;
  /** Prepares what the writer needs (before the reader holds the catalog); returns its arguments. */
  prepare(t: TryContext): Promise<string[]>;
}

const WRITERS: Writer[] = [
  {
    name: 'ingest of a changed file',
    async prepare(t) {
      const bucket = await useBucketCopy(t);
      const { source } = await dirFetchHome(t, bucket);
      const file = join(bucket, '400/annotations/val.csv');
      writeFileSync(file, readFileSync(file, 'utf8').split('\n').slice(0, -10).join('\n'));
      return ['ingest', '--source', source, '--versions', 'k400', '--no-downstream', '--home', t.home];
    },
  },
  { name: 'subset create', prepare: async (t) => (await useTemplate(t), ['subset', 'create', 'new', '--version', 'k600', '--split', 'val', '--home', t.home]) },
  { name: 'subset drop', prepare: async (t) => (await useTemplate(t), ['subset', 'drop', 'kv', '--home', t.home]) },
  {
    name: 'scan DIR',
    async prepare(t) {
      await useTemplate(t);
      const dir = t.path('clips');
      for (const name of ['a', 'b', 'c']) writeFileSync(join(dir, `zzzzzzzzz_${name}_000000_000010.mp4`), minimalMp4(10));
      return ['scan', '--verify', dir, '--home', t.home];
    },
  },
  { name: 'fetch', prepare: async (t) => (await dirFetchHome(t), ['fetch', 'kv', '--home', t.home]) },
  { name: 'plan', prepare: async (t) => (await dirFetchHome(t), ['plan', 'k4', '--home', t.home]) },
];

/** A read transaction held by this process (a SHARED lock in rollback-journal mode), released by the returned function. */
function holdForReading(db: string): () => void {
  const reader = new Database(db, { readonly: true });
  reader.prepare('BEGIN').run();
  reader.prepare('SELECT count(*) FROM clip_annotations').get();
  return () => {
    reader.prepare('COMMIT').run();
    reader.close();
  };
}

function busyWriterTry(writer: Writer): Try {
  return {
    name: `concurrency: ${writer.name} while a reader holds the catalog (KINETICS_BUSY_WAIT=1)`,
    category: 'concurrency',
    async run(t) {
      const args = await writer.prepare(t);
      const before = rawDigest(t.db);
      const release = holdForReading(t.db);
      let run: CliRun;
      try {
        run = await t.cli(args, { env: BUSY, timeoutMs: 20_000 });
      } finally {
        release();
      }
      if (expectExit(t, run, 75)) expectOneErrorLine(t, run, /busy/);
      t.check(run.ms < 12_000, `the writer took ${Math.round(run.ms)} ms to give up, with KINETICS_BUSY_WAIT=1`);
      expectSameDigest(t, rawDigest(t.db), before, 'the catalog after the writer gave up (every table, every row)');
      expectNoJunk(t, t.home);
      expectExit(t, await t.cli(args), 0);
      expectIntegrity(t, t.db);
    },
  };
}

function queryHoldsTry(): Try {
  return {
    name: 'concurrency: subset create while a long `kinetics query` reads (KINETICS_BUSY_WAIT=1)',
    category: 'concurrency',
    async run(t) {
      await useTemplate(t);
      const before = rawDigest(t.db);
      const runaway = 'WITH RECURSIVE r(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM r) SELECT count(*) FROM clip_annotations JOIN r ON 1';
      const reader = t.start(['query', '--timeout', '8', '--json', '--home', t.home, runaway]);
      await sleep(2000);
      const writer = await t.cli(['subset', 'create', 'new', '--version', 'k600', '--split', 'val', '--home', t.home], { env: BUSY });
      if (expectExit(t, writer, 75)) expectOneErrorLine(t, writer, /busy/);
      expectExit(t, await reader.done, 124);
      expectSameDigest(t, rawDigest(t.db), before, 'the catalog after the writer gave up');
      expectExit(t, await t.cli(['subset', 'create', 'new', '--version', 'k600', '--split', 'val', '--home', t.home]), 0);
    },
  };
}

/** A writer's transaction open (not committed) in this process: a query still reads, and reads what was committed. */
function readerBesideWriterTry(mode: 'DELETE' | 'WAL'): Try {
  return {
    name: `concurrency: a query while another process has a write transaction open (${mode === 'WAL' ? 'WAL' : 'rollback journal'})`,
    category: 'concurrency',
    async run(t) {
      await useTemplate(t);
      const writer = new Database(t.db);
      try {
        writer.pragma(`journal_mode = ${mode}`);
        writer.prepare('BEGIN IMMEDIATE').run();
        writer.prepare('DELETE FROM subset_members').run();
        const run = await t.cli(['query', '--json', '--home', t.home, 'SELECT count(*) AS n FROM subset_clips']);
        if (expectExit(t, run, 0)) t.check(/"n":\s*[1-9]/.test(run.stdout), `the query saw the uncommitted delete: ${run.stdout.trim()}`);
        writer.prepare('ROLLBACK').run();
        writer.pragma('journal_mode = DELETE');
      } finally {
        writer.close();
      }
      expectIntegrity(t, t.db);
    },
  };
}

// ─── fetch into one home ────────────────────────────────────────────────────────────────────────────────────────

function twoFetchesTry(second: 'kv' | 'k6'): Try {
  return {
    name: `concurrency: a second fetch (${second === 'kv' ? 'same subset' : 'another subset'}) while one streams into the home`,
    category: 'concurrency',
    async run(t) {
      const home = await httpFetchHome(t);
      expectExit(t, await t.cli(['plan', 'kv', '--home', t.home]), 0);
      // The shard's body stops after 100 bytes: the first fetch waits KINETICS_HTTP_TIMEOUT, then resumes.
      home.server!.fail(await k700ValShard('skateboarding'), 'stall-body');
      const first = t.start(['fetch', 'kv', '--home', t.home], { env: { KINETICS_HTTP_TIMEOUT: '4' } });
      const streaming = await waitFor(() => listTree(join(t.home, 'archives')).some((entry) => entry.path.endsWith('.part')), 20_000);
      t.check(streaming && !first.exited(), 'the first fetch never got to streaming its shard');
      const run = await t.cli(['fetch', second, '--home', t.home]);
      if (expectExit(t, run, 75)) expectOneErrorLine(t, run, /another fetch/);
      t.check(!first.exited(), 'the first fetch ended before the second was turned away: the try proves nothing');
      expectExit(t, await first.done, 0);
      if (second === 'k6') expectExit(t, await t.cli(['fetch', second, '--home', t.home]), 0);
      t.check(clipsNotOk(t.db, 'kv') === 0, 'clips of kv are not ok');
      expectNoJunk(t, t.home, shardBytesResolver(home.bucket));
      expectIntegrity(t, t.db);
    },
  };
}

interface LockCase {
  name: string;
  /** Makes `fetch.lock` (and anything beside it); returns a check of what it pointed at, if anything. */
  make(t: TryContext, lock: string): (() => void) | void;
  /** 0: the stale lock is taken over; 75: a living process holds it. */
  code: 0 | 75;
}

function deadPid(): number {
  const child = spawnSync('sh', ['-c', 'echo $$']);
  return Number(String(child.stdout).trim());
}

const LOCK_CASES: LockCase[] = [
  { name: 'garbage text', code: 0, make: (_t, lock) => writeFileSync(lock, 'hello, not a pid\n') },
  { name: 'an empty file', code: 0, make: (_t, lock) => writeFileSync(lock, '') },
  { name: 'a process that died', code: 0, make: (_t, lock) => writeFileSync(lock, `${deadPid()}\n`) },
  { name: 'a pid beyond pid_max', code: 0, make: (_t, lock) => writeFileSync(lock, '99999999\n') },
  { name: 'a negative pid', code: 0, make: (_t, lock) => writeFileSync(lock, '-5\n') },
  { name: '0', code: 0, make: (_t, lock) => writeFileSync(lock, '0\n') },
  { name: 'a FIFO', code: 0, make: (_t, lock) => void execFileSync('mkfifo', [lock]) },
  {
    name: 'a link to a file outside',
    code: 0,
    make: (t, lock) => {
      const target = join(t.path('outside'), 'precious.txt');
      writeFileSync(target, '12345\n');
      symlinkSync(target, lock);
      return () => t.check(readFileSync(target, 'utf8') === '12345\n', 'the file a lock link pointed at was changed');
    },
  },
  {
    name: 'a folder with a file in it',
    code: 0,
    make: (_t, lock) => {
      mkdirSync(lock);
      writeFileSync(join(lock, 'inside'), 'x');
    },
  },
  {
    name: 'a dead process, and a takeover left by a killed fetch',
    code: 0,
    make: (_t, lock) => {
      writeFileSync(lock, `${deadPid()}\n`);
      writeFileSync(`${lock}.takeover`, '1\n');
      const old = new Date(Date.now() - 60_000);
      utimesSync(`${lock}.takeover`, old, old);
    },
  },
  { name: 'a process that is alive (this sweep)', code: 75, make: (_t, lock) => writeFileSync(lock, `${process.pid}\n`) },
];

function lockTry(lockCase: LockCase): Try {
  return {
    name: `concurrency: fetch with a fetch.lock that is ${lockCase.name}`,
    category: 'concurrency',
    async run(t) {
      const home = await dirFetchHome(t);
      const lock = join(t.home, 'fetch.lock');
      const verify = lockCase.make(t, lock);
      const run = await t.cli(['fetch', 'kv', '--home', t.home], { timeoutMs: 30_000 });
      expectExit(t, run, lockCase.code);
      verify?.();
      if (lockCase.code === 75) {
        expectOneErrorLine(t, run, /another fetch/);
        t.check(readFileSync(lock, 'utf8') === `${process.pid}\n`, 'the lock of a living process was changed');
        execFileSync('rm', ['-f', lock]);
      } else {
        t.check(clipsNotOk(t.db, 'kv') === 0, 'clips of kv are not ok after the stale lock was taken over');
      }
      expectNoJunk(t, t.home, shardBytesResolver(home.bucket));
      expectIntegrity(t, t.db);
    },
  };
}

export function concurrencyTries(): Try[] {
  return [
    ...[0, 0, 40, 150].map((offset, index) => twoIngestsTry(offset, index + 1)),
    ...[1, 2].map(newCatalogRaceTry),
    twoSubsetsTry(),
    ...WRITERS.map(busyWriterTry),
    queryHoldsTry(),
    readerBesideWriterTry('DELETE'),
    readerBesideWriterTry('WAL'),
    twoFetchesTry('kv'),
    twoFetchesTry('k6'),
    ...LOCK_CASES.map(lockTry),
  ];
}
