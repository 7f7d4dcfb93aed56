import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, test } from 'node:test';
import BetterSqlite3 from 'better-sqlite3';
import { ingestInto } from '../helpers/catalog.js';
import { cliEntry, runCli, tsxLoader } from '../helpers/run-cli.js';
import { sampleBucket, tempDir } from '../helpers/temp.js';

const home = tempDir();
const bin = tempDir();
let bashScript = '';

before(async () => {
  await ingestInto(join(home, 'catalog.db'), sampleBucket);
  assert.equal((await runCli(['subset', 'create', 'climbing-val', '--version', 'k400', '--split', 'val', '--limit', '2', '--home', home])).code, 0);
  // The `kinetics` the script calls back for subset names and named queries: this checkout, on this home.
  writeFileSync(join(bin, 'kinetics'), `#!/bin/sh\nKINETICS_HOME='${home}' exec '${process.execPath}' --import '${tsxLoader}' '${cliEntry}' "$@"\n`);
  chmodSync(join(bin, 'kinetics'), 0o755);
  bashScript = (await runCli(['completion', 'bash'])).stdout;
});

/** What bash offers for a command line whose last word is being typed, through the generated function. */
function complete(...words: string[]): string[] {
  const script = join(tempDir(), 'kinetics.bash');
  writeFileSync(script, bashScript);
  const line = words.map((word) => `'${word}'`).join(' ');
  const out = execFileSync('bash', ['-c', `source '${script}'; COMP_WORDS=(kinetics ${line}); COMP_CWORD=${words.length}; _kinetics; printf '%s\\n' "\${COMPREPLY[@]}"`], {
    encoding: 'utf8',
    env: { ...process.env, PATH: `${bin}:${process.env.PATH}` },
  });
  return out.split('\n').filter(Boolean).sort();
}

test('bash completion: commands, options of the command typed, versions, splits, formats, subset names, named queries', () => {
  assert.equal(execFileSync('bash', ['-n'], { input: bashScript }).length, 0, 'bash -n');
  assert.deepEqual(complete('fe'), ['fetch']);
  assert.deepEqual(complete('fetch', '--j'), ['--jobs', '--json']);
  assert.deepEqual(complete('status', '--version', 'k'), ['k400', 'k600', 'k700-2020']);
  assert.deepEqual(complete('shards', 'index', '--split', 're'), ['replacement']);
  assert.deepEqual(complete('plan', 'x', '--format', 'a'), ['aria2']);
  assert.deepEqual(complete('export', 'x', '--format', 'web'), ['webdataset']);
  assert.deepEqual(complete('plan', 'cl'), ['climbing-val']);
  assert.deepEqual(complete('subset', 'show', 'cl'), ['climbing-val']);
  assert.ok(complete('query', '@class').includes('@class-counts'));
  assert.deepEqual(complete('ingest', '--no'), ['--no-downstream'], 'a switch on by default is turned off with --no-');
  assert.deepEqual(complete('status', '--split', ''), ['holdout_test', 'test', 'train', 'val'], 'status takes annotation splits only');

  // Global options before the command; names asked of the catalog they name.
  const other = tempDir();
  assert.deepEqual(complete('--home', home, 'plan', 'cl'), ['climbing-val']);
  assert.deepEqual(complete('--home', home, 'status', '--sp'), ['--split']);
  assert.deepEqual(complete('--home', other, 'plan', 'cl'), [], 'another home holds no subset');
  assert.deepEqual(complete('plan', '--db', join(home, 'catalog.db'), 'cl'), ['climbing-val']);

  // A name that is code (stored by hand in a shared catalog) is never run by completion, nor offered.
  const trap = join(tempDir(), 'ran');
  const db = new BetterSqlite3(join(home, 'catalog.db'));
  db.prepare("INSERT INTO subsets (name, definition, created_at) VALUES (?, '{}', '')").run(`$(touch ${trap})`);
  db.close();
  assert.deepEqual(complete('plan', ''), ['climbing-val']);
  assert.ok(!existsSync(trap), 'the name was not run');
});

test('zsh loads the same function through bashcompinit; fish gets a complete line per command and option', async () => {
  const zsh = (await runCli(['completion', 'zsh'])).stdout;
  assert.match(zsh, /^# kinetics completion for zsh[\s\S]*\nautoload -U \+X bashcompinit && bashcompinit\n[\s\S]*complete -o default -F _kinetics kinetics\n$/);
  assert.equal(execFileSync('bash', ['-n'], { input: zsh.replace(/^autoload.*$/m, '') }).length, 0);
  const fish = (await runCli(['completion', 'fish'])).stdout.trim().split('\n');
  for (const line of fish) assert.match(line, /^(#|complete -c kinetics )/);
  assert.ok(fish.some((line) => line.includes("__fish_seen_subcommand_from fetch' -l jobs -s j -x -d 'shards streamed at once'")));
  const wrong = await runCli(['completion', 'powershell']);
  assert.equal(wrong.code, 64);
});
