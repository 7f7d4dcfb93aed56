import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdirSync, realpathSync, rmSync, statSync, symlinkSync, truncateSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, test } from 'node:test';
import { Catalog } from '../../src/catalog/catalog.js';
import { deferIndexesIf, rebuildDeferredIndexes } from '../../src/catalog/deferred-indexes.js';
import { FileWriter, fileFindings, knownFilesQuery, mayWriteFiles, scanRootId } from '../../src/catalog/disk-files.js';
import type { KineticsError } from '../../src/errors.js';
import { fileRecord } from '../../src/scan/file-record.js';
import { type ScanSummary, scan } from '../../src/scan/scan.js';
import { PATH_INDEX } from '../../src/catalog/statistics.js';
import { ingestInto, newCatalogFile, queryAll } from '../helpers/catalog.js';
import { runCli } from '../helpers/run-cli.js';
import { sampleBucket, tempDir } from '../helpers/temp.js';
import { FIXTURE_MTIME, fixtureBytes, writeTree } from '../helpers/video-tree.js';

async function scanJson(file: string, ...args: string[]): Promise<ScanSummary> {
  const result = await runCli(['scan', ...args, '--json', '--db', file]);
  assert.equal(result.code, 0, result.stderr);
  return JSON.parse(result.stdout) as ScanSummary;
}

async function clipKeys(file: string, version: string, split: string, count: number, offset = 0): Promise<string[]> {
  const rows = await queryAll<{ clip_key: string }>(
    file,
    'SELECT clip_key FROM clips WHERE version = ? AND split = ? ORDER BY clip_key LIMIT ? OFFSET ?',
    version,
    split,
    count,
    offset,
  );
  assert.equal(rows.length, count);
  return rows.map((row) => row.clip_key);
}

const statusOf = async (file: string, version: string, key: string) =>
  (await queryAll<{ status: string; path: string | null }>(file, 'SELECT status, path FROM clips WHERE version = ? AND clip_key = ?', version, key))[0]!;

describe('kinetics scan', () => {
  const file = newCatalogFile();
  const root = join(tempDir(), 'videos');
  let k400Val: string[];
  let k700Val: string[];
  let k400Train: string[];
  const shared = 'ixq5OGYjjmA_000154_000164'; // in the sample's K400 val and K700-2020 val

  before(async () => {
    await ingestInto(file, sampleBucket);
    k400Val = await clipKeys(file, 'k400', 'val', 4);
    k700Val = await clipKeys(file, 'k700-2020', 'val', 3, 100);
    k400Train = await clipKeys(file, 'k400', 'train', 1);
    writeTree(root, {
      [`k400/val/${k400Val[0]}.mp4`]: 'ok',
      [`k400/val/${k400Val[1]}.mp4`]: 'empty',
      [`k400/val/${k400Val[2]}.mp4`]: 'truncated',
      [`k400/val/${k400Val[3]}.webm`]: 'webm',
      [`k700-2020/val/air drumming/${k700Val[0]}.mp4`]: 'ok',
      [`k700-2020/val/airdrumming/${k700Val[1]}.mp4`]: 'no-moov',
      [`k700-2020/val/hugging (not baby)/${k700Val[2]}.mp4`]: 'short',
      [`k400/train/${k400Train[0]}.mp4`]: 'truncated',
      [`replacement_for_corrupted_k400/${k400Train[0]}.mp4`]: 'ok',
      [`k700-2020/val/abseiling/${shared}.mp4`]: 'ok',
      'junk/readme.txt': 'junk',
      [`k400/val/${'y'.repeat(11)}_000000_000010.mp4.0.extracting`]: 'ok', // fetch is writing it: not counted
      'junk/zzzzzzzzzzz_000000_000010.mp4': 'ok',
    });
  });

  test('first scan with --verify: every status, the findings and the unknown files', async () => {
    const summary = await scanJson(file, root, '--verify');
    assert.equal(summary.seen, 12);
    assert.equal(summary.new, 12);
    assert.equal(summary.damaged, 3);
    assert.equal(summary.empty, 1);
    assert.equal(summary.short, 1);
    assert.equal(summary.unknown, 2, 'readme.txt and a well-named file of no clip');
    assert.equal(summary.verified, 11);

    assert.deepEqual(await statusOf(file, 'k400', k400Val[0]!), { status: 'ok', path: join(root, `k400/val/${k400Val[0]}.mp4`) });
    assert.equal((await statusOf(file, 'k400', k400Val[1]!)).status, 'empty');
    assert.equal((await statusOf(file, 'k400', k400Val[2]!)).status, 'damaged');
    assert.equal((await statusOf(file, 'k400', k400Val[3]!)).status, 'ok', 'a WebM read from its header');
    assert.equal((await statusOf(file, 'k700-2020', k700Val[0]!)).status, 'ok');
    assert.equal((await statusOf(file, 'k700-2020', k700Val[1]!)).status, 'damaged');
    const [short] = await queryAll<{ status: string; duration: number }>(file, 'SELECT status, duration FROM clips WHERE clip_key = ?', k700Val[2]);
    assert.deepEqual(short, { status: 'short', duration: 3 });

    // One file serves the clip in every version that lists it.
    const sharedRows = await queryAll<{ version: string; status: string }>(file, 'SELECT version, status FROM clips WHERE clip_key = ? ORDER BY version', shared);
    assert.deepEqual(sharedRows, [
      { version: 'k400', status: 'ok' },
      { version: 'k700-2020', status: 'ok' },
    ]);

    // The K400 replacement supersedes the damaged original; both files stay visible.
    assert.deepEqual(await statusOf(file, 'k400', k400Train[0]!), { status: 'ok', path: join(root, `replacement_for_corrupted_k400/${k400Train[0]}.mp4`) });
    const both = await queryAll<{ status: string; is_replacement: number }>(file, 'SELECT status, is_replacement FROM files WHERE clip_key = ? ORDER BY is_replacement', k400Train[0]);
    assert.deepEqual(both, [
      { status: 'damaged', is_replacement: 0 },
      { status: 'ok', is_replacement: 1 },
    ]);
    const [missing] = await queryAll<{ n: number }>(file, "SELECT count(*) n FROM clips WHERE version = 'k400' AND split = 'val' AND status = 'missing'");
    const [annotated] = await queryAll<{ n: number }>(file, "SELECT count(*) n FROM clips WHERE version = 'k400' AND split = 'val'");
    assert.equal(missing!.n, annotated!.n - 4);
  });

  test('rescan after adding, deleting, truncating in place: only those change; unchanged content is not read', async () => {
    const added = join(root, `k400/val/${(await clipKeys(file, 'k400', 'val', 1, 10))[0]}.mp4`);
    writeFileSync(added, fixtureBytes('ok'));
    rmSync(join(root, `k700-2020/val/air drumming/${k700Val[0]}.mp4`));
    const okPath = join(root, `k400/val/${k400Val[0]}.mp4`);
    truncateSync(okPath, 100);
    // Same size and mtime, other bytes: a rescan must not read it, so its status stands.
    const sneaky = join(root, `k400/val/${k400Val[2]}.mp4`);
    const { size } = statSync(sneaky);
    writeFileSync(sneaky, fixtureBytes('ok').subarray(0, size));
    utimesSync(sneaky, FIXTURE_MTIME, FIXTURE_MTIME);

    const summary = await scanJson(file, root);
    assert.equal(summary.new, 1);
    assert.equal(summary.gone, 1);
    assert.equal(summary.changed, 1);
    assert.equal(summary.unchanged, 10);
    assert.equal(summary.verified, 1, 'only the changed, previously verified file is re-verified');
    assert.equal((await statusOf(file, 'k400', k400Val[0]!)).status, 'damaged');
    assert.equal((await statusOf(file, 'k400', k400Val[2]!)).status, 'damaged', 'unchanged size and mtime: not re-read');
    assert.equal((await statusOf(file, 'k700-2020', k700Val[0]!)).status, 'missing');
    const [gone] = await queryAll<{ status: string; gone_at: string | null }>(file, 'SELECT status, gone_at FROM files WHERE clip_key = ?', k700Val[0]);
    assert.equal(gone!.status, 'gone');
    assert.ok(gone!.gone_at);
    const [addedRow] = await queryAll<{ status: string }>(file, 'SELECT status FROM files WHERE path = ?', added);
    assert.equal(addedRow!.status, 'unverified', 'plain scans record sizes only');
    const verified = await scanJson(file, root, '--verify');
    assert.equal(verified.verified, 1);
    assert.equal((await queryAll<{ status: string }>(file, 'SELECT status FROM files WHERE path = ?', added))[0]!.status, 'ok');
  });

  test('--quick skips folders whose mtime did not change, and still sees a new file in a changed one', async () => {
    const all = await scanJson(file, root, '--quick');
    assert.equal(all.seen, 0);
    assert.ok(all.skippedDirs >= 8);
    assert.equal(all.gone, 0, 'files in skipped folders are not taken for gone');
    const [present] = await queryAll<{ n: number }>(file, "SELECT count(*) n FROM files WHERE status <> 'gone'");
    assert.equal(present!.n, 12);
    writeFileSync(join(root, 'junk/another.txt'), 'x');
    const changed = await scanJson(file, root, '--quick');
    assert.equal(changed.new, 1);
    assert.equal(changed.seen, 3, 'only the changed folder was read');
  });

  test('scanning a folder inside, or above, a scanned root keeps what is known of its files', async () => {
    const before = await queryAll(file, "SELECT path, status, verified FROM disk_files WHERE status <> 'gone' ORDER BY path");
    const inner = await scanJson(file, join(root, 'k400'));
    assert.equal(inner.new + inner.changed, 0);
    const outer = await scanJson(file, join(root, '..'));
    assert.equal(outer.changed, 0);
    assert.deepEqual(await queryAll(file, "SELECT path, status, verified FROM disk_files WHERE status <> 'gone' AND path LIKE ? ORDER BY path", `${root}%`), before);
  });

  test('kinetics status: the same numbers as SQL, per split and per class, as JSON', async () => {
    const result = await runCli(['status', '--version', 'k700', '--split', 'validate', '--json', '--db', file]);
    assert.equal(result.code, 0, result.stderr);
    const [row] = JSON.parse(result.stdout) as Record<string, number | string>[];
    const [expected] = await queryAll<Record<string, number>>(
      file,
      "SELECT count(*) annotated, sum(status = 'ok') ok, sum(status = 'missing') missing, sum(status = 'damaged') damaged, sum(status = 'short') short FROM clips WHERE version = 'k700-2020' AND split = 'val'",
    );
    for (const column of ['annotated', 'ok', 'missing', 'damaged', 'short'] as const) assert.equal(row![column], expected![column], column);
    const byClass = JSON.parse((await runCli(['status', '--version', 'k700-2020', '--split', 'val', '--by-class', '--json', '--db', file])).stdout) as { label: string; annotated: number }[];
    const [classes] = await queryAll<{ n: number }>(file, "SELECT count(DISTINCT label) n FROM clips WHERE version = 'k700-2020' AND split = 'val'");
    assert.equal(byClass.length, classes!.n);
    assert.equal(byClass.reduce((sum, entry) => sum + entry.annotated, 0), row!.annotated);
  });

  test('a folder that cannot be read: exit code 74; --fail-on-damage turns findings into exit 65', async () => {
    const unreadable = await runCli(['scan', join(root, 'no-such-folder'), '--db', file]);
    assert.equal(unreadable.code, 74);
    assert.match(unreadable.stderr, /^kinetics: cannot read .*no-such-folder \(ENOENT\)\n\d+ files seen/, 'said before the counts');
    const strict = await runCli(['scan', root, '--fail-on-damage', '--db', file]);
    assert.equal(strict.code, 65);
    assert.match(strict.stderr, /^kinetics: 6 files damaged, undecodable, empty or short$/m);
  });
});

test('scan with no folder scans --home/videos', async () => {
  const home = tempDir();
  const file = join(home, 'catalog.db');
  await ingestInto(file, sampleBucket);
  const [key] = await clipKeys(file, 'k600', 'val', 1);
  writeTree(join(home, 'videos'), { [`k600/val/x/${key}.mp4`]: 'ok' });
  const result = await runCli(['scan', '--verify', '--home', home]);
  assert.equal(result.code, 0, result.stderr);
  assert.equal((await statusOf(file, 'k600', key!)).status, 'ok');
});

describe('what lies under a root, whoever recorded it', () => {
  const file = newCatalogFile();
  const root = join(tempDir(), 'videos');
  let keys: string[];

  before(async () => {
    await ingestInto(file, sampleBucket);
    keys = await clipKeys(file, 'k400', 'val', 4);
    writeTree(root, {
      [`a/${keys[0]}.mp4`]: 'ok',
      [`a/${keys[1]}.mp4`]: 'truncated',
      [`b/${keys[2]}.mp4`]: 'ok',
      [`b/deeper/${keys[3]}.mp4`]: 'empty',
    });
  });

  test('findings count the files under a root that an earlier scan of a wider root recorded', async () => {
    await scanJson(file, root, '--verify');
    const inner = await scanJson(file, join(root, 'a'));
    assert.equal(inner.damaged, 1);
    const strict = await runCli(['scan', join(root, 'b'), '--fail-on-damage', '--db', file]);
    assert.equal(strict.code, 65, 'the empty file in b/deeper counts');
  });

  test('a folder recorded by a scan of an inner root, then deleted, is marked gone by a scan of the outer root', async () => {
    rmSync(join(root, 'b'), { recursive: true });
    const outer = await scanJson(file, root);
    assert.equal(outer.gone, 2);
    assert.equal((await statusOf(file, 'k400', keys[2]!)).status, 'missing');
    assert.equal((await statusOf(file, 'k400', keys[3]!)).status, 'missing');
    assert.equal((await statusOf(file, 'k400', keys[0]!)).status, 'ok');
  });

  test('a root that is a symbolic link is followed, by the full walk and by --quick alike, and recorded as its real path', async () => {
    const link = join(tempDir(), 'link');
    symlinkSync(root, link);
    const full = await scanJson(file, link);
    assert.equal(full.seen, 2);
    const quick = await scanJson(file, link, '--quick');
    assert.equal(quick.gone, 0);
    const again = await scanJson(file, link);
    assert.equal(again.gone, 0);
    assert.equal(again.unchanged, 2);
    // The link now points nowhere, as to a disk not mounted: nothing under it is taken for gone.
    rmSync(link);
    symlinkSync(join(tempDir(), 'not-mounted'), link);
    const dangling = await runCli(['scan', link, '--json', '--db', file]);
    assert.equal(dangling.code, 74, dangling.stderr);
    const [present] = await queryAll<{ n: number }>(file, "SELECT count(*) n FROM files WHERE status <> 'gone' AND path LIKE ?", `${root}/%`);
    assert.equal(present!.n, 2);
    assert.deepEqual(await queryAll(file, 'SELECT path FROM files WHERE path LIKE ?', `${link}/%`), [], 'no file under the link itself');
  });
});

test('a home reached through a symbolic link and its real folder record each file once', async () => {
  const real = tempDir();
  const file = join(real, 'catalog.db');
  await ingestInto(file, sampleBucket);
  const keys = await clipKeys(file, 'k400', 'val', 2);
  writeTree(join(real, 'videos'), { [`k400/val/a/${keys[0]}.mp4`]: 'ok', [`k400/val/a/${keys[1]}.mp4`]: 'truncated' });
  const link = join(tempDir(), 'home');
  symlinkSync(real, link);
  const throughLink = await runCli(['scan', '--verify', '--json', '--home', link]);
  assert.equal(throughLink.code, 0, throughLink.stderr);
  const throughReal = await scanJson(file, join(real, 'videos'));
  assert.equal(throughReal.new, 0, 'the real folder holds the files the linked home recorded');
  const rows = await queryAll<{ path: string; status: string }>(file, 'SELECT path, status FROM files ORDER BY path');
  assert.deepEqual(rows.map((row) => row.path), [`${keys[0]}.mp4`, `${keys[1]}.mp4`].map((name) => join(realpathSync(real), 'videos', 'k400', 'val', 'a', name)).sort());
  assert.equal((await statusOf(file, 'k400', keys[1]!)).status, 'damaged', 'no unverified duplicate outranks what --verify found');
});

test('a videos folder that is itself a link: files written under it and scanned through it are recorded once', async () => {
  const home = tempDir();
  const file = join(home, 'catalog.db');
  await ingestInto(file, sampleBucket);
  const keys = await clipKeys(file, 'k400', 'val', 2);
  const real = tempDir();
  symlinkSync(real, join(home, 'videos'));
  writeTree(real, { [`k400/val/a/${keys[0]}.mp4`]: 'ok', [`k400/val/a/${keys[1]}.mp4`]: 'ok' });
  assert.equal((await runCli(['scan', '--home', home])).code, 0);
  assert.equal((await runCli(['scan', real, '--db', file])).code, 0);
  assert.equal((await runCli(['scan', join(home, 'videos'), '--db', file])).code, 0);
  const [files] = await queryAll<{ n: number }>(file, 'SELECT count(*) n FROM files');
  assert.equal(files!.n, 2);
});

test('files that fetch recorded in folders no scan has walked are marked gone once their folder is deleted', async () => {
  const home = tempDir();
  const file = join(home, 'catalog.db');
  await ingestInto(file, sampleBucket);
  const keys = await clipKeys(file, 'k600', 'val', 2);
  // As fetch records them: files written under --home/videos and recorded without any scan of their folders.
  writeTree(join(home, 'videos'), { [`k600/val/x/${keys[0]}.mp4`]: 'ok', [`k600/val/y/${keys[1]}.mp4`]: 'ok' });
  const catalog = Catalog.open(file);
  const writer = new FileWriter(catalog);
  const rootId = scanRootId(catalog, join(home, 'videos'));
  for (const [index, folder] of ['x', 'y'].entries()) {
    const path = join(home, 'videos', 'k600', 'val', folder, `${keys[index]}.mp4`);
    const info = statSync(path);
    writer.add(fileRecord({ path, dir: join(home, 'videos', 'k600', 'val', folder), name: `${keys[index]}.mp4`, bytes: info.size, mtimeMs: Math.trunc(info.mtimeMs) }, rootId, true, 'now'));
  }
  writer.flush();
  await catalog.close();
  rmSync(join(home, 'videos', 'k600', 'val', 'y'), { recursive: true });
  const result = await runCli(['scan', '--json', '--home', home]);
  assert.equal(result.code, 0, result.stderr);
  assert.equal((JSON.parse(result.stdout) as ScanSummary).gone, 1);
  assert.equal((await statusOf(file, 'k600', keys[1]!)).status, 'missing');
  assert.equal((await statusOf(file, 'k600', keys[0]!)).status, 'ok');
});

test('a reader of a catalog whose first scan was interrupted rebuilds the indexes the scan had set aside', async () => {
  const file = join(tempDir(), 'catalog.db');
  const catalog = Catalog.open(file);
  const named = (sql: string) => (catalog.sqlite.prepare(sql).pluck().all() as string[]).sort();
  const setAside = {
    indexes: named("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'disk_files' AND sql IS NOT NULL"),
    triggers: named("SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name IN ('disk_files', 'best_files')"),
  };
  assert.equal(setAside.triggers.length, 6);
  deferIndexesIf(catalog.sqlite, 'disk_files', () => true);
  const loader = spawn('sleep', ['30']); // stands in for the scan that set them aside, still running
  catalog.sqlite.prepare("UPDATE catalog_settings SET value = ? WHERE key = 'deferred_by'").run(String(loader.pid));
  await catalog.close();
  try {
    const during = await runCli(['query', 'select count(*) n from clips', '--db', file]);
    assert.equal(during.code, 0, during.stderr);
    const left = (await queryAll<{ name: string }>(file, 'SELECT name FROM deferred_indexes ORDER BY rowid')).map((row) => row.name);
    const indexCount = setAside.indexes.length;
    // Left to the running scan, in the order they come back: the indexes, best_files to fill and the statuses it
    // gives the clips, then the triggers.
    assert.deepEqual(left.slice(0, indexCount).sort(), setAside.indexes);
    assert.deepEqual(left.slice(indexCount, indexCount + 2), ['best_files (refill)', 'clip statuses (from best_files)']);
    assert.deepEqual(left.slice(indexCount + 2).sort(), setAside.triggers);
  } finally {
    loader.kill();
    await once(loader, 'exit');
  }
  // Once that process is gone (killed mid-walk), the next reader rebuilds them.
  const plan = await runCli(['query', "explain query plan select path from disk_files where clip_key = 'a' and status <> 'gone'", '--csv', '--db', file]);
  assert.equal(plan.code, 0, plan.stderr);
  assert.match(plan.stdout, /USING (COVERING )?INDEX disk_files_best_first/);
  assert.deepEqual(await queryAll(file, 'SELECT name FROM deferred_indexes'), []);
  const restored = await queryAll<{ name: string }>(file, "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name IN ('disk_files', 'best_files') ORDER BY name");
  assert.deepEqual(restored.map((row) => row.name), setAside.triggers);
});

test("a first scan writes with the path index set aside and builds it at the end; rescans upsert on it, keeping each file's id", async () => {
  const catalog = Catalog.open(join(tempDir(), 'catalog.db'));
  const root = join(tempDir(), 'videos');
  mkdirSync(root);
  for (let index = 0; index < 2001; index++) writeFileSync(join(root, `file ${index}.txt`), 'x');
  const pathIndexed = () => catalog.sqlite.prepare('SELECT 1 FROM sqlite_master WHERE name = ?').get(PATH_INDEX) !== undefined;
  const seen: boolean[] = [];
  const options = { roots: [root], verify: false, quick: false, onProgress: () => seen.push(pathIndexed()) };
  await scan(catalog, options);
  assert.equal(seen[0], false, 'no path looked up while a first scan loads');
  assert.ok(pathIndexed());
  const rows = () => catalog.sqlite.prepare('SELECT id, path, bytes FROM disk_files ORDER BY id').all() as { id: number; path: string; bytes: number }[];
  const first = rows();
  assert.equal(first.length, 2001);
  writeFileSync(join(root, 'file 7.txt'), 'longer');
  seen.length = 0;
  await scan(catalog, options);
  assert.ok(seen.every(Boolean));
  assert.deepEqual(rows(), first.map((row) => (row.path.endsWith('/file 7.txt') ? { ...row, bytes: 6 } : row)));
  await catalog.close();
});

/** A record of /videos/NAME with these bytes, as a scan writes it. */
const videoFile = (name: string, rootId: number, bytes: number) => fileRecord({ path: `/videos/${name}`, dir: '/videos', name, bytes, mtimeMs: 0 }, rootId, false, 'now');
const fileA = (rootId: number, bytes: number) => videoFile('a.mp4', rootId, bytes);

/** One row for /videos/a.mp4, of these bytes, and disk_files' indexes all back. */
function assertOneFileIndexesBack(catalog: Catalog, bytes: number): void {
  assert.deepEqual(catalog.sqlite.prepare('SELECT path, bytes FROM disk_files').all(), [{ path: '/videos/a.mp4', bytes }]);
  assert.deepEqual(catalog.sqlite.prepare('SELECT name FROM deferred_indexes').all(), []);
  assert.ok(catalog.sqlite.prepare('SELECT 1 FROM sqlite_master WHERE name = ?').get(PATH_INDEX));
}

test("an upsert writes a record's columns and sets back to NULL what it leaves empty (a rewritten file is unverified until read again), keeping ids", async () => {
  const catalog = Catalog.open(join(tempDir(), 'catalog.db'));
  const rootId = scanRootId(catalog, '/videos');
  const media = { codec: 'avc1', width: 64, height: 48, frames: 250, fps: 25, hasAudio: true };
  const fileB = (bytes: number) => videoFile('b.mp4', rootId, bytes);
  const writer = new FileWriter(catalog);
  writer.add({ ...fileA(rootId, 1), media, sha256: 'aa' });
  writer.add(fileB(1));
  writer.flush();
  catalog.sqlite.exec("UPDATE disk_files SET candidates = 'x', decoded = 1");
  const read = () => catalog.sqlite.prepare('SELECT id, path, bytes, codec, has_audio, sha256, candidates, decoded FROM disk_files ORDER BY path').all();
  const [a, b] = read() as { id: number }[];
  writer.add(fileA(rootId, 2));
  writer.add({ ...fileB(2), media: { ...media, hasAudio: false }, sha256: 'bb' });
  writer.flush();
  assert.deepEqual(read(), [
    { id: a!.id, path: '/videos/a.mp4', bytes: 2, codec: null, has_audio: null, sha256: null, candidates: null, decoded: null },
    { id: b!.id, path: '/videos/b.mp4', bytes: 2, codec: 'avc1', has_audio: 0, sha256: 'bb', candidates: null, decoded: null },
  ]);
  await catalog.close();
});

test("a writer whose first batch its caller's transaction undid (fetch's shard failed) writes the next", async () => {
  const catalog = Catalog.open(join(tempDir(), 'catalog.db'));
  const rootId = scanRootId(catalog, '/videos');
  const writer = new FileWriter(catalog);
  const shard = catalog.sqlite.transaction(() => {
    writer.add(fileA(rootId, 1));
    writer.flush();
    throw new Error('the shard failed');
  });
  assert.throws(() => shard(), /the shard failed/);
  writer.add(fileA(rootId, 2));
  writer.flush();
  assertOneFileIndexesBack(catalog, 2);
  await catalog.close();
});

test('records are committed once they have gathered for a second, without waiting for a flush', async () => {
  const file = join(tempDir(), 'catalog.db');
  const catalog = Catalog.open(file);
  const writer = new FileWriter(catalog);
  const rootId = scanRootId(catalog, '/videos');
  writer.add(fileA(rootId, 1));
  const committed = () => queryAll<{ count: number }>(file, 'SELECT count(*) AS count FROM disk_files');
  assert.deepEqual(await committed(), [{ count: 0 }]);
  await new Promise((resolve) => setTimeout(resolve, 1100));
  writer.add(videoFile('b.mp4', rootId, 1));
  assert.deepEqual(await committed(), [{ count: 2 }]);
  await catalog.close();
});

test('a file writer opened before another process set the clip indexes aside writes nothing while that load runs (75 inside a transaction), and puts back what it left once it is gone', async () => {
  const catalog = Catalog.open(join(tempDir(), 'catalog.db'));
  const rootId = scanRootId(catalog, '/videos');
  const writer = new FileWriter(catalog);
  writer.add(fileA(rootId, 1));
  writer.flush();
  deferIndexesIf(catalog.sqlite, 'clip_annotations', () => true);
  const loader = spawn('sleep', ['30']); // stands in for the ingest that set them aside, still running
  catalog.sqlite.prepare("UPDATE catalog_settings SET value = ? WHERE key = 'deferred_by'").run(String(loader.pid));
  try {
    assert.equal(mayWriteFiles(catalog.sqlite), false);
    const shard = catalog.sqlite.transaction(() => {
      writer.add(fileA(rootId, 2));
      writer.flush();
    });
    assert.throws(shard, (error: KineticsError) => error.exitCode === 75 && /being bulk-loaded by another process/.test(error.message));
  } finally {
    loader.kill();
    await once(loader, 'exit');
  }
  writer.add(fileA(rootId, 3));
  writer.flush();
  assertOneFileIndexesBack(catalog, 3);
  assert.equal(catalog.sqlite.prepare("SELECT count(*) FROM sqlite_master WHERE type = 'index' AND tbl_name = 'clip_annotations' AND sql IS NOT NULL").pluck().get(), 4);
  await catalog.close();
});

test("a writer that finds the path index set aside by a killed first scan puts it back before writing, and updates that scan's files in place", async () => {
  const catalog = Catalog.open(join(tempDir(), 'catalog.db'));
  const rootId = scanRootId(catalog, '/videos');
  deferIndexesIf(catalog.sqlite, 'disk_files', () => true);
  const killedScan = new FileWriter(catalog);
  killedScan.add(fileA(rootId, 1));
  killedScan.flush();
  catalog.sqlite.prepare("UPDATE catalog_settings SET value = '999999999' WHERE key = 'deferred_by'").run(); // gone
  const writer = new FileWriter(catalog);
  writer.add(fileA(rootId, 2));
  writer.flush();
  assertOneFileIndexesBack(catalog, 2);
  await catalog.close();
});

test('names that are not UTF-8 are said to be unreadable, not recorded: no path to open, and two can read the same', async () => {
  const catalog = Catalog.open(join(tempDir(), 'catalog.db'));
  const root = join(tempDir(), 'videos');
  mkdirSync(root);
  // café in Latin-1 and caf + è: each bad byte reads as U+FFFD, so both are `caf\uFFFD.mp4`.
  for (const byte of [0xe9, 0xe8]) writeFileSync(Buffer.concat([Buffer.from(`${root}/caf`), Buffer.from([byte]), Buffer.from('.mp4')]), 'not a video');
  writeFileSync(join(root, 'ok.txt'), 'x');
  const summary = await scan(catalog, { roots: [root], verify: true, quick: false });
  assert.deepEqual(summary.unreadable, [0, 1].map(() => ({ path: join(root, 'caf\uFFFD.mp4'), error: 'its name is not UTF-8' })));
  assert.deepEqual(catalog.sqlite.prepare('SELECT path FROM disk_files').pluck().all(), [join(root, 'ok.txt')]);
  await catalog.close();
});

test('a path a first load wrote twice is kept once when its unique index is built, the later row: the index and the rest come back', async () => {
  const catalog = Catalog.open(join(tempDir(), 'catalog.db'));
  const rootId = scanRootId(catalog, '/videos');
  deferIndexesIf(catalog.sqlite, 'disk_files', () => true);
  const writer = new FileWriter(catalog);
  for (const bytes of [1, 2]) writer.add(fileA(rootId, bytes));
  writer.flush();
  rebuildDeferredIndexes(catalog.sqlite);
  assertOneFileIndexesBack(catalog, 2);
  await catalog.close();
});

test("a writer inside a transaction (fetch's files with their shard) does not wait for another process's first scan, which needs the catalog to end: it says so at once", async () => {
  const catalog = Catalog.open(join(tempDir(), 'catalog.db'));
  const rootId = scanRootId(catalog, '/videos');
  deferIndexesIf(catalog.sqlite, 'disk_files', () => true);
  const loader = spawn('sleep', ['30']); // the first scan, still running
  catalog.sqlite.prepare("UPDATE catalog_settings SET value = ? WHERE key = 'deferred_by'").run(String(loader.pid));
  try {
    const writer = new FileWriter(catalog);
    const started = Date.now();
    assert.throws(
      () =>
        catalog.sqlite.transaction(() => {
          writer.add(fileA(rootId, 1));
          writer.flush();
        })(),
      (error: Error & { exitCode?: number }) => /being bulk-loaded by another process/.test(error.message) && error.exitCode === 75,
    );
    assert.ok(Date.now() - started < 1000);
    assert.equal(catalog.sqlite.prepare('SELECT count(*) FROM disk_files').pluck().get(), 0);
  } finally {
    loader.kill();
    await once(loader, 'exit');
  }
  await catalog.close();
});

test("a scan's findings read through the path index or the whole table, by how many files the roots hold: the same counts", async () => {
  const catalog = Catalog.open(join(tempDir(), 'catalog.db'));
  const writer = new FileWriter(catalog);
  for (const [root, files] of [['/a', 8], ['/b', 100]] as const) {
    const rootId = scanRootId(catalog, root);
    for (let index = 0; index < files; index++) {
      const name = index % 3 === 0 ? `${String(index).padStart(11, 'k')}_000000_000010.mp4` : `notes ${index}.txt`;
      writer.add(fileRecord({ path: `${root}/${name}`, dir: root, name, bytes: index % 4 === 0 ? 0 : 5, mtimeMs: 0 }, rootId, false, 'now'));
    }
  }
  writer.flush();
  const fewOfMany = fileFindings(catalog, ['/a'], 8);
  assert.deepEqual(fileFindings(catalog, ['/a'], 1_000), fewOfMany);
  assert.deepEqual(fewOfMany, { unknown: 8, damaged: 0, undecodable: 0, empty: 1, short: 0 });
  assert.notDeepEqual(fileFindings(catalog, ['/b'], 100), fewOfMany);
  await catalog.close();
});

test("a scan reads what it knows of a folder through the folder index even where a first scan's statistics rate it useless", async () => {
  const catalog = Catalog.open(join(tempDir(), 'catalog.db'));
  const root = join(tempDir(), 'one folder');
  mkdirSync(root);
  for (let index = 0; index < 50; index++) writeFileSync(join(root, `file ${index}.txt`), 'x');
  await scan(catalog, { roots: [root], verify: false, quick: false });
  const plan = (sql: string) => (catalog.sqlite.prepare(`EXPLAIN QUERY PLAN ${sql}`).all('/elsewhere') as { detail: string }[]).map((row) => row.detail);
  // What the statistics say of one folder: the planner would read every file, once per folder a later scan reads.
  assert.deepEqual(plan('SELECT path FROM disk_files WHERE dir = ?'), ['SCAN disk_files']);
  assert.deepEqual(plan(knownFilesQuery(catalog)), ['SEARCH disk_files USING INDEX disk_files_by_dir (dir=?)']);
  await catalog.close();
});

test('an empty file: empty when named as a clip or a video, unchecked when named otherwise (a marker, a lock)', () => {
  const recordOf = (name: string) => fileRecord({ path: join('/videos', name), dir: '/videos', name, bytes: 0, mtimeMs: 0 }, 1, false, 'now');
  assert.equal(recordOf('-1DARulHLgw_000007_000017.mp4').status, 'empty');
  assert.equal(recordOf('-1DARulHLgw.mp4').status, 'empty');
  assert.deepEqual([recordOf('.complete').status, recordOf('.complete').detail], ['unchecked', 'not a video file name']);
  assert.equal(recordOf('notes.txt').status, 'unchecked');
});
