import assert from 'node:assert/strict';
import { readdirSync, rmSync, statSync, truncateSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { ingestInto, queryAll } from '../helpers/catalog.js';
import { runCli } from '../helpers/run-cli.js';
import { sampleBucket, tempDir } from '../helpers/temp.js';

test('repair fetches again only the clips of its scope that were on disk and are broken or gone (not those never fetched); --dry-run shows the plan and changes nothing', async () => {
  const home = tempDir();
  const db = join(home, 'catalog.db');
  const cli = (...args: string[]) => runCli([...args, '--home', home]);
  await ingestInto(db, sampleBucket);
  const scope = ['--version', 'k700-2020', '--split', 'val', '--class', 'abseiling'];
  assert.equal((await cli('subset', 'create', 'few', ...scope, '--limit', '4')).code, 0);
  assert.equal((await cli('fetch', 'few')).code, 0);
  const fetched = await queryAll<{ clip_key: string; path: string }>(db, "SELECT c.clip_key, c.path FROM subset_clips s JOIN clips c USING (version, split, clip_key) WHERE s.subset = 'few' ORDER BY 1");
  truncateSync(fetched[0]!.path, 100);
  rmSync(fetched[1]!.path);
  assert.equal((await cli('scan', '--verify')).code, 0);
  const statuses = "SELECT status, count(*) n FROM clips WHERE version = 'k700-2020' AND split = 'val' AND label = 'abseiling' GROUP BY 1 ORDER BY 1";
  const before = await queryAll<{ status: string; n: number }>(db, statuses);
  assert.deepEqual(before.map((row) => row.status), ['damaged', 'missing', 'ok']);

  const neverFetched = before.find((row) => row.status === 'missing')!.n - 1;
  assert.ok(neverFetched > 0, 'the class has clips never fetched');

  const dry = await cli('repair', ...scope, '--dry-run');
  assert.equal(dry.code, 0, dry.stderr);
  assert.match(dry.stdout, /k700_val_001\.tar\.gz +abseiling/);
  assert.match(dry.stderr, new RegExp(`^${neverFetched} clips? of the scope never on disk left out: \`kinetics subset create\` and \`kinetics fetch\` get them$`, 'm'));
  assert.deepEqual(await queryAll(db, statuses), before, 'a dry run changes nothing');

  const repaired = await cli('repair', ...scope, '--json');
  assert.equal(repaired.code, 0, repaired.stderr);
  const summary = JSON.parse(repaired.stdout) as { wanted: number; extracted: number; stillMissing: number };
  assert.equal(summary.wanted, 2, 'the damaged file and the deleted one');
  assert.equal(summary.stillMissing, 0);
  const inSubset = await queryAll<{ status: string }>(db, "SELECT DISTINCT c.status FROM subset_clips s JOIN clips c USING (version, split, clip_key) WHERE s.subset = 'few'");
  assert.deepEqual(inSubset, [{ status: 'ok' }]);
  const after = await queryAll<{ status: string; n: number }>(db, statuses);
  assert.deepEqual(after, [{ status: 'missing', n: neverFetched }, { status: 'ok', n: 4 }], 'the clips never fetched are not fetched by a repair');
  // The damaged file was replaced where it was; the copy set aside while the new one was verified is gone.
  assert.ok(statSync(fetched[0]!.path).size > 100);
  assert.deepEqual(readdirSync(dirname(fetched[0]!.path)).filter((name) => name.endsWith('.bad')), []);
  assert.deepEqual(await queryAll(db, "SELECT name FROM subsets WHERE name LIKE '.repair%'"), [], 'the repair leaves no subset behind');
  // One left by a repair killed in between (its process is gone) goes with the next repair.
  assert.equal((await cli('subset', 'create', '.repair-999999999', ...scope, '--limit', '1')).code, 0);
  const again = await cli('repair', ...scope);
  assert.deepEqual(await queryAll(db, "SELECT name FROM subsets WHERE name LIKE '.repair%'"), []);
  assert.equal(again.code, 0);
  assert.match(again.stderr, /^nothing to repair: every clip of the scope that was on disk has a usable file$/m);
});
