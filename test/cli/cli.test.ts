import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { queryAll } from '../helpers/catalog.js';
import { runCli } from '../helpers/run-cli.js';
import { tempDir } from '../helpers/temp.js';

test('demo (npm start): ingests the sample bucket into --home and prints the split summary', async () => {
  const home = tempDir();
  const result = await runCli(['demo', '--home', home]);
  assert.equal(result.code, 0, result.stderr);
  assert.ok(existsSync(join(home, 'catalog.db')));
  const [k700Val] = await queryAll<{ n: number }>(join(home, 'catalog.db'), "SELECT count(*) n FROM clips WHERE version = 'k700-2020' AND split = 'val'");
  assert.match(result.stdout, new RegExp(`k700-2020\\s+val\\s+${k700Val!.n}\\s`));
  assert.match(result.stdout, /countix\s+test\s+40\s/);
  assert.match(result.stderr, /24 loaded/);
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
  assert.match(badOption.stderr, /Unknown option '--sauce'/);
  const badVersion = await runCli(['ingest', '--versions', 'k500', '--db', join(home, 'x.db'), '--source', home]);
  assert.equal(badVersion.code, 64);
  assert.match(badVersion.stderr, /unknown version "k500"; versions are k400, k600, k700-2020/);
  const before = await runCli(['--home', home, 'status', '--json']);
  assert.equal(before.code, 66, 'global options may come before the command');
  assert.match(before.stderr, new RegExp(`no catalog at ${join(home, 'catalog.db')}`));
  const help = await runCli(['--help']);
  assert.equal(help.code, 0);
  assert.match(help.stdout, /ingest\s+load every version/);
});
