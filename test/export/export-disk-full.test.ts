import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync, statSync, statfsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { ingestInto, queryAll } from '../helpers/catalog.js';
import { onSmallDisk, readOnlyView } from '../helpers/mounts.js';
import { runCli } from '../helpers/run-cli.js';
import { sampleBucket, tempDir } from '../helpers/temp.js';

const contentsOf = (dir: string) => Object.fromEntries(readdirSync(dir).sort().map((name) => [name, readFileSync(join(dir, name)).toString('base64')]));

for (const format of ['jsonl', 'webdataset'] as const) {
  test(`an export (${format}) over an earlier one on a disk that fills: one line, exit 74, the earlier export whole; after freeing space it is replaced`, async (t) => {
    const home = tempDir();
    await ingestInto(join(home, 'catalog.db'), sampleBucket);
    const cli = (...args: string[]) => runCli([...args, '--home', home]);
    const subset = async (...args: string[]) => {
      assert.equal((await cli('subset', 'create', 'kv', '--replace', ...args)).code, 0);
      const fetched = await cli('fetch', 'kv'); // the sample bucket lacks some shards: exit 1, the others fetched
      assert.match(fetched.stderr, /^subset kv: [1-9]\d* clips extracted/m, fetched.stderr);
    };
    await subset('--version', 'k400', '--split', 'val', '--limit', '3');
    const disk = tempDir();
    await onSmallDisk(t, disk, '1m', async () => {
      const out = join(disk, 'out');
      const exportArgs = ['export', 'kv', '--format', format, '--out', out];
      const first = await cli(...exportArgs);
      assert.equal(first.code, 0, first.stderr);
      const earlier = contentsOf(out);

      await subset('--version', 'k700-2020', '--split', 'val', '--limit', '6');
      const { bavail, bsize } = statfsSync(disk);
      writeFileSync(join(disk, 'filler'), Buffer.alloc(Number(bavail * bsize) - 4096));
      const full = await cli(...exportArgs);
      assert.equal(full.code, 74, full.stderr);
      assert.match(full.stderr, /^kinetics: \S+\/out\/[^\n]+: no space left on device \(write\); free some space and run this again\n$/);
      assert.deepEqual(contentsOf(out), earlier, 'the earlier export is whole, with no partial file beside it');

      execFileSync('rm', [join(disk, 'filler')]);
      const rerun = await cli(...exportArgs);
      assert.equal(rerun.code, 0, rerun.stderr);
      const manifest = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8')) as { subset: { definition: { versions: string[] } } };
      assert.deepEqual(manifest.subset.definition.versions, ['k700-2020']);
    });
  });
}

test('a tree of copies that fills the disk part way: exit 74, none of its copies or folders left, an earlier export whole', async (t) => {
  const home = tempDir();
  await ingestInto(join(home, 'catalog.db'), sampleBucket);
  const cli = (...args: string[]) => runCli([...args, '--home', home]);
  assert.equal((await cli('subset', 'create', 'kv', '--version', 'k700-2020', '--split', 'val', '--limit', '8')).code, 0);
  assert.match((await cli('fetch', 'kv')).stderr, /^subset kv: [1-9]\d* clips extracted/m);
  const files = await queryAll<{ path: string }>(join(home, 'catalog.db'), "SELECT c.path FROM subset_clips s JOIN clips c USING (version, split, clip_key) WHERE s.subset = 'kv' AND c.status = 'ok'");
  assert.ok(files.length >= 4, `${files.length} clips on disk`);
  const pages = files.map((file) => Math.ceil(statSync(file.path).size / 4096) * 4096);
  const disk = tempDir();
  await onSmallDisk(t, disk, '1m', async () => {
    const out = join(disk, 'out');
    assert.equal((await cli('export', 'kv', '--format', 'csv', '--out', out)).code, 0);
    const earlier = contentsOf(out);
    const { bavail, bsize } = statfsSync(disk);
    // Room for the first copies, not for them all.
    writeFileSync(join(disk, 'filler'), Buffer.alloc(Number(bavail * bsize) - pages.slice(0, 2).reduce((sum, size) => sum + size, 0)));
    const full = await cli('export', 'kv', '--format', 'tree', '--copy', '--out', out);
    assert.equal(full.code, 74, full.stderr);
    assert.match(full.stderr, /no space left on device/);
    assert.deepEqual(contentsOf(out), earlier, 'the earlier export is whole, and no copy or folder of the tree is left');
    execFileSync('rm', [join(disk, 'filler')]);
    const rerun = await cli('export', 'kv', '--format', 'tree', '--copy', '--out', out);
    assert.equal(rerun.code, 0, rerun.stderr);
  });
});

test('an --out on a read-only file system: one line that says so, exit 77, whether the folder is new or there', async (t) => {
  const home = tempDir();
  await ingestInto(join(home, 'catalog.db'), sampleBucket);
  const cli = (...args: string[]) => runCli([...args, '--home', home]);
  assert.equal((await cli('subset', 'create', 'kv', '--version', 'k700-2020', '--split', 'val', '--limit', '3')).code, 0);
  await readOnlyView(t, tempDir(), async (view) => {
    for (const out of [join(view, 'new', 'deeper'), view]) {
      const refused = await cli('export', 'kv', '--format', 'csv', '--include-missing', '--out', out);
      assert.equal(refused.code, 77, `into ${out}: ${refused.stderr}`);
      assert.match(refused.stderr, /^kinetics: \S+: read-only file system \((mkdir|open)\)\n$/);
    }
  });
});
