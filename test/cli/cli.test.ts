import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { loadCommand } from '../../src/cli/main.js';
import { packageRoot } from '../../src/util/package-root.js';
import { queryAll } from '../helpers/catalog.js';
import { runCli } from '../helpers/run-cli.js';
import { copyOfSampleBucket, tempDir } from '../helpers/temp.js';

test('demo (npm start): ingests the sample bucket into --home and prints the split summary', async () => {
  const home = tempDir();
  const result = await runCli(['demo', '--home', home]);
  assert.equal(result.code, 0, result.stderr);
  assert.ok(existsSync(join(home, 'catalog.db')));
  const [k700Val] = await queryAll<{ n: number }>(join(home, 'catalog.db'), "SELECT count(*) n FROM clips WHERE version = 'k700-2020' AND split = 'val'");
  assert.match(result.stdout, new RegExp(`k700-2020\\s+val\\s+${k700Val!.n}\\s`));
  assert.match(result.stdout, /countix\s+test\s+40\s/);
  assert.match(result.stderr, /24 loaded/);
  assert.match(result.stdout, /B to read from the source folder/);
  assert.match(result.stdout, /clips extracted from \d+ shards .*, read in place from the bucket folder; \d+ clips still missing/, 'a folder bucket is not downloaded');
});

test('the demo refuses a catalog ingested from another source, and runs again over its own', async () => {
  const home = tempDir();
  const elsewhere = copyOfSampleBucket();
  assert.equal((await runCli(['ingest', '--source', elsewhere, '--no-downstream', '--home', home])).code, 0);
  const before = readFileSync(join(home, 'catalog.db'));
  const refused = await runCli(['demo'], { env: { KINETICS_HOME: home } });
  assert.equal(refused.code, 64);
  assert.match(refused.stderr, /holds a catalog ingested from .*; the demo would load the sample bucket over it/);
  assert.deepEqual(readFileSync(join(home, 'catalog.db')), before);
  const own = tempDir();
  assert.equal((await runCli(['demo', '--home', own])).code, 0);
  assert.equal((await runCli(['demo', '--home', own])).code, 0, 'a second demo over the demo catalog');
});

test('KINETICS_HOME and --db choose the catalog; unknown commands and options are usage errors', async () => {
  const home = tempDir();
  const missing = await runCli(['query', 'select 1'], { env: { KINETICS_HOME: home } });
  assert.equal(missing.code, 66);
  assert.match(missing.stderr, new RegExp(`no catalog at ${join(home, 'catalog.db')}; run \`kinetics ingest\` first`));
  const unknown = await runCli(['frobnicate']);
  assert.equal(unknown.code, 64);
  assert.match(unknown.stderr, /unknown command "frobnicate"/);
  const badOption = await runCli(['ingest', '--sauce', 'x']);
  assert.equal(badOption.code, 64);
  assert.match(badOption.stderr, /^kinetics: unknown option --sauce for ingest \(did you mean --[a-z-]+\?\)\nusage: kinetics ingest/);
  const badVersion = await runCli(['ingest', '--versions', 'k500', '--db', join(home, 'x.db'), '--source', home]);
  assert.equal(badVersion.code, 64);
  assert.match(badVersion.stderr, /unknown version "k500"; one of k400, k600, k700-2020/, 'k400 and k600 are as near: neither is guessed');
  const badFormat = await runCli(['export', 'x', '--format', 'mmaction2', '--out', join(home, 'out'), '--db', join(home, 'x.db')]);
  assert.equal(badFormat.code, 64);
  assert.match(badFormat.stderr, /^kinetics: unknown format "mmaction2" \(did you mean mmaction\?\); one of csv, jsonl, mmaction, /);
  const before = await runCli(['--home', home, 'status', '--json']);
  assert.equal(before.code, 66, 'global options may come before the command');
  assert.match(before.stderr, new RegExp(`no catalog at ${join(home, 'catalog.db')}`));
  const help = await runCli(['--help']);
  assert.equal(help.code, 0);
  assert.match(help.stdout, /ingest\s+load every version/);
  assert.match(help.stdout, /^get data:\n  ingest .*\n[\s\S]*^ask:\n  query [\s\S]*^select and use:\n  subset /m, 'commands grouped by task');
  const listed = [...help.stdout.matchAll(/^ {2}([a-z]+) {2,}/gm)].map((match) => match[1]!);
  for (const name of listed) {
    const [viaHelp, viaFlag] = await Promise.all([runCli(['help', name]), runCli([name, '--help'])]);
    assert.equal(viaHelp.stdout, viaFlag.stdout, `help ${name}`);
    assert.match(viaHelp.stdout, new RegExp(`^usage: kinetics ${name}`));
    assert.match(viaHelp.stdout, /^environment:\n {2}KINETICS_PROGRESS_SECONDS .*\n {2}KINETICS_HTTP_TIMEOUT .*\n {2}KINETICS_BUSY_WAIT /m, `help ${name} names the variables it reads`);
    // Every option the command parses is in its help, with a description, from the one declaration.
    const command = await loadCommand(name);
    const described = new Map([...viaHelp.stdout.matchAll(/^ {2}(?:-\w, )?--([a-z-]+)(?: \S+)*? {2,}(\S.*)$/gm)].map((match) => [match[1]!, match[2]!]));
    assert.deepEqual([...described.keys()].sort(), [...Object.keys(command.options), 'home', 'db', 'help'].sort(), name);
  }
  const version = JSON.parse(readFileSync(join(packageRoot, 'package.json'), 'utf8')) as { version: string };
  for (const flag of ['-V', '--version']) assert.equal((await runCli([flag])).stdout, `${version.version}\n`);
});

test('an unreadable number of seconds in the environment is a usage error before the command runs; empty is the default', async () => {
  const home = tempDir();
  for (const [name, value] of [['KINETICS_BUSY_WAIT', '2s'], ['KINETICS_BUSY_WAIT', '-5'], ['KINETICS_HTTP_TIMEOUT', '0'], ['KINETICS_PROGRESS_SECONDS', '86401']]) {
    const refused = await runCli(['ingest', '--source', copyOfSampleBucket(), '--home', home], { env: { [name!]: value } });
    assert.equal(refused.code, 64, refused.stderr);
    assert.match(refused.stderr, new RegExp(`^kinetics: ${name} must be a number of seconds above 0 and at most \\d+ \\(such as 30 or 2\\.5\\), found "${value}"\n$`));
    assert.equal(existsSync(join(home, 'catalog.db')), false, 'nothing ran');
  }
  const unset = await runCli(['ingest', '--source', copyOfSampleBucket(), '--home', home, '--no-downstream', '-q'], { env: { KINETICS_BUSY_WAIT: '' } });
  assert.equal(unset.code, 0, unset.stderr);
});

test('commands that need an ingested catalog refuse a --home without one (exit 66) and create nothing there', async () => {
  const home = join(tempDir(), 'mistyped');
  for (const args of [
    ['plan', 'x'],
    ['fetch', 'x'],
    ['subset', 'create', 'x', '--version', 'k400'],
    ['subset', 'list'],
    ['shards', 'index'],
    ['scan'],
    ['status'],
  ]) {
    const result = await runCli([...args, '--home', home]);
    assert.equal(result.code, 66, `${args.join(' ')}: ${result.stderr}`);
    assert.match(result.stderr, /no catalog at .*mistyped.*catalog\.db; run `kinetics ingest` first/);
  }
  assert.ok(!existsSync(home), 'nothing was created under the mistyped home');
  // A first ingest that loads nothing leaves no catalog that later commands could take for an ingested one.
  const unreachable = await runCli(['ingest', '--source', 'http://127.0.0.1:9', '--home', home]);
  assert.equal(unreachable.code, 69, unreachable.stderr);
  assert.ok(!existsSync(join(home, 'catalog.db')));
  assert.equal((await runCli(['status', '--home', home])).code, 66);
  // Folders named on the command line can be recorded before any ingest.
  const scanned = await runCli(['scan', tempDir(), '--home', home]);
  assert.equal(scanned.code, 0, scanned.stderr);
});

test('a file named on the command line that is missing, a folder, or in the way: one line naming it, a sysexits code', async () => {
  const home = tempDir();
  assert.equal((await runCli(['ingest', '--source', copyOfSampleBucket(), '--no-downstream', '--home', home])).code, 0);
  assert.equal((await runCli(['subset', 'create', 'few', '--version', 'k400', '--split', 'val', '--limit', '3', '--home', home])).code, 0);
  const nowhere = join(tempDir(), 'nowhere.txt');
  const aFile = join(home, 'catalog.db');
  for (const [args, code, message] of [
    [['subset', 'create', 'x', '--version', 'k400', '--classes-file', nowhere], 66, `${nowhere}: no such file or folder`],
    [['subset', 'create', 'x', '--version', 'k400', '--classes-file', home], 66, `${home}: is a folder, where a file is expected`],
    [['export', 'few', '--format', 'csv', '--out', join(tempDir(), 'out'), '--label-map', nowhere], 66, `${nowhere}: no such file or folder`],
    [['export', 'few', '--format', 'csv', '--out', join(tempDir(), 'out'), '--label-map', home], 66, `${home}: is a folder, where a file is expected`],
    [['export', 'few', '--format', 'csv', '--out', aFile], 73, `${aFile}: is a file, where a folder is expected`],
    [['shards', 'import-index', nowhere], 66, `${nowhere}: no such file or folder`],
    [['shards', 'import-index', home], 66, `${home}: is a folder`],
  ] as const) {
    const result = await runCli([...args, '--home', home]);
    assert.equal(result.code, code, `${args.join(' ')}: ${result.stderr}`);
    assert.equal(result.stderr.trim().split('\n').length, 1, result.stderr);
    assert.ok(result.stderr.includes(message), result.stderr);
  }
  const exported = join(tempDir(), 'new', 'folder', 'index.tsv');
  assert.equal((await runCli(['shards', 'export-index', exported, '--home', home])).code, 0, 'the folders of an index file are made');
  assert.ok(existsSync(exported));
});

test('ingest of a malformed file: file and line, exit 65, and what to do about it', async () => {
  const bucket = copyOfSampleBucket();
  const csv = join(bucket, '400', 'annotations', 'val.csv');
  const lines = readFileSync(csv, 'utf8').split('\n');
  lines[2] = lines[2]!.replace(/,(\d+),(\d+),/, ',thirty,$2,');
  writeFileSync(csv, lines.join('\n'));
  const result = await runCli(['ingest', '--source', bucket, '--versions', 'k400', '--no-downstream', '--home', tempDir()]);
  assert.equal(result.code, 65);
  assert.match(result.stderr, /failed +\S*400\/annotations\/val\.csv:3: expected a whole number for time_start, found "thirty"/);
  assert.match(result.stderr, /each failed file left the catalog as it was before it .*; fix it and run ingest again/);
});
