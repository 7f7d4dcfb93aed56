import assert from 'node:assert/strict';
import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { ingestInto, queryAll } from '../helpers/catalog.js';
import { runCli } from '../helpers/run-cli.js';
import { sampleBucket, tempDir } from '../helpers/temp.js';

test('shards index learns random shards once; export-index / import-index share it; a bad line imports nothing', async () => {
  const [one, two] = [tempDir(), tempDir()];
  await ingestInto(join(one, 'catalog.db'), sampleBucket);
  await ingestInto(join(two, 'catalog.db'), sampleBucket);
  const indexed = await runCli(['shards', 'index', '--version', 'k400', '--split', 'val', '--home', one]);
  assert.equal(indexed.code, 0, indexed.stderr);
  const [k400Val] = await queryAll<{ n: number }>(join(one, 'catalog.db'), "SELECT count(*) n FROM clips WHERE version = 'k400' AND split = 'val'");
  assert.match(indexed.stderr, new RegExp(`20 shards indexed, ${k400Val!.n} members learned`));
  const members = `SELECT version, split, shard, clip_key, bytes FROM shard_members ORDER BY 1, 2, 3, 4`;
  const learned = await queryAll(join(one, 'catalog.db'), members);
  assert.equal(learned.length, k400Val!.n, 'every K400 val clip of the sample is in some part');

  const index = join(one, 'index.tsv');
  assert.equal((await runCli(['shards', 'export-index', index, '--home', one])).code, 0);
  assert.equal(readFileSync(index, 'utf8').split('\n')[0], 'version\tsplit\tshard\tclip_key\tbytes\tsha256');
  const bad = join(one, 'bad.tsv');
  appendFileSync(bad, readFileSync(index));
  appendFileSync(bad, 'k400\tval\tpart_999.tar.gz\tabcdefghijk_000000_000010\t5\t\n');
  const refused = await runCli(['shards', 'import-index', bad, '--home', two]);
  assert.equal(refused.code, 65);
  assert.match(refused.stderr, new RegExp(`bad\\.tsv:${learned.length + 2}: expected a shard this catalog knows, found k400/val/part_999\\.tar\\.gz`));
  assert.deepEqual(await queryAll(join(two, 'catalog.db'), members), []);

  const imported = await runCli(['shards', 'import-index', index, '--home', two]);
  assert.equal(imported.code, 0);
  assert.equal(imported.stderr, `${learned.length} members of 20 shards imported from ${index}\n`);
  assert.deepEqual(await queryAll(join(two, 'catalog.db'), members), learned);
  const again = await runCli(['shards', 'import-index', index, '--home', two]);
  assert.equal(again.stderr, `nothing new: the ${learned.length} members of 20 shards in ${index} were already known as listed\n`);
  const oneChanged = join(one, 'one-changed.tsv');
  const [header, first, ...rest] = readFileSync(index, 'utf8').split('\n');
  writeFileSync(oneChanged, [header, first!.replace(/\t(\d+)\t/, (_, bytes: string) => `\t${Number(bytes) + 1}\t`), ...rest].join('\n'));
  const partly = await runCli(['shards', 'import-index', oneChanged, '--home', two]);
  assert.equal(partly.stderr, `${learned.length} members of 20 shards imported from ${oneChanged} (19 of the shards already known as listed)\n`);
  const headerOnly = join(one, 'header-only.tsv');
  writeFileSync(headerOnly, `${header}\n`);
  assert.equal((await runCli(['shards', 'import-index', headerOnly, '--home', two])).stderr, `${headerOnly} lists no shard member: nothing imported\n`);
  assert.equal((await runCli(['shards', 'import-index', index, '--home', two])).code, 0);
  const [known] = await queryAll<{ n: number }>(join(two, 'catalog.db'), "SELECT count(*) n FROM shards WHERE members_known = 1 AND version = 'k400' AND split = 'val'");
  assert.equal(known!.n, 20);
  assert.equal((await runCli(['subset', 'create', 's', '--version', 'k400', '--split', 'val', '--limit', '3', '--home', two])).code, 0);
  const planned = JSON.parse((await runCli(['plan', 's', '--json', '--home', two])).stdout) as { shards: { discovery: boolean }[] };
  assert.ok(planned.shards.length <= 3 && planned.shards.every((shard) => !shard.discovery), 'with the index, no shard needs discovering');

  // `-` is stdout and stdin: an index piped from one catalog into another.
  const piped = await runCli(['shards', 'export-index', '-', '--home', one]);
  assert.equal(piped.stdout, readFileSync(index, 'utf8'));
  assert.match(piped.stderr, /^\d+ members written to stdout\n$/);
  const three = tempDir();
  await ingestInto(join(three, 'catalog.db'), sampleBucket);
  const fromStdin = await runCli(['shards', 'import-index', '-', '--home', three], { input: piped.stdout });
  assert.equal(fromStdin.code, 0, fromStdin.stderr);
  assert.match(fromStdin.stderr, /^\d+ members of 20 shards imported from stdin\n$/);
  assert.deepEqual(await queryAll(join(three, 'catalog.db'), members), learned);
});
