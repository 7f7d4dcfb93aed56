import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { request } from 'undici';
import { BucketServer } from '../helpers/bucket-server.js';
import { ingestInto, newCatalogFile, queryAll } from '../helpers/catalog.js';
import { runCli } from '../helpers/run-cli.js';
import { copyOfSampleBucket } from '../helpers/temp.js';
import { Catalog } from '../../src/catalog/catalog.js';
import { ingest } from '../../src/ingest/ingest.js';
import { VERSIONS } from '../../src/sources/bucket-layout.js';
import { openSource } from '../../src/sources/open-source.js';

const bucket = copyOfSampleBucket();

describe('ingest over HTTP from a local bucket server', () => {
  let server: BucketServer;
  before(async () => {
    server = await new BucketServer(bucket).start();
  });
  after(() => server.stop());

  test('real undici, real tar.gz: everything loads; shard URLs rebase onto the server and fetch, spaces included', async () => {
    const file = newCatalogFile();
    const summary = await ingestInto(file, server.url);
    assert.equal(summary.exitCode, 0, JSON.stringify(summary.files.filter((f) => f.status !== 'loaded')));
    assert.equal(summary.loaded, 24);
    const [countix] = await queryAll<{ n: number }>(file, 'SELECT count(*) n FROM countix');
    assert.ok(countix!.n > 0);
    const [shard] = await queryAll<{ url: string }>(file, "SELECT url FROM shards WHERE name = 'acting in play.tar.gz' AND split = 'train'");
    assert.equal(shard!.url, `${server.url}/600/train/acting%20in%20play.tar.gz`);
    const [readme] = await queryAll<{ url: string }>(file, "SELECT ? || '/' || path AS url FROM sources WHERE path = '600/readme.md'", server.url);
    const response = await request(readme!.url);
    assert.equal(response.statusCode, 200);
    await response.body.dump();

    // Second run: every file is asked for with If-None-Match and answered 304, nothing is sent again.
    server.log.length = 0;
    const again = await ingestInto(file, server.url);
    assert.equal(again.unchanged, 24);
    assert.equal(server.log.length, 24);
    assert.ok(server.log.every((entry) => entry.status === 304 && entry.ifNoneMatch));

    // The same bytes under new ETags: each file is sent, found the same by its sha256 before any transaction (rows
    // deleted and inserted would count in total_changes even rolled back), and keeps its new ETag.
    const catalog = Catalog.open(file);
    const changesOf = async () => {
      const before = catalog.sqlite.prepare('SELECT total_changes()').pluck().get() as number;
      const summary = await ingest(catalog, { source: openSource(server.url), versions: VERSIONS, downstream: true });
      assert.equal(summary.unchanged, 24);
      return (catalog.sqlite.prepare('SELECT total_changes()').pluck().get() as number) - before;
    };
    const untouched = await changesOf();
    server.uploadAgainInParts();
    server.log.length = 0;
    assert.equal(await changesOf(), untouched + 24);
    assert.equal(server.log.length, 24);
    assert.ok(server.log.every((entry) => entry.status === 200), JSON.stringify(server.log.map((entry) => entry.status)));
    server.log.length = 0;
    assert.equal(await changesOf(), untouched);
    await catalog.close();
    assert.equal(server.log.length, 24);
    assert.ok(server.log.every((entry) => entry.status === 304 && /-2"$/.test(entry.ifNoneMatch ?? '')));
  });

  test('5xx and 429 are retried; a reset mid-body is resumed with Range and the file loads whole', async () => {
    const file = newCatalogFile();
    server.fail('400/annotations/val.csv', '500', '429');
    server.fail('700_2020/annotations/val.csv', 'reset');
    server.fail('400/annotations/test.csv', 'short');
    server.fail('600/annotations/test.csv', 'reset', '500');
    // A first answer that claims more bytes than the file has: asked for the rest, the server says it has no more.
    server.fail('700_2020/annotations/test.csv', 'wrong-length');
    const summary = await ingestInto(file, server.url);
    assert.equal(summary.exitCode, 0, JSON.stringify(summary.files.filter((outcome) => outcome.status !== 'loaded')));
    assert.deepEqual(server.requestsFor('400/annotations/val.csv').slice(-3).map((entry) => entry.status), [500, 429, 200]);
    for (const path of ['700_2020/annotations/val.csv', '400/annotations/test.csv']) {
      const requests = server.requestsFor(path).slice(-2);
      assert.deepEqual(requests.map((entry) => entry.status), [200, 206], path);
      assert.match(requests[1]!.range!, /^bytes=[1-9]\d*-$/, 'the rest, from where the cut came');
    }
    assert.deepEqual(server.requestsFor('700_2020/annotations/test.csv').slice(-2).map((entry) => entry.status), [200, 416]);
    const busy = server.requestsFor('600/annotations/test.csv').slice(-3);
    assert.deepEqual(busy.map((entry) => entry.status), [200, 500, 206], 'a 5xx to the request for the rest is asked again');
    const clean = newCatalogFile();
    await ingestInto(clean, bucket);
    const counts = 'SELECT version, split, count(*) n, count(DISTINCT label) labels FROM clips GROUP BY 1, 2 ORDER BY 1, 2';
    assert.deepEqual(await queryAll(file, counts), await queryAll(clean, counts), 'the same rows as from the files themselves');
  });

  test('a transfer cut short on a server that will not send the rest is not ingested; a later run loads it', async () => {
    const file = newCatalogFile();
    server.fail('700_2020/annotations/val.csv', 'reset', 'ignore-range');
    const summary = await ingestInto(file, server.url);
    const outcome = summary.files.find((candidate) => candidate.path === '700_2020/annotations/val.csv')!;
    assert.equal(outcome.status, 'failed');
    assert.match(outcome.error!, /^http:\/\/127\.0\.0\.1:\d+\/700_2020\/annotations\/val\.csv: the transfer was cut at byte \d+, and the server would not send the rest \(HTTP 200\)$/, 'the file named once');
    assert.notEqual(summary.exitCode, 0);
    const [partial] = await queryAll<{ n: number }>(file, "SELECT count(*) n FROM clips WHERE version = 'k700-2020' AND split = 'val'");
    assert.equal(partial!.n, 0, 'no partial file is visible');
    const retry = await ingestInto(file, server.url);
    assert.equal(retry.exitCode, 0);
    assert.deepEqual(retry.files.filter((candidate) => candidate.status === 'loaded').map((candidate) => candidate.path), ['700_2020/annotations/val.csv']);
  });

  test('a 404 is reported as missing and the exit code says not everything loaded', async () => {
    server.fail('700_2020/annotations/countix.tar.gz', '404');
    const result = await runCli(['ingest', '--source', server.url, '--db', newCatalogFile(), '--json']);
    assert.equal(result.code, 1, result.stderr);
    const summary = JSON.parse(result.stdout);
    assert.equal(summary.missing, 1);
    assert.equal(summary.files.find((f: { path: string }) => f.path === '700_2020/annotations/countix.tar.gz').status, 'missing');
  });
});

test('an unreachable source: one clear line naming it and --source, exit code 69', async () => {
  const closed = await new BucketServer(bucket).start();
  const url = closed.url;
  await closed.stop();
  const result = await runCli(['ingest', '--source', url, '--db', newCatalogFile()]);
  assert.equal(result.code, 69);
  const lines = result.stderr.trim().split('\n');
  assert.equal(lines.length, 1, result.stderr);
  assert.match(lines[0]!, new RegExp(`cannot reach the source ${url} \\(ECONNREFUSED\\)`));
  assert.match(lines[0]!, /--source/);
});
