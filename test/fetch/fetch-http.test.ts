import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { BucketServer } from '../helpers/bucket-server.js';
import { ingestInto, queryAll } from '../helpers/catalog.js';
import { runCli } from '../helpers/run-cli.js';
import { copyOfSampleBucket, tempDir } from '../helpers/temp.js';

const bucket = copyOfSampleBucket();

interface PlanJson {
  wanted: number;
  bytesToDownload: number;
  shards: { version: string; split: string; name: string; url: string; bytes: number | null; clips: unknown[]; discovery: boolean; archive: string | null }[];
}

/** Where a planned shard stands in the bucket, from its URL (K400's replacement archive is in no split folder). */
const shardPath = (shard: { url: string }) => decodeURIComponent(new URL(shard.url).pathname).slice(1);

describe('plan and fetch over HTTP from a local bucket server', () => {
  let server: BucketServer;
  const home = tempDir();
  const db = join(home, 'catalog.db');
  const cli = (...args: string[]) => runCli([...args, '--home', home]);

  before(async () => {
    server = await new BucketServer(bucket).start();
    const summary = await ingestInto(db, server.url);
    assert.equal(summary.exitCode, 0);
    const created = await cli(
      'subset', 'create', 'mixed',
      '--version', 'k400', '--version', 'k600', '--version', 'k700-2020', '--split', 'val',
      '--class', 'air drumming', '--class', 'abseiling', '--class', 'tying knot (not on a tie)',
      '--per-class', '3', '--seed', '1',
    );
    assert.equal(created.code, 0, created.stderr);
  });
  after(() => server.stop());

  test('plan: the class shards, the random shards to discover, their sizes from HEAD, cached', async () => {
    server.log.length = 0;
    const result = await cli('plan', 'mixed', '--json');
    assert.equal(result.code, 0, result.stderr);
    const plan = JSON.parse(result.stdout) as PlanJson;
    const byName = new Map(plan.shards.map((shard) => [shard.name, shard]));
    assert.equal(byName.get('tying knot (not on a tie).tar.gz')!.clips.length, 3);
    assert.equal(byName.get('k700_val_001.tar.gz')!.clips.length, 3);
    assert.deepEqual(
      plan.shards.filter((shard) => shard.discovery).map((shard) => shard.split).sort(),
      ['replacement', ...Array(20).fill('val')],
      "K400 val parts are random: all are candidates, and so is the replacement archive, which may hold any K400 clip",
    );
    assert.ok(plan.shards.every((shard) => shard.bytes !== null && shard.bytes > 0));
    assert.equal(plan.bytesToDownload, plan.shards.reduce((sum, shard) => sum + shard.bytes!, 0));
    assert.ok(server.log.every((entry) => entry.method === 'HEAD'));
    assert.equal(server.log.length, plan.shards.length);
    const cached = await queryAll<{ n: number }>(db, 'SELECT count(*) n FROM shards WHERE bytes IS NOT NULL');
    assert.equal(cached[0]!.n, plan.shards.length);
    server.log.length = 0;
    await cli('plan', 'mixed', '--json');
    assert.equal(server.log.length, 0, 'a second plan asks the source nothing');
  });

  test('fetch through 500, 429, a reset and a short body: every clip on disk, only planned shards requested', async () => {
    const plan = JSON.parse((await cli('plan', 'mixed', '--json')).stdout) as PlanJson;
    const planned = new Set(plan.shards.map(shardPath));
    server.fail('700_2020/val/k700_val_001.tar.gz', '500');
    server.fail('700_2020/val/k700_val_004.tar.gz', '429');
    server.fail('600/val/tying knot (not on a tie).tar.gz', 'reset');
    server.fail('400/val/part_0.tar.gz', 'short');
    server.fail('400/val/part_2.tar.gz', 'wrong-length');
    server.log.length = 0;
    const result = await cli('fetch', 'mixed', '--jobs', '3', '--json');
    assert.equal(result.code, 0, result.stderr);
    const summary = JSON.parse(result.stdout) as { stillMissing: number; extracted: number };
    assert.equal(summary.stillMissing, 0);

    for (const entry of server.log) assert.ok(planned.has(entry.path), `requested only planned shards, not ${entry.path}`);
    const resumed = server.requestsFor('600/val/tying knot (not on a tie).tar.gz');
    assert.deepEqual(resumed.map((entry) => entry.status), [200, 206]);
    assert.match(resumed[1]!.range!, /^bytes=[1-9]\d*-$/, 'the second request resumes where the first stopped');
    assert.deepEqual(server.requestsFor('700_2020/val/k700_val_001.tar.gz').map((entry) => entry.status), [500, 200]);

    const clips = await queryAll<{ status: string; path: string; version: string }>(
      db,
      "SELECT c.status, c.path, c.version FROM subset_clips s JOIN clips c USING (version, split, clip_key) WHERE s.subset = 'mixed'",
    );
    assert.equal(clips.length, 3 * 3 + 3 * 3 + 3, 'three classes in K400 and K700-2020, one in the sample K600 val');
    for (const clip of clips) {
      assert.equal(clip.status, 'ok', JSON.stringify(clip));
      // A clip of two versions (K400 and K700-2020 share 198 val clips) is served by one file, in either folder.
      assert.match(clip.path.slice(join(home, 'videos').length), /^\/(k400|k600|k700-2020)\/val\//, clip.path);
      assert.ok(!/\s/.test(clip.path.slice(home.length)), `no whitespace in the tool's layout: ${clip.path}`);
      assert.ok(existsSync(clip.path));
    }
    const states = await queryAll<{ state: string; n: number }>(
      db,
      "SELECT state, count(*) n FROM shards WHERE version || '/' || split || '/' || name IN (SELECT value FROM json_each(?)) GROUP BY state",
      JSON.stringify(plan.shards.map((shard) => `${shard.version}/${shard.split}/${shard.name}`)),
    );
    assert.ok(states.every((row) => row.state === 'extracted' || row.state === 'remote'), JSON.stringify(states));
    const [members] = await queryAll<{ n: number }>(db, "SELECT count(*) n FROM shard_members WHERE shard = 'k700_val_001.tar.gz'");
    assert.ok(members!.n > 3, 'every member of a streamed shard is recorded, kept or not');
    assert.ok(!existsSync(join(home, 'archives', 'k700-2020', 'val', 'k700_val_001.tar.gz')), 'archives are deleted unless kept');
  });

  test('a shard the source lacks fails alone, exit ≠ 0; a kept archive is used by later plans instead of downloading', async () => {
    assert.equal((await cli('subset', 'create', 'more', '--version', 'k700-2020', '--split', 'val', '--class', 'situp', '--class', 'skateboarding', '--per-class', '2')).code, 0);
    const plan = JSON.parse((await cli('plan', 'more', '--json')).stdout) as PlanJson;
    const [missing, kept] = plan.shards;
    renameSync(join(bucket, shardPath(missing!)), join(bucket, 'hidden.tar.gz'));
    try {
      const result = await cli('fetch', 'more', '--keep-archives');
      assert.equal(result.code, 1);
      assert.match(result.stderr, new RegExp(`absent +k700-2020/val/${missing!.name}: not in the source \\(HTTP 404`));
      const [failed] = await queryAll<{ state: string; error: string }>(db, 'SELECT state, error FROM shards WHERE name = ?', missing!.name);
      assert.equal(failed!.state, 'absent', 'remembered: not asked for again until --retry-absent');
      assert.match(failed!.error, /404/);
      const archive = join(home, 'archives', 'k700-2020', 'val', kept!.name);
      assert.deepEqual(readFileSync(archive), readFileSync(join(bucket, shardPath(kept!))));
    } finally {
      renameSync(join(bucket, 'hidden.tar.gz'), join(bucket, shardPath(missing!)));
    }
    assert.equal((await cli('subset', 'create', 'again', '--version', 'k700-2020', '--split', 'val', '--class', kept!.name === plan.shards[1]!.name ? 'skateboarding' : 'situp', '--per-class', '5', '--seed', '99')).code, 0);
    const again = JSON.parse((await cli('plan', 'again', '--json')).stdout) as PlanJson;
    const fromArchive = again.shards.find((shard) => shard.name === kept!.name);
    assert.ok(fromArchive?.archive, JSON.stringify(again.shards));
    assert.equal(again.bytesToDownload, 0);
    server.log.length = 0;
    assert.equal((await cli('fetch', 'again')).code, 0);
    assert.equal(server.requestsFor(shardPath(kept!)).length, 0, 'the kept archive is read instead');
  });

  test('a stale part file and a server that ignores Range: the download starts over and still completes', async () => {
    assert.equal((await cli('subset', 'create', 'restart', '--version', 'k700-2020', '--split', 'val', '--class', 'pushing cart', '--per-class', '2')).code, 0);
    const plan = JSON.parse((await cli('plan', 'restart', '--json')).stdout) as PlanJson;
    const [shard] = plan.shards;
    const part = join(home, 'archives', 'k700-2020', 'val', `${shard!.name}.part`);
    mkdirSync(join(part, '..'), { recursive: true });
    writeFileSync(part, Buffer.alloc(300, 7)); // bytes of some other file
    server.fail(shardPath(shard!), 'ignore-range');
    const result = await cli('fetch', 'restart');
    assert.equal(result.code, 0, result.stderr);
    const statuses = await queryAll<{ status: string }>(db, "SELECT c.status FROM subset_clips s JOIN clips c USING (version, split, clip_key) WHERE s.subset = 'restart'");
    assert.deepEqual(statuses.map((row) => row.status), ['ok', 'ok']);
    const gets = server.requestsFor(shardPath(shard!)).filter((entry) => entry.method === 'GET');
    assert.deepEqual(gets.map((entry) => [entry.status, entry.range !== undefined]), [[200, true], [200, false]], 'asked to resume, got everything, started over');
  });

  test('a part file that holds the whole shard (a run stopped after its last byte) is used as it is: nothing downloaded again', async () => {
    assert.equal((await cli('subset', 'create', 'whole-part', '--version', 'k700-2020', '--split', 'val', '--class', 'abseiling', '--per-class', '2')).code, 0);
    const plan = JSON.parse((await cli('plan', 'whole-part', '--json')).stdout) as PlanJson;
    const [shard] = plan.shards;
    const part = join(home, 'archives', 'k700-2020', 'val', `${shard!.name}.part`);
    mkdirSync(join(part, '..'), { recursive: true });
    writeFileSync(part, readFileSync(join(bucket, shardPath(shard!))));
    const result = await cli('fetch', 'whole-part', '--json');
    assert.equal(result.code, 0, result.stderr);
    assert.equal((JSON.parse(result.stdout) as { transferredBytes: number }).transferredBytes, 0);
    const gets = server.requestsFor(shardPath(shard!)).filter((entry) => entry.method === 'GET');
    assert.deepEqual(gets.map((entry) => [entry.status, entry.range]), [[416, `bytes=${shard!.bytes}-`]], 'asked for the rest, told there is none, done');
    const statuses = await queryAll<{ status: string }>(db, "SELECT c.status FROM subset_clips s JOIN clips c USING (version, split, clip_key) WHERE s.subset = 'whole-part'");
    assert.deepEqual(statuses.map((row) => row.status), ['ok', 'ok']);
    assert.equal(existsSync(part), false);
  });

  test("a numbered shard whose members show another class corrects the catalog's label", async () => {
    const pair = await queryAll<{ name: string; label: string }>(
      db,
      "SELECT name, label FROM shards WHERE version = 'k700-2020' AND split = 'val' AND label IN ('photobombing', 'jumping jacks') AND members_known = 0 ORDER BY name",
    );
    assert.equal(pair.length, 2);
    const [a, b] = pair.map((shard) => join(bucket, '700_2020/val', shard.name));
    const swap = join(bucket, 'swap.tar.gz');
    renameSync(a!, swap);
    renameSync(b!, a!);
    renameSync(swap, b!);
    try {
      const indexed = await cli('shards', 'index', '--version', 'k700-2020', '--split', 'val');
      assert.equal(indexed.code, 0, 'shards the sample bucket lacks are learned to be absent, not failures');
      assert.match(indexed.stderr, /shards? indexed, [\d,]+ members? learned, (.*, )?[\d,]+ not in the source\n$/);
      const labels = await queryAll<{ name: string; label: string }>(
        db,
        'SELECT name, label FROM shards WHERE version = ? AND split = ? AND name IN (?, ?) ORDER BY name',
        'k700-2020',
        'val',
        pair[0]!.name,
        pair[1]!.name,
      );
      assert.deepEqual(labels, [
        { name: pair[0]!.name, label: pair[1]!.label },
        { name: pair[1]!.name, label: pair[0]!.label },
      ]);
    } finally {
      renameSync(a!, swap);
      renameSync(b!, a!);
      renameSync(swap, b!);
    }
  });
});
