import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync, statfsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { ingestInto } from '../helpers/catalog.js';
import { onSmallDisk } from '../helpers/mounts.js';
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
