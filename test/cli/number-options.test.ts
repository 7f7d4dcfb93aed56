import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { before, test } from 'node:test';
import { ingestInto } from '../helpers/catalog.js';
import { runCli } from '../helpers/run-cli.js';
import { sampleBucket, tempDir } from '../helpers/temp.js';

const home = tempDir();
before(async () => {
  await ingestInto(join(home, 'catalog.db'), sampleBucket);
  assert.equal((await runCli(['subset', 'create', 's', '--version', 'k400', '--split', 'val', '--limit', '3', '--home', home])).code, 0);
});

test('every whole-number option refuses what is not one, in one line, exit 64, before doing anything', async () => {
  const cases: [string[], RegExp][] = [
    [['shards', 'index', '--jobs', 'x'], /^kinetics: --jobs takes a whole number ≥ 1, not "x"$/],
    [['fetch', 's', '--jobs', '0'], /^kinetics: --jobs takes a whole number ≥ 1, not "0"$/],
    [['extract', 's', '--jobs', '2.5'], /^kinetics: --jobs takes a whole number ≥ 1, not "2.5"$/],
    [['slurm', 's', '--tasks', '0'], /^kinetics: --tasks takes a whole number ≥ 1, not "0"$/],
    [['subset', 'create', 't', '--limit=-1'], /^kinetics: --limit takes a whole number, not "-1"$/],
    [['subset', 'create', 't', '--limit', '-1'], /^kinetics: --limit needs a value; one that starts with a dash is written --limit=-1$/],
    [['fetch', 's', '-j', '-1'], /^kinetics: --jobs needs a value; one that starts with a dash is written --jobs=-1$/],
    [['fetch', 's', '--json=yes'], /^kinetics: --json takes no value$/],
    [['status', '--shard'], /^kinetics: unknown option --shard for status \(did you mean --shards\?\)$/],
    [['subset', 'create', 't', '--seed', '1e3'], /^kinetics: --seed takes a whole number, not "1e3"$/],
    [['subset', 'split', 's', '--folds', 'two'], /^kinetics: --folds takes a whole number, not "two"$/],
  ];
  for (const [args, message] of cases) {
    const result = await runCli([...args, '--home', home]);
    assert.equal(result.code, 64, `${args.join(' ')}: ${result.stderr}`);
    assert.match(result.stderr.split('\n')[0]!, message, args.join(' '));
  }
  const list = await runCli(['subset', 'list', '--json', '--home', home]);
  assert.deepEqual((JSON.parse(list.stdout) as { name: string }[]).map((subset) => subset.name), ['s'], 'nothing was made');
});

test('every command that prints rows takes every output flag, and each writes what its readers parse', async () => {
  const listings = [
    ['status'],
    ['status', '--shards', '--version', 'k400'],
    ['classes', '--map', 'k400:k700-2020'],
    ['overlap', '--train', 'k700-2020:train', '--eval', 'k400:val'],
    ['plan', 's'],
    ['subset', 'list'],
    ['subset', 'show', 's'],
    ['files'],
    ['shards', 'list', '--version', 'k400'],
    ['query', 'select version, split, count(*) n from clips group by 1, 2'],
  ];
  for (const args of listings) {
    const outputs = new Map<string, string>();
    for (const flag of ['table', 'csv', 'tsv', 'json', 'nl', 'markdown']) {
      const result = await runCli([...args, `--${flag}`, '--home', home]);
      assert.equal(result.code, 0, `${args.join(' ')} --${flag}: ${result.stderr}`);
      outputs.set(flag, result.stdout);
    }
    const what = args.join(' ');
    assert.doesNotThrow(() => JSON.parse(outputs.get('json')!), what);
    const rows = outputs.get('nl')!.trim().split('\n').filter(Boolean);
    for (const line of rows) assert.equal(typeof JSON.parse(line), 'object', what);
    const csv = outputs.get('csv')!.trim().split('\n');
    const tsv = outputs.get('tsv')!.trim().split('\n');
    assert.equal(csv.length, rows.length + 1, `${what}: a header and a line a row, nothing else`);
    assert.equal(tsv.length, rows.length + 1, what);
    assert.equal(tsv[0], csv[0]!.replaceAll(',', '\t'), what);
    assert.match(outputs.get('markdown')!, /^\| /, what);
  }
});

test('fetch lists the first clips still missing without saying "missing" twice, and how many more there are', async () => {
  assert.equal((await runCli(['subset', 'create', 'k7', '--version', 'k700-2020', '--split', 'val', '--home', home])).code, 0);
  const fetched = await runCli(['fetch', 'k7', '--home', home]);
  assert.equal(fetched.code, 1);
  const missing = fetched.stderr.split('\n').filter((line) => line.startsWith('missing '));
  assert.equal(missing.length, 20);
  for (const line of missing) assert.match(line, /^missing {4}k700-2020\/val\/[\w-]{11}_\d{6}_\d{6}$/);
  const total = Number(/(\d+) clips still missing/.exec(fetched.stderr)![1]);
  assert.match(fetched.stderr, new RegExp(`^ {11}… and ${total - 20} more: \`kinetics status --subset k7\` counts them`, 'm'));
});

test('errors say what to do: versions in --map named, a source whose kinetics/ folder is the bucket suggested', async () => {
  const map = await runCli(['classes', '--map', 'k4:k7', '--home', home]);
  assert.equal(map.code, 64);
  assert.match(map.stderr, /^kinetics: unknown version "k4"; one of k400, k600, k700-2020 \(in --map k4:k7\)\n/);
  const parent = tempDir();
  mkdirSync(join(parent, 'kinetics', '400'), { recursive: true });
  const ingest = await runCli(['ingest', '--source', parent, '--home', tempDir()]);
  assert.equal(ingest.code, 69);
  assert.equal(ingest.stderr.split('\n').filter(Boolean).length, 1, 'one line, no list of missing files');
  assert.match(ingest.stderr, new RegExp(`its kinetics/ folder does: --source ${join(parent, 'kinetics')}`));
});
