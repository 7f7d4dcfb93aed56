import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { type PathListEntry, parsePathList } from '../../src/ingest/parsers/path-list.js';
import { DirectorySource } from '../../src/sources/directory-source.js';
import { HttpSource } from '../../src/sources/http-source.js';
import { ingestInto, queryAll } from '../helpers/catalog.js';
import { streamOf } from '../helpers/collect.js';
import { runCli } from '../helpers/run-cli.js';
import { copyOfSampleBucket, tempDir } from '../helpers/temp.js';

async function entries(text: string, folder = '600/train'): Promise<PathListEntry[]> {
  const found: PathListEntry[] = [];
  await parsePathList(streamOf(text), 'list.txt', folder, (entry) => found.push(entry));
  return found;
}

test('URLs with literal spaces, parentheses and quotes become bucket paths and file names', async () => {
  const found = await entries(
    "https://s3.amazonaws.com/kinetics/600/train/acting in play.tar.gz\n\nhttps://s3.amazonaws.com/kinetics/600/train/petting animal (not cat).tar.gz\r\nhttps://s3.amazonaws.com/kinetics/600/train/passing American football (in game).tar.gz\nhttps://s3.amazonaws.com/kinetics/600/train/tasting food%27s.tar.gz\n",
  );
  assert.deepEqual(
    found.map((entry) => entry.path),
    [
      '600/train/acting in play.tar.gz',
      '600/train/petting animal (not cat).tar.gz',
      '600/train/passing American football (in game).tar.gz',
      "600/train/tasting food's.tar.gz",
    ],
  );
  assert.equal(found[1]!.name, 'petting animal (not cat).tar.gz');
});

test('rebased onto an HTTP mirror, names are percent-encoded; onto a directory, a plain path', () => {
  const http = new HttpSource('http://127.0.0.1:9/kinetics/');
  assert.equal(http.locate("600/train/bob's (x) y.tar.gz"), "http://127.0.0.1:9/kinetics/600/train/bob's%20(x)%20y.tar.gz");
  assert.equal(new DirectorySource('/data/bucket').locate('600/train/acting in play.tar.gz'), '/data/bucket/600/train/acting in play.tar.gz');
});

test('a line that is not a CVDF shard URL stops the file with its line number', async () => {
  await assert.rejects(entries('https://s3.amazonaws.com/kinetics/400/train/part_0.tar.gz\nftp://elsewhere/part_1.tar.gz\n', '400/train'), /list\.txt:2: expected a URL under https:\/\/s3\.amazonaws\.com\/kinetics\//);
  await assert.rejects(entries('https://s3.amazonaws.com/kinetics/400/readme.md\n', '400'), /list\.txt:1: expected a \.tar\.gz shard URL/);
});

test('an empty list, or one of blank lines, is refused at line 1; re-ingested, the split keeps the shards it had', async () => {
  await assert.rejects(entries(''), /^InputError: list\.txt:1: expected one shard URL a line, found an empty file$/);
  await assert.rejects(entries('\n \r\n'), /list\.txt:1: expected one shard URL a line, found only blank lines$/);

  const bucket = copyOfSampleBucket();
  const db = join(tempDir(), 'catalog.db');
  await ingestInto(db, bucket);
  const shards = "SELECT count(*) n FROM shards WHERE version = 'k400' AND split = 'val'";
  const before = await queryAll<{ n: number }>(db, shards);
  assert.ok(before[0]!.n > 0);
  writeFileSync(join(bucket, '400', 'val', 'k400_val_path.txt'), '');
  const result = await runCli(['ingest', '--source', bucket, '--db', db]);
  assert.equal(result.code, 65, result.stderr);
  assert.match(result.stderr, /400\/val\/k400_val_path\.txt:1: expected one shard URL a line, found an empty file/);
  assert.deepEqual(await queryAll(db, shards), before);
});

test('a URL outside the list\'s own folder is refused: ..-segments, encoded or not, another split or version, a NUL', async () => {
  const urls = [
    'https://s3.amazonaws.com/kinetics/400/val/../../../../etc/passwd.tar.gz',
    'https://s3.amazonaws.com/kinetics/400/val/%2e%2e/%2E%2E/secret.tar.gz',
    'https://s3.amazonaws.com/kinetics/400/train/part_0.tar.gz',
    'https://s3.amazonaws.com/kinetics/700_2020/val/k700_val_001.tar.gz',
    'https://s3.amazonaws.com/kinetics/400/val/part_0%00.tar.gz',
    'https://s3.amazonaws.com/kinetics/400/val/..',
  ];
  for (const url of urls) {
    await assert.rejects(
      entries(`https://s3.amazonaws.com/kinetics/400/val/part_1.tar.gz\n${url}\n`, '400/val'),
      (error: Error) => error.message.startsWith(`list.txt:2: expected the URL of a shard in 400/val/, the list's own folder, found ${JSON.stringify(url)}`),
      url,
    );
  }
});
