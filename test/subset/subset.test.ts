import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, test } from 'node:test';
import { ingestInto, newCatalogFile, queryAll } from '../helpers/catalog.js';
import { runCli } from '../helpers/run-cli.js';
import { sampleBucket, tempDir } from '../helpers/temp.js';

const file = newCatalogFile();
const members = (name: string) =>
  queryAll<{ version: string; split: string; clip_key: string }>(file, 'SELECT version, split, clip_key FROM subset_clips WHERE subset = ? ORDER BY 1, 2, 3', name);

describe('kinetics subset', () => {
  before(async () => {
    await ingestInto(file, sampleBucket);
  });

  test('classes, splits, per-class cap and seed: deterministic for a seed, different for another', async () => {
    const create = (name: string, seed: string) =>
      runCli(['subset', 'create', name, '--version', 'k700-2020', '--split', 'val', '--class', 'air drumming', '--class', 'abseiling', '--per-class', '5', '--seed', seed, '--db', file]);
    assert.equal((await create('a', '7')).code, 0);
    assert.equal((await create('b', '7')).code, 0);
    assert.equal((await create('c', '8')).code, 0);
    const [a, b, c] = [await members('a'), await members('b'), await members('c')];
    assert.equal(a.length, 10);
    assert.deepEqual(a, b);
    assert.notDeepEqual(a, c);
    const labels = await queryAll<{ label: string; n: number }>(
      file,
      "SELECT label, count(*) n FROM subset_clips JOIN clips USING (version, split, clip_key) WHERE subset = 'a' GROUP BY label ORDER BY label",
    );
    assert.deepEqual(labels, [
      { label: 'abseiling', n: 5 },
      { label: 'air drumming', n: 5 },
    ]);
  });

  test('unknown class, version and split names are errors listing the closest valid names', async () => {
    const badClass = await runCli(['subset', 'create', 'x', '--version', 'k400', '--class', 'air drums', '--db', file]);
    assert.equal(badClass.code, 64);
    assert.match(badClass.stderr, /unknown class "air drums" in k400; closest: "air drumming"/);
    const badVersion = await runCli(['subset', 'create', 'x', '--version', 'k401', '--db', file]);
    assert.match(badVersion.stderr, /unknown version "k401" \(did you mean k400\?\); one of k400, k600, k700-2020/);
    const badSplit = await runCli(['subset', 'create', 'x', '--split', 'valid', '--db', file]);
    assert.match(badSplit.stderr, /unknown split "valid" \(did you mean val\?\); one of train, val, test/);
    const absentSplit = await runCli(['subset', 'create', 'x', '--version', 'k400', '--split', 'holdout_test', '--db', file]);
    assert.equal(absentSplit.code, 64);
    assert.match(absentSplit.stderr, /no clips of k400 in holdout_test; this catalog holds k400 test, k400 train, k400 val/);
    assert.deepEqual(await members('x'), []);
  });

  test('classes asked of a split without labels, and a --match that fits no class, are errors saying why', async () => {
    const unlabelled = await runCli(['subset', 'create', 'x', '--version', 'k700-2020', '--split', 'test', '--class', 'abseiling', '--db', file]);
    assert.equal(unlabelled.code, 64);
    assert.match(unlabelled.stderr, /^kinetics: k700-2020 test has no labels: --class picks no clip there$/m);
    const withLabelled = await runCli(['subset', 'create', 'x', '--version', 'k700-2020', '--split', 'test', '--split', 'val', '--class', 'abseiling', '--db', file]);
    assert.equal(withLabelled.code, 0, withLabelled.stderr);
    assert.equal((await runCli(['subset', 'drop', 'x', '--db', file])).code, 0);
    const otherCase = await runCli(['subset', 'create', 'x', '--version', 'k700-2020', '--match', '*Drumming*', '--db', file]);
    assert.equal(otherCase.code, 64);
    assert.match(otherCase.stderr, /--match "\*Drumming\*" fits no class of k700-2020; it minds case \(GLOB\): in another case it fits "air drumming"/);
    const none = await runCli(['subset', 'create', 'x', '--version', 'k700-2020', '--match', '*zzz*', '--db', file]);
    assert.match(none.stderr, /^kinetics: --match "\*zzz\*" fits no class of k700-2020$/m);
    // Fitted against the classes of the splits chosen, not of the whole version.
    const k600ValLabels = await queryAll<{ label: string }>(file, "SELECT DISTINCT label FROM clips WHERE version = 'k600' AND split = 'val' AND label IS NOT NULL");
    const elsewhereOnly = await queryAll<{ label: string }>(file, "SELECT DISTINCT label FROM clips WHERE version = 'k600' AND split = 'train' AND label NOT IN (SELECT label FROM clips WHERE version = 'k600' AND split = 'val' AND label IS NOT NULL) LIMIT 1");
    assert.ok(k600ValLabels.length > 0 && elsewhereOnly.length === 1);
    const notInVal = await runCli(['subset', 'create', 'x', '--version', 'k600', '--split', 'val', '--match', elsewhereOnly[0]!.label, '--db', file]);
    assert.equal(notInVal.code, 64);
    assert.match(notInVal.stderr, /fits no class of k600 val/);
    const tests = await runCli(['subset', 'create', 'x', '--version', 'k600', '--split', 'test', '--split', 'holdout_test', '--class', 'abseiling', '--db', file]);
    assert.match(tests.stderr, /^kinetics: k600 holdout_test, k600 test have no labels: --class picks no clip there$/m);
    assert.deepEqual(await members('x'), []);
  });

  test('a class some chosen versions lack is a note; a class only other versions have is an error naming them', async () => {
    const both = await runCli(['subset', 'create', 'split-classes', '--version', 'k400', '--version', 'k700-2020', '--split', 'val', '--class', 'hugging', '--class', 'photobombing', '--db', file]);
    assert.equal(both.code, 0, both.stderr);
    assert.match(both.stderr, /note: "hugging" is not a class of k700-2020: no clips of it from there/);
    assert.match(both.stderr, /note: "photobombing" is not a class of k400: no clips of it from there/);
    const versions = await queryAll<{ version: string }>(file, "SELECT DISTINCT version FROM subset_clips WHERE subset = 'split-classes' ORDER BY 1");
    assert.deepEqual(versions.map((row) => row.version), ['k400', 'k700-2020']);
    const elsewhere = await runCli(['subset', 'create', 'y', '--version', 'k400', '--class', 'photobombing', '--db', file]);
    assert.equal(elsewhere.code, 64);
    assert.match(elsewhere.stderr, /class "photobombing" is not in k400; it is a class of k600, k700-2020/);
    const renamed = await runCli(['subset', 'create', 'y', '--version', 'k700-2020', '--class', 'hugging', '--db', file]);
    assert.equal(renamed.code, 64);
    assert.match(renamed.stderr, /class "hugging" is not in k700-2020; it is a class of k400; closest in k700-2020: "hugging \(not baby\)", "hugging baby"/);
  });

  test('versions never ingested are not counted as lacking a class', async () => {
    const onlyK400 = join(tempDir(), 'catalog.db');
    assert.equal((await runCli(['ingest', '--source', sampleBucket, '--versions', 'k400', '--no-downstream', '--db', onlyK400])).code, 0);
    const created = await runCli(['subset', 'create', 'ab', '--class', 'abseiling', '--db', onlyK400]);
    assert.equal(created.code, 0, created.stderr);
    assert.doesNotMatch(created.stderr, /note:/);
  });

  test('--sql, --match, --classes-file and --limit', async () => {
    const sql = await runCli(['subset', 'create', 'knots', '--sql', "select version, split, clip_key from clips where version = 'k600' and label like '%knot%'", '--db', file]);
    assert.equal(sql.code, 0, sql.stderr);
    const [expected] = await queryAll<{ n: number }>(file, "SELECT count(*) n FROM clips WHERE version = 'k600' AND label LIKE '%knot%'");
    assert.equal((await members('knots')).length, expected!.n);
    const repeated = "select version, split, clip_key from clips where version = 'k600' and label like '%knot%' union all select version, split, clip_key from clips where version = 'k600' and label like '%knot%';";
    assert.equal((await runCli(['subset', 'create', 'twice', '--sql', repeated, '--db', file])).code, 0, 'repeated rows and a final ; are fine');
    assert.equal((await members('twice')).length, expected!.n);
    assert.equal((await runCli(['subset', 'create', 'glob', '--version', 'k400', '--match', 'a*', '--limit', '7', '--db', file])).code, 0);
    assert.equal((await members('glob')).length, 7);
    const classes = join(tempDir(), 'classes.txt');
    writeFileSync(classes, '# two classes\nsitup\n\nskateboarding\n');
    assert.equal((await runCli(['subset', 'create', 'listed', '--version', 'k400', '--split', 'val', '--classes-file', classes, '--db', file])).code, 0);
    const [listed] = await queryAll<{ n: number }>(file, "SELECT count(*) n FROM clips WHERE version = 'k400' AND split = 'val' AND label IN ('situp', 'skateboarding')");
    assert.equal((await members('listed')).length, listed!.n);
    const piped = await runCli(['subset', 'create', 'piped', '--version', 'k400', '--split', 'val', '--classes-file', '-', '--db', file], { input: 'situp\nskateboarding\n' });
    assert.equal(piped.code, 0, piped.stderr);
    assert.deepEqual(await members('piped'), await members('listed'), '--classes-file - reads the classes from stdin');
    // A file that names no class (a grep that found nothing) is no choice of every class.
    const none = await runCli(['subset', 'create', 'none', '--version', 'k400', '--split', 'val', '--classes-file', '-', '--db', file], { input: '\n# nothing\n' });
    assert.equal(none.code, 64);
    assert.match(none.stderr, /^kinetics: --classes-file - names no class \(one a line; blank lines and # comments are skipped\)$/m);
    assert.deepEqual(await members('none'), []);
  });

  test('subset split: stratified parts that cover the subset once, in each class\'s share; folds; all or nothing', async () => {
    const cli = (...args: string[]) => runCli([...args, '--db', file]);
    assert.equal((await cli('subset', 'create', 'pool', '--version', 'k700-2020', '--split', 'val')).code, 0);
    const split = await cli('subset', 'split', 'pool', '--into', 'train=0.8,val=0.2', '--seed', '5', '--stratify');
    assert.equal(split.code, 0, split.stderr);
    assert.match(split.stderr, /^subset pool-train: [\d,]+ clips\nsubset pool-val: [\d,]+ clips\n$/);
    const [pool, train, val] = [await members('pool'), await members('pool-train'), await members('pool-val')];
    const keys = (rows: { clip_key: string }[]) => rows.map((row) => row.clip_key);
    assert.deepEqual([...keys(train), ...keys(val)].sort(), keys(pool).sort(), 'every clip in exactly one part');
    const perClass = await queryAll<{ label: string; all: number; in_val: number }>(
      file,
      `SELECT c.label, count(*) AS "all", count(*) FILTER (WHERE v.clip_key IS NOT NULL) AS in_val
       FROM subset_clips s JOIN clips c USING (version, split, clip_key)
       LEFT JOIN subset_clips v ON v.subset = 'pool-val' AND v.clip_key = s.clip_key
       WHERE s.subset = 'pool' GROUP BY c.label`,
    );
    for (const row of perClass) assert.ok(Math.abs(row.in_val - 0.2 * row.all) < 1, `${row.label}: ${row.in_val} of ${row.all}`);
    const again = await cli('subset', 'split', 'pool', '--into', 'train=0.8,val=0.2', '--seed', '5', '--stratify');
    assert.equal(again.code, 64, 'the parts exist: --replace');
    assert.equal((await cli('subset', 'split', 'pool', '--into', 'train=0.8,val=0.2', '--seed', '5', '--stratify', '--replace')).code, 0);
    assert.deepEqual(await members('pool-val'), val, 'the same seed deals the same parts');

    assert.equal((await cli('subset', 'split', 'pool', '--folds', '5', '--seed', '1')).code, 0);
    const folds = await Promise.all([1, 2, 3, 4, 5].map((fold) => members(`pool-fold${fold}`)));
    assert.deepEqual(folds.flatMap(keys).sort(), keys(pool).sort());
    assert.ok(folds.every((fold) => Math.abs(fold.length - pool.length / 5) <= 1));
    const show = await cli('subset', 'show', 'pool-fold2');
    assert.match(show.stderr, /: part fold2 of pool \(fold1 0\.2, fold2 0\.2, fold3 0\.2, fold4 0\.2, fold5 0\.2, seed \d+\)\n/);

    for (const bad of [['--into', 'train=0.8,val=0.3'], ['--into', 'train'], ['--folds', '1'], []]) {
      const refused = await cli('subset', 'split', 'pool', ...bad, '--replace');
      assert.equal(refused.code, 64, bad.join(' '));
    }
    const short = await cli('subset', 'split', 'pool', '--into', 'train=0.7,val=0.2', '--replace');
    assert.match(short.stderr, /add up to 1, not 0\.9: "train=0\.7,val=0\.2"/, 'the sum as typed, not 0.8999999999999999');
  });

  test('list, show, drop; an existing name needs --replace', async () => {
    const again = await runCli(['subset', 'create', 'a', '--version', 'k400', '--db', file]);
    assert.equal(again.code, 64);
    assert.match(again.stderr, /subset a exists/);
    const listed = JSON.parse((await runCli(['subset', 'list', '--json', '--db', file])).stdout) as { name: string; clips: number }[];
    assert.equal(listed.find((entry) => entry.name === 'a')?.clips, 10);
    const shown = await runCli(['subset', 'show', 'a', '--json', '--db', file]);
    assert.match(shown.stderr, / · 5 a class · seed 7\n/);
    const rows = JSON.parse(shown.stdout) as { label: string; clips: number; on_disk: number }[];
    assert.equal(rows.reduce((sum, row) => sum + row.clips, 0), 10);
    assert.equal((await runCli(['subset', 'drop', 'a', '--db', file])).code, 0);
    assert.deepEqual(await members('a'), []);
    const missing = await runCli(['subset', 'show', 'a', '--db', file]);
    assert.equal(missing.code, 64);
    assert.match(missing.stderr, /no subset "a"; subsets: b, c/);
  });

  test('status --subset counts the subset\'s clips by split and by class, and names an unknown subset', async () => {
    assert.equal((await runCli(['subset', 'create', 'mixed', '--version', 'k400', '--version', 'k700-2020', '--split', 'val', '--per-class', '2', '--db', file])).code, 0);
    const bySplit = JSON.parse((await runCli(['status', '--subset', 'mixed', '--json', '--db', file])).stdout) as { version: string; split: string; annotated: number; missing: number }[];
    const expected = await queryAll<{ version: string; split: string; n: number }>(
      file,
      "SELECT version, split, count(*) n FROM subset_clips WHERE subset = 'mixed' GROUP BY 1, 2 ORDER BY 1, 2",
    );
    assert.deepEqual(bySplit.map((row) => ({ version: row.version, split: row.split, n: row.annotated })), expected);
    assert.ok(bySplit.every((row) => row.missing === row.annotated), 'nothing is on disk');
    const byClass = JSON.parse((await runCli(['status', '--subset', 'mixed', '--by-class', '--json', '--db', file])).stdout) as { annotated: number }[];
    assert.ok(byClass.every((row) => row.annotated <= 2));
    const unknown = await runCli(['status', '--subset', 'nope', '--db', file]);
    assert.equal(unknown.code, 64);
    assert.match(unknown.stderr, /no subset "nope"/);
    const both = await runCli(['status', '--subset', 'mixed', '--version', 'k400', '--db', file]);
    assert.equal(both.code, 64);
  });
});
