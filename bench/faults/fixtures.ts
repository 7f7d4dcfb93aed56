/**
 * What tries share, built once per sweep and never written by a try: a copy of the sample bucket, a catalog
 * ingested from it (the template every try copies rather than ingesting again), a bucket with big shards, a tree of
 * video files, and the digests of clean runs that a faulted run, once rerun, must equal.
 */
import { randomBytes } from 'node:crypto';
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { minimalMp4 } from '../../src/util/mp4-fixture.js';
import { BucketServer } from '../../test/helpers/bucket-server.js';
import { rawTar } from '../../test/helpers/raw-tar.js';
import { type CliRun, type Digest, TryContext, commandLine, copyTree, expectExit, firstLines, packageRoot, queryRows, queryValue, rawDigest, semanticDigest } from './lib.js';

let workRoot = '';
let seed = 1;

export function setWorkRoot(dir: string, sweepSeed: number): void {
  workRoot = dir;
  seed = sweepSeed;
}

const fixturesDir = () => join(workRoot, 'fixtures');

/** Memoizes an async builder: concurrent tries share one build. */
function once<T>(build: () => Promise<T>): () => Promise<T> {
  let built: Promise<T> | undefined;
  return () => (built ??= build());
}

/** A context for building a fixture: any failure aborts the sweep (a broken fixture would fail every try). */
function fixtureContext(name: string): TryContext {
  const root = join(fixturesDir(), name);
  mkdirSync(root, { recursive: true });
  return new TryContext(`fixture ${name}`, root, seed);
}

async function mustRun(t: TryContext, args: string[]): Promise<CliRun> {
  const run = await t.cli(args, { timeoutMs: 120_000 });
  if (run.code !== 0 || t.failures.length > 0) {
    throw new Error(`fixture step \`${commandLine(run)}\` failed (exit ${run.code}): ${t.failures.join('; ')} ${firstLines(run.stderr, 6)}`);
  }
  return run;
}

// ─── The sample bucket and the template catalog ─────────────────────────────────────────────────────────────────

/** A copy of data/sample-bucket (timestamps kept), so that no try can ever touch the repository's. */
export const sampleBucket = once(async () => {
  const dir = join(fixturesDir(), 'bucket');
  copyTree(join(packageRoot, 'data', 'sample-bucket'), dir);
  return dir;
});

/** The subsets of the template: K700-2020 class shards, K600 named shards (spaces, parentheses), K400 discovery. */
export const SUBSETS = {
  kv: ['--version', 'k700-2020', '--split', 'val', '--class', 'abseiling', '--class', 'skateboarding'],
  k6: ['--version', 'k600', '--split', 'val', '--class', 'tying knot (not on a tie)', '--class', 'swinging baseball bat'],
  k4: ['--version', 'k400', '--split', 'val', '--class', 'abseiling'],
} as const;
export type SubsetName = keyof typeof SUBSETS;

/** The catalog of a clean directory ingest of the whole sample bucket (no subsets). */
export const ingestedCatalog = once(async () => {
  const t = fixtureContext('ingested');
  await mustRun(t, ['ingest', '--source', await sampleBucket(), '--home', t.home]);
  return t.db;
});

/** The ingested catalog with the subsets kv, k6, k4 stored: what most tries start from. */
export const templateCatalog = once(async () => {
  const t = fixtureContext('template');
  mkdirSync(t.home, { recursive: true });
  copyFileSync(await ingestedCatalog(), t.db);
  for (const [name, args] of Object.entries(SUBSETS)) await mustRun(t, ['subset', 'create', name, ...args, '--home', t.home]);
  return t.db;
});

/** The try's home starts as a copy of the template (or the plain ingested catalog). */
export async function useTemplate(t: TryContext, which: 'template' | 'ingested' = 'template'): Promise<string> {
  mkdirSync(t.home, { recursive: true });
  copyFileSync(which === 'template' ? await templateCatalog() : await ingestedCatalog(), t.db);
  return t.db;
}

/** A writable copy of the sample bucket in the try's folder (`bucket/`), timestamps kept. */
export async function useBucketCopy(t: TryContext, from?: string): Promise<string> {
  const dir = t.path('bucket');
  copyTree(from ?? (await sampleBucket()), dir);
  return dir;
}

/** The real bucket server over `dir`, on 127.0.0.1, stopped after the try; each try has its own (its own faults). */
export async function serve(t: TryContext, dir: string): Promise<BucketServer> {
  const server = await new BucketServer(dir).start();
  t.defer(() => server.stop());
  return server;
}

/** An ingest from another source re-points every shard at it (README): how a try's catalog copy uses its bucket. */
export async function relocate(t: TryContext, source: string, versions = 'k700-2020'): Promise<CliRun> {
  const run = await t.cli(['ingest', '--source', source, '--versions', versions, '--no-downstream', '--home', t.home]);
  expectExit(t, run, 0);
  return run;
}

/** A try's home ready to fetch: the template, re-pointed at a bucket served over HTTP (its own server) or read in place. */
export interface FetchHome {
  /** The --source the catalog now uses: the server's URL, or the bucket folder. */
  source: string;
  bucket: string;
  server?: BucketServer;
}

export async function httpFetchHome(t: TryContext, bucket?: string): Promise<FetchHome> {
  await useTemplate(t);
  const dir = bucket ?? (await sampleBucket());
  const server = await serve(t, dir);
  await relocate(t, server.url);
  return { source: server.url, bucket: dir, server };
}

export async function dirFetchHome(t: TryContext, prepared?: string): Promise<FetchHome> {
  await useTemplate(t);
  const bucket = prepared ?? (await useBucketCopy(t));
  await relocate(t, bucket);
  return { source: bucket, bucket };
}

/** The `shards` row of a bucket path (`400/val/part_1.tar.gz`, `400/replacement_for_corrupted_k400.tgz`). */
export function shardRow(db: string, bucketPath: string): { state: string; bytes: number | null; error: string | null } | undefined {
  const parts = bucketPath.split('/');
  const version = { '400': 'k400', '600': 'k600', '700_2020': 'k700-2020' }[parts[0]!];
  const split = parts.length === 2 ? 'replacement' : parts[1];
  return queryRows<{ state: string; bytes: number | null; error: string | null }>(db, 'SELECT state, bytes, error FROM shards WHERE version = ? AND split = ? AND name = ?', version, split, parts.at(-1))[0];
}

/** How many clips of a subset are not `ok` on disk. */
export function clipsNotOk(db: string, subset: string): number {
  return queryValue<number>(db, "SELECT count(*) FROM subset_clips s JOIN clips c USING (version, split, clip_key) WHERE s.subset = ? AND c.status <> 'ok'", subset);
}

/** The placeholders that make a try's catalog comparable with a reference built elsewhere. */
export function placeholders(t: TryContext, source?: string): [string, string][] {
  return [
    ...(source ? [[source, '<source>'] as [string, string]] : []),
    [t.home, '<home>'],
  ];
}

// ─── Shards of known content ────────────────────────────────────────────────────────────────────────────────────

export interface ClipRow {
  clip_key: string;
  label: string;
}

export async function clipsOf(version: string, split: string, label: string): Promise<ClipRow[]> {
  return queryRows<ClipRow>(await ingestedCatalog(), 'SELECT clip_key, label FROM clips WHERE version = ? AND split = ? AND label = ? ORDER BY clip_key', version, split, label);
}

/** The shard file (bucket-relative) that holds a K700-2020 val class, as the catalog names it. */
export async function k700ValShard(label: string): Promise<string> {
  const [row] = queryRows<{ name: string }>(await ingestedCatalog(), "SELECT name FROM shards WHERE version = 'k700-2020' AND split = 'val' AND label = ?", label);
  return `700_2020/val/${row!.name}`;
}

/**
 * A bucket whose skateboarding shard is big (49 clips of ~300 KB of random bytes, ~15 MB): slow enough, served
 * with `trickle`, to kill a fetch in the middle of it.
 */
export const bigShardBucket = once(async () => {
  const dir = join(fixturesDir(), 'big-bucket');
  copyTree(await sampleBucket(), dir);
  const clips = await clipsOf('k700-2020', 'val', 'skateboarding');
  const shard = join(dir, await k700ValShard('skateboarding'));
  writeFileSync(shard, rawTar(clips.map((clip) => ({ path: `skateboarding/${clip.clip_key}.mp4`, content: minimalMp4(10, randomBytes(300 << 10)) }))));
  return dir;
});

/** The bytes of a bucket file, for checking that a `.part` is a prefix of its shard. */
export function shardBytesResolver(bucket: string): (partPath: string) => Buffer | undefined {
  return (partPath) => {
    // archives/<version>/<split>/<name>.part → the shard of that name in the bucket's folder for version/split.
    const match = /^archives\/(k400|k600|k700-2020)\/([^/]+)\/(.+)\.part$/.exec(partPath);
    if (!match) return undefined;
    const [, version, split, name] = match as unknown as [string, string, string, string];
    const folder = { k400: '400', k600: '600', 'k700-2020': '700_2020' }[version as 'k400'];
    const path = split === 'replacement' ? join(bucket, folder!, name) : join(bucket, folder!, split, name);
    try {
      return readFileSync(path);
    } catch {
      return undefined;
    }
  };
}

// ─── A tree of video files for scan ─────────────────────────────────────────────────────────────────────────────

/**
 * ~30,000 files in 300 folders: every K700-2020 and K400 val clip (most ok, some empty, truncated, short), and
 * files no clip claims. Big enough that a first `scan --verify` runs for a second or more.
 */
export const videoTree = once(async () => {
  const root = join(fixturesDir(), 'videos');
  const clips = queryRows<{ clip_key: string }>(await ingestedCatalog(), "SELECT DISTINCT clip_key FROM clips WHERE split = 'val' ORDER BY clip_key");
  const good = minimalMp4(10, 512);
  const kinds = [good, good, good, good, Buffer.alloc(0), good.subarray(0, good.length >> 1), minimalMp4(2, 512)];
  clips.forEach((clip, index) => {
    const folder = join(root, 'known', `d${index % 40}`);
    mkdirSync(folder, { recursive: true });
    writeFileSync(join(folder, `${clip.clip_key}.mp4`), kinds[index % kinds.length]!);
  });
  for (let index = 0; index < 28_000; index++) {
    const folder = join(root, 'unknown', `d${index % 260}`);
    if (index < 260) mkdirSync(folder, { recursive: true });
    const id = `zz${index.toString(36).padStart(9, '0')}`;
    writeFileSync(join(folder, `${id}_000000_000010.mp4`), index % 5 === 0 ? good : Buffer.from('x'));
  }
  return root;
});

// ─── Clean references ───────────────────────────────────────────────────────────────────────────────────────────

const references = new Map<string, Promise<Digest>>();

/**
 * The semantic digest of a clean run, made once per key in a context of its own; `steps` returns the placeholders
 * (its source, its home) that make it comparable with a try's catalog.
 */
export function reference(key: string, steps: (t: TryContext) => Promise<[string, string][]>): Promise<Digest> {
  let digest = references.get(key);
  if (!digest) {
    digest = (async () => {
      const t = fixtureContext(`reference-${references.size}`);
      try {
        const replace = await steps(t);
        if (t.failures.length > 0) throw new Error(`reference ${key}: ${t.failures.join('; ')}`);
        return semanticDigest(t.db, replace);
      } finally {
        await t.cleanUp();
      }
    })();
    references.set(key, digest);
  }
  return digest;
}

/** A clean first ingest over HTTP of these versions (downstream or not). */
export function cleanHttpIngest(versions: string, downstream: boolean): Promise<Digest> {
  return reference(`http-ingest ${versions} ${downstream}`, async (t) => {
    const server = await serve(t, await sampleBucket());
    await mustRun(t, ['ingest', '--source', server.url, '--versions', versions, ...(downstream ? [] : ['--no-downstream']), '--home', t.home]);
    return placeholders(t, server.url);
  });
}

/** A clean directory ingest of the whole sample bucket from its fixture copy (what crash tries ingest). */
export const cleanDirIngest = once(async () => semanticDigest(await ingestedCatalog(), [[await sampleBucket(), '<source>']]));

/** The same catalog, every table and row, with its source as a placeholder: what a refused file must leave. */
export const ingestedRawDigest = once(async () => rawDigest(await ingestedCatalog(), [[await sampleBucket(), '<source>']]));

/** Template → re-pointed at a server over the bucket → `fetch NAME`: the catalog a faulted fetch must end up as. */
export function cleanHttpFetch(subset: SubsetName, bucket: () => Promise<string> = sampleBucket, key = 'sample'): Promise<Digest> {
  return reference(`http-fetch ${subset} ${key}`, async (t) => {
    const home = await httpFetchHome(t, await bucket());
    await mustRun(t, ['fetch', subset, '--home', t.home]);
    return placeholders(t, home.source);
  });
}

/** Template → re-pointed at a directory bucket → `fetch NAME`. */
export function cleanDirFetch(subset: SubsetName): Promise<Digest> {
  return reference(`dir-fetch ${subset}`, async (t) => {
    const home = await dirFetchHome(t);
    await mustRun(t, ['fetch', subset, '--home', t.home]);
    return placeholders(t, home.source);
  });
}

/** Template → `scan --verify` of the video tree. */
export function cleanScan(): Promise<Digest> {
  return reference('scan', async (t) => {
    await useTemplate(t);
    await mustRun(t, ['scan', '--verify', await videoTree(), '--home', t.home]);
    return placeholders(t);
  });
}

/** How long a clean run of `args` takes (ms) on a fresh copy of the template: the window kill moments fall in. */
const durations = new Map<string, Promise<number>>();
export function cleanDuration(key: string, prepare: (t: TryContext) => Promise<string[]>): Promise<number> {
  let duration = durations.get(key);
  if (!duration) {
    duration = (async () => {
      const t = fixtureContext(`duration-${key}`);
      try {
        const args = await prepare(t);
        const run = await mustRun(t, args);
        return run.ms;
      } finally {
        await t.cleanUp();
      }
    })();
    durations.set(key, duration);
  }
  return duration;
}
