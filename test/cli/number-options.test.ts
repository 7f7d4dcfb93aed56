import assert from 'node:assert/strict';
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
    [['status', '--tsv'], /^kinetics: unknown option --tsv for status \(did you mean --csv\?\)$/],
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
