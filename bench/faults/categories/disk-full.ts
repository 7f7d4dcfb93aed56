/**
 * A full disk: the home (catalog, videos) or an export's --out on a small tmpfs (`mount -t tmpfs -o size=…`), for
 * a first ingest, a re-ingest, scan --verify, subset create, fetch and export; then the tmpfs grows and the command
 * runs again. Skipped, with the reason, where a tmpfs cannot be mounted.
 *
 * README: a full disk stops the command at once with one line (exit 74; an output that cannot be created 73): what
 * was finished before stands, a rerun after freeing space does the rest; an export that fails half way leaves the
 * earlier one whole; a shard that breaks midway keeps only whole clips, no `*.extracting`.
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cleanDirFetch, cleanDirIngest, cleanScan, dirFetchHome, ingestedCatalog, k700ValShard, placeholders, sampleBucket, shardBytesResolver, templateCatalog, useBucketCopy, videoTree } from '../fixtures.js';
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
  mountTmpfs,
  queryRows,
  rawDigest,
  resizeTmpfs,
  semanticDigest,
  sha256File,
  treeDigest,
} from '../lib.js';

/** A tmpfs size in KiB that holds `bytes` plus `slack`, in whole pages. */
function sizeFor(bytes: number, slack: number): string {
  return `${Math.ceil((bytes + slack) / 4096) * 4}k`;
}

/** The home on a tmpfs of `size`, with a copy of a catalog in it (or none). */
async function smallHome(t: TryContext, size: string, catalog?: string): Promise<void> {
  mountTmpfs(t, t.home, size);
  if (catalog) copyFileSync(catalog, t.db);
}

function expectDiskFull(t: TryContext, run: CliRun, codes = [74]): boolean {
  const ok = expectExit(t, run, ...codes);
  if (ok) expectOneErrorLine(t, run, /full|space|ENOSPC/i);
  return ok;
}

/**
 * Every file recorded as ingested is the source's file, whole (what was loaded before the full disk stands). A disk
 * too small for the new catalog's schema (16 KiB pages) fills during its first migrations: nothing was loaded.
 */
async function expectLoadedFilesWhole(t: TryContext): Promise<void> {
  if (!existsSync(t.db)) return;
  if (queryRows(t.db, "SELECT 1 FROM sqlite_master WHERE name = 'sources'").length === 0) return;
  const bucket = await sampleBucket();
  for (const row of queryRows<{ path: string; sha256: string }>(t.db, 'SELECT path, sha256 FROM sources')) {
    t.check(row.sha256 === sha256File(join(bucket, row.path)), `${row.path} is recorded with a sha256 that is not the file's`);
  }
}

function firstIngestTry(size: string): Try {
  return {
    name: `disk full: first ingest into a ${size} home`,
    category: 'disk-full',
    async run(t) {
      await smallHome(t, size);
      const source = await sampleBucket();
      const args = ['ingest', '--source', source, '--home', t.home];
      const run = await t.cli(args);
      expectDiskFull(t, run);
      if (existsSync(t.db)) expectIntegrity(t, t.db);
      await expectLoadedFilesWhole(t);
      resizeTmpfs(t.home, '64m');
      expectExit(t, await t.cli(args), 0);
      expectSameDigest(t, semanticDigest(t.db, [[source, '<source>']]), await cleanDirIngest(), 'the catalog after a rerun with space, against a clean ingest');
      expectIntegrity(t, t.db);
    },
  };
}

function reingestTry(): Try {
  return {
    name: 'disk full: ingest of a changed file into a full home',
    category: 'disk-full',
    async run(t) {
      const catalog = await ingestedCatalog();
      await smallHome(t, sizeFor(statSync(catalog).size, 8 << 10), catalog);
      const bucket = await useBucketCopy(t);
      const file = join(bucket, '700_2020/annotations/val.csv');
      writeFileSync(file, readFileSync(file, 'utf8').replace(/validate\r\n/g, 'validate\r\n\r\n'));
      const before = rawDigest(t.db);
      const args = ['ingest', '--source', bucket, '--versions', 'k700-2020', '--no-downstream', '--home', t.home];
      const run = await t.cli(args);
      if (expectDiskFull(t, run)) expectSameDigest(t, rawDigest(t.db), before, 'the catalog after the full disk (every table, every row)');
      expectIntegrity(t, t.db);
      resizeTmpfs(t.home, '64m');
      expectExit(t, await t.cli(args), 0);
      expectIntegrity(t, t.db);
    },
  };
}

function scanTry(slackKiB: number): Try {
  return {
    name: `disk full: scan --verify of 30,000 files, ${slackKiB} KiB free`,
    category: 'disk-full',
    async run(t) {
      const catalog = await templateCatalog();
      await smallHome(t, sizeFor(statSync(catalog).size, slackKiB << 10), catalog);
      const args = ['scan', '--verify', await videoTree(), '--home', t.home];
      expectDiskFull(t, await t.cli(args));
      expectIntegrity(t, t.db);
      resizeTmpfs(t.home, '128m');
      expectExit(t, await t.cli(args), 0);
      expectIntegrity(t, t.db);
      expectSameDigest(t, semanticDigest(t.db, placeholders(t)), await cleanScan(), 'the catalog after a rerun with space, against a clean scan');
    },
  };
}

function subsetTry(): Try {
  return {
    name: 'disk full: subset create in a full home',
    category: 'disk-full',
    async run(t) {
      const catalog = await templateCatalog();
      await smallHome(t, sizeFor(statSync(catalog).size, 4 << 10), catalog);
      const before = rawDigest(t.db);
      const args = ['subset', 'create', 'everything', '--home', t.home];
      if (expectDiskFull(t, await t.cli(args))) expectSameDigest(t, rawDigest(t.db), before, 'the catalog after the full disk (every table, every row)');
      expectIntegrity(t, t.db);
      resizeTmpfs(t.home, '64m');
      expectExit(t, await t.cli(args), 0);
    },
  };
}

function fetchTry(slackKiB: number): Try {
  return {
    name: `disk full: fetch with ${slackKiB} KiB free for videos`,
    category: 'disk-full',
    async run(t) {
      // The home is made with room to spare, then the tmpfs shrinks to what it holds and `slackKiB` more.
      mountTmpfs(t, t.home, '64m');
      const home = await dirFetchHome(t);
      resizeTmpfs(t.home, sizeFor(statSync(t.db).size, slackKiB << 10));
      const args = ['fetch', 'kv', '--home', t.home];
      const run = await t.cli(args);
      // A member that cannot be written fails its shard (1); a catalog that cannot be written stops the fetch (74).
      expectExit(t, run, 1, 74);
      if (run.code === 74) expectOneErrorLine(t, run, /full|space/i);
      expectIntegrity(t, t.db);
      expectNoJunk(t, t.home, shardBytesResolver(home.bucket), { partsAllowed: true });
      await expectVideosWhole(t, home.bucket, run.code === 74);
      resizeTmpfs(t.home, '64m');
      expectExit(t, await t.cli(args), 0);
      expectNoJunk(t, t.home, shardBytesResolver(home.bucket));
      expectSameDigest(t, semanticDigest(t.db, placeholders(t, home.source)), await cleanDirFetch('kv'), 'the catalog after a rerun with space, against a clean fetch');
    },
  };
}

/**
 * Each clip file on disk is the shard member's bytes, whole, and recorded `ok` (README: each written file is
 * verified and recorded); when the catalog itself could not be written (74), a whole file may be unrecorded yet.
 */
async function expectVideosWhole(t: TryContext, bucket: string, catalogFull: boolean): Promise<void> {
  const members = t.path('members');
  for (const label of ['abseiling', 'skateboarding']) execFileSync('tar', ['xzf', join(bucket, await k700ValShard(label)), '-C', members]);
  const recorded = new Map(queryRows<{ path: string; status: string }>(t.db, "SELECT path, status FROM files WHERE status <> 'gone'").map((row) => [row.path, row.status]));
  const videos = join(t.home, 'videos', 'k700-2020', 'val');
  for (const entry of listTree(videos)) {
    if (entry.type !== 'file') continue;
    const whole = readFileSync(join(videos, entry.path)).equals(readFileSync(join(members, entry.path)));
    t.check(whole, `${entry.path} on disk is not the shard's member, whole`);
    const status = recorded.get(join(videos, entry.path));
    t.check(status === 'ok' || (catalogFull && status === undefined), `${entry.path} is on disk but recorded as ${status ?? 'nothing'}`);
  }
}

function exportTry(): Try {
  return {
    name: 'disk full: export over an earlier export on a full disk',
    category: 'disk-full',
    async run(t) {
      const disk = t.path('disk');
      mountTmpfs(t, disk, '512k');
      const out = join(disk, 'out');
      await dirFetchHome(t);
      expectExit(t, await t.cli(['fetch', 'kv', '--home', t.home]), 0);
      const exportArgs = ['export', 'kv', '--format', 'jsonl', '--include-missing', '--out', out, '--home', t.home];
      expectExit(t, await t.cli(exportArgs), 0);
      const earlier = treeDigest(out);
      // A subset of the same name with more clips, and the disk all but full.
      expectExit(t, await t.cli(['subset', 'create', 'kv', '--replace', '--version', 'k700-2020', '--split', 'val', '--home', t.home]), 0);
      const used = listTree(disk).reduce((sum, entry) => sum + Math.ceil(entry.bytes / 4096) * 4096 + 4096, 0);
      writeFileSync(join(disk, 'filler'), Buffer.alloc(Math.max(0, 512 * 1024 - used - 8192)));
      const run = await t.cli(exportArgs);
      expectDiskFull(t, run, [73, 74]);
      if (run.code !== 0) t.check(treeDigest(out) === earlier, 'the earlier export is not whole after the one that failed');
      rmSync(join(disk, 'filler'));
      expectExit(t, await t.cli(exportArgs), 0);
      expectIntegrity(t, t.db);
    },
  };
}

export function diskFullTries(): Try[] {
  return [
    ...['256k', '700k', '1m', '1400k'].map(firstIngestTry),
    reingestTry(),
    ...[256, 2048].map(scanTry),
    subsetTry(),
    ...[16, 96, 256].map(fetchTry),
    exportTry(),
  ];
}
