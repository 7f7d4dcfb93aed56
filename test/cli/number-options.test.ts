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
    [['subset', 'create', 't', '--limit=-1'], /^kinetics: --limit takes a whole number ≥ 1, not "-1"$/],
    [['subset', 'create', 't', '--per-class', '0'], /^kinetics: --per-class takes a whole number ≥ 1, not "0"$/],
    [['subset', 'create', 't', '--sql', 'select 1', '--version', 'k400'], /^kinetics: --sql picks the clips itself: put --version in its WHERE/],
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

test('usage errors say what was typed: a global option without its value, a value given twice, an unknown command or action', async () => {
  const cases: [string[], RegExp][] = [
    [['status', '--home'], /^kinetics: --home needs a value\nusage: kinetics status/],
    [['plan', 's', '--db'], /^kinetics: --db needs a value\nusage: kinetics plan/],
    [['status', '--version', 'k400', '--version', 'k600'], /^kinetics: --version is given twice \("k400" and "k600"\); it takes one value/],
    [['subset', 'create', 't', '--limit', '-7'], /^kinetics: --limit needs a value; one that starts with a dash is written --limit=-7/],
    [['status', '--frobnicate'], /^kinetics: unknown option --frobnicate for status\n/],
    [['help', 'statsu'], /^kinetics: unknown command "statsu" \(did you mean status\?\)/],
    [['subset', 'creat', 'x'], /^kinetics: subset takes create, split, list, show, drop \(did you mean create\?\)/],
    [['shards', 'lst'], /^kinetics: shards takes list, index, export-index, import-index \(did you mean list\?\)/],
    [['shards', 'list', '--jobs', '3'], /^kinetics: --jobs is for shards index, not shards list/],
    [['shards', 'index', '--csv'], /^kinetics: --csv is for shards list, not shards index/],
    [['subset', 'create', 't', '--version', 'k400', '--csv'], /^kinetics: --csv is for subset list and show; create prints a summary/],
    [['plan', 's', '--format', 's5cmd', '--csv'], /^kinetics: --format s5cmd writes its own input file; --csv is for the plan's rows/],
    [['export', 's', '--format', 'csv', '--out', 'x', '--copy'], /^kinetics: --copy is for --format tree, fiftyone or hf/],
    [['export', 's', '--format', 'csv', '--out', 'x', '--class-names', 'torchvision'], /^kinetics: --class-names is for --format tree/],
    [['export', 's', '--format', 'csv', '--out', '-'], /^kinetics: --out names a folder \(an export is several files\), not - \(stdout\)/],
    [['overlap', '--train', 'k401:train', '--eval', 'k400:val'], /^kinetics: unknown version "k401" \(did you mean k400\?\); one of k400, k600, k700-2020 \(in "k401:train"\)/],
    [['query', '@class-count'], /^kinetics: no named query @class-count \(did you mean @class-counts\?\)/],
    [['query', '@subset-status', '-p', 'subset', 'nope'], /^kinetics: no subset "nope"/],
  ];
  for (const [args, message] of cases) {
    const result = await runCli([...args, '--home', home]);
    assert.equal(result.code, 64, `${args.join(' ')}: ${result.stderr}`);
    assert.match(result.stderr, message, args.join(' '));
    assert.equal(result.stdout, '', args.join(' '));
  }
});

test('one-shot summaries as JSON: subset create and drop, export; words agree with their counts; plan rows carry bytes as numbers', async () => {
  const created = await runCli(['subset', 'create', 'one', '--version', 'k400', '--split', 'val', '--limit', '1', '--json', '--home', home]);
  assert.equal(created.code, 0, created.stderr);
  assert.deepEqual(JSON.parse(created.stdout), { subset: 'one', clips: 1, notes: [] });
  const said = await runCli(['subset', 'create', 'one', '--version', 'k400', '--split', 'val', '--limit', '1', '--replace', '--home', home]);
  assert.equal(said.stderr, 'subset one: 1 clip\n');
  const plan = await runCli(['plan', 'one', '--table', '--home', home]);
  assert.match(plan.stdout, /subset one: 1 clip, 0 already on disk, 1 to fetch from \d+ shards?;/);
  const planCsv = await runCli(['plan', 'one', '--csv', '--home', home]);
  for (const row of planCsv.stdout.trim().split('\n').slice(1)) assert.match(row, /^k400,\w+,[^,]+,,\d+,\d+,/, 'bytes are a number for whatever reads the rows');
  const dropped = await runCli(['subset', 'drop', 'one', '--json', '--home', home]);
  assert.deepEqual(JSON.parse(dropped.stdout), { dropped: 'one' });
  const out = join(tempDir(), 'out');
  const exported = await runCli(['export', 's', '--format', 'csv', '--include-missing', '--out', out, '--json', '--home', home]);
  assert.equal(exported.code, 0, exported.stderr);
  const summary = JSON.parse(exported.stdout) as { out: string; listed: number };
  assert.equal(summary.out, out);
  assert.equal(summary.listed, 3);
  assert.equal(exported.stderr, '');
});
