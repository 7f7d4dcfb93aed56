import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { BucketServer } from '../helpers/bucket-server.js';
import { runCli } from '../helpers/run-cli.js';
import { copyOfSampleBucket, tempDir } from '../helpers/temp.js';

const shard = '600/val/tying knot (not on a tie).tar.gz';

describe('bytes that are no archive are never replayed', () => {
  const bucket = copyOfSampleBucket();
  let server: BucketServer;
  before(async () => {
    server = await new BucketServer(bucket).start();
  });
  after(() => server.stop());

  async function homeWithSubset(): Promise<(...args: string[]) => ReturnType<typeof runCli>> {
    const home = tempDir();
    const cli = (...args: string[]) => runCli([...args, '--home', home]);
    assert.equal((await cli('ingest', '--source', server.url, '--versions', 'k600', '--no-downstream')).code, 0);
    assert.equal((await cli('subset', 'create', 'knots', '--version', 'k600', '--split', 'val', '--class', 'tying knot (not on a tie)')).code, 0);
    assert.equal((await cli('plan', 'knots')).code, 0);
    return Object.assign(cli, { home });
  }

  test('a server that sends an error page with 200: the shard fails, no part file stays, the next fetch downloads it afresh', async () => {
    const cli = await homeWithSubset();
    const home = (cli as unknown as { home: string }).home;
    server.fail(shard, 'garbage');
    const first = await cli('fetch', 'knots');
    assert.equal(first.code, 1, first.stderr);
    assert.match(first.stderr, /^failed {5}k600\/val\/tying knot \(not on a tie\)\.tar\.gz: not a readable tar archive/m, 'the shard named once');
    assert.ok(!existsSync(join(home, 'archives', 'k600', 'val', 'tying knot (not on a tie).tar.gz.part')), 'the junk is not kept to be replayed');
    server.log.length = 0;
    const second = await cli('fetch', 'knots', '--json');
    assert.equal(second.code, 0, second.stderr);
    assert.deepEqual(server.requestsFor(shard).map((entry) => [entry.method, entry.status, entry.range]), [['GET', 200, undefined]]);
  });

  test('a part file left by an earlier run that does not parse is discarded, said so, and the shard downloaded again', async () => {
    const cli = await homeWithSubset();
    const home = (cli as unknown as { home: string }).home;
    const folder = join(home, 'archives', 'k600', 'val');
    mkdirSync(folder, { recursive: true });
    writeFileSync(join(folder, 'tying knot (not on a tie).tar.gz.part'), '<html>502 Bad Gateway</html>');
    server.log.length = 0;
    const result = await cli('fetch', 'knots');
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stderr, /^notice {5}tying knot \(not on a tie\)\.tar\.gz: its part file from an earlier fetch did not parse .*; downloading it again$/m);
    // The junk's 28 bytes are too few for tar to judge, so the resume is asked for; once the bytes fail to parse, the
    // shard is downloaded again from byte 0.
    assert.deepEqual(server.requestsFor(shard).at(-1), { method: 'GET', path: shard, status: 200, range: undefined, ifNoneMatch: undefined });
    const again = await cli('fetch', 'knots');
    assert.equal(again.code, 0, again.stderr);
    assert.doesNotMatch(again.stderr, /notice/);
  });

  test('a part file that is a link is removed, never written through', async () => {
    const cli = await homeWithSubset();
    const home = (cli as unknown as { home: string }).home;
    const folder = join(home, 'archives', 'k600', 'val');
    mkdirSync(folder, { recursive: true });
    const victim = join(tempDir(), 'victim');
    writeFileSync(victim, 'victim\n');
    symlinkSync(victim, join(folder, 'tying knot (not on a tie).tar.gz.part'));
    const result = await cli('fetch', 'knots');
    assert.equal(result.code, 0, result.stderr);
    assert.equal(readFileSync(victim, 'utf8'), 'victim\n', 'the file the link named is untouched');
  });
});
