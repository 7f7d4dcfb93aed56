import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { BucketServer } from '../helpers/bucket-server.js';
import { queryAll } from '../helpers/catalog.js';
import { spawnCli } from '../helpers/run-cli.js';
import { copyOfSampleBucket, tempDir } from '../helpers/temp.js';

// Child processes, so that the idle timeout (KINETICS_HTTP_TIMEOUT, read at start-up) can be one second.
const env = { KINETICS_HTTP_TIMEOUT: '1' };

describe('a server that accepts and then never answers', () => {
  const bucket = copyOfSampleBucket();
  let server: BucketServer;
  before(async () => {
    server = await new BucketServer(bucket).start();
  });
  after(() => server.stop());

  test('ingest: a stalled request is abandoned after the idle timeout and asked again; a file that always stalls fails alone', async () => {
    const home = tempDir();
    server.fail('400/annotations/val.csv', 'stall');
    server.fail('600/readme.md', ...Array<'stall'>(6).fill('stall'));
    const started = performance.now();
    const result = await spawnCli(['ingest', '--source', server.url, '--versions', 'k400,k600', '--no-downstream', '--home', home], { env });
    const seconds = (performance.now() - started) / 1000;
    assert.equal(result.code, 1, result.stderr);
    assert.ok(seconds < 45, `took ${seconds.toFixed(1)} s: stalls are cut after 1 s, not 300`);
    assert.match(result.stderr, /failed {5}[^\n]*600\/readme\.md[^\n]*\(after 6 tries; run the same command again later: what finished is kept\)\n/);
    assert.doesNotMatch(result.stderr, /^\s+at /m, 'no stack trace');
    assert.equal(server.requestsFor('400/annotations/val.csv').length, 2, 'asked again once');
    assert.equal(server.requestsFor('600/readme.md').length, 6, 'asked six times, then reported');
    const [loaded] = await queryAll<{ n: number }>(join(home, 'catalog.db'), "SELECT count(*) n FROM sources WHERE path = '400/annotations/val.csv'");
    assert.equal(loaded!.n, 1);
  });

  test('fetch: a body that stops coming is resumed with Range and completes', async () => {
    const home = tempDir();
    const cli = (...args: string[]) => spawnCli([...args, '--home', home], { env });
    assert.equal((await cli('ingest', '--source', server.url, '--versions', 'k600', '--no-downstream')).code, 0);
    assert.equal((await cli('subset', 'create', 'knots', '--version', 'k600', '--split', 'val', '--class', 'tying knot (not on a tie)')).code, 0);
    assert.equal((await cli('plan', 'knots')).code, 0, 'sizes asked (HEAD) and kept: the fault below meets the download');
    const shard = '600/val/tying knot (not on a tie).tar.gz';
    server.fail(shard, 'stall-body');
    const result = await cli('fetch', 'knots', '--json');
    assert.equal(result.code, 0, result.stderr);
    assert.equal((JSON.parse(result.stdout) as { stillMissing: number }).stillMissing, 0);
    const requests = server.requestsFor(shard).filter((entry) => entry.method === 'GET');
    assert.deepEqual(requests.map((entry) => entry.status), [200, 206]);
    assert.match(requests[1]!.range!, /^bytes=[1-9]\d*-$/);
  });
});
