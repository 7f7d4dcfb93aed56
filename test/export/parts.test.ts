import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, test } from 'node:test';
import { ingestInto, queryAll } from '../helpers/catalog.js';
import { runCli } from '../helpers/run-cli.js';
import { copyOfSampleBucket, sampleBucket, tempDir } from '../helpers/temp.js';

describe('export --parts: the parts of a `subset split` as splits of one export, with one label map', () => {
  const home = tempDir();
  const db = join(home, 'catalog.db');
  const cli = (...args: string[]) => runCli([...args, '--home', home]);
  const lines = (file: string) => readFileSync(file, 'utf8').trim().split('\n');

  before(async () => {
    await ingestInto(db, sampleBucket);
    assert.equal((await cli('subset', 'create', 'v7', '--version', 'k700-2020', '--split', 'val')).code, 0);
    assert.equal((await cli('subset', 'split', 'v7', '--into', 'train=0.8,val=0.2', '--stratify', '--seed', '5')).code, 0);
  });

  test('slowfast: train.csv and val.csv hold exactly the clips of each part, numbered by one compact map over them all', async () => {
    const out = join(tempDir(), 'parts');
    const result = await cli('export', 'v7', '--parts', '--format', 'slowfast', '--include-missing', '--labels', 'compact', '--out', out);
    assert.equal(result.code, 0, result.stderr);
    const classes = lines(join(out, 'classes.txt'));
    const labels = await queryAll<{ clip_key: string; label: string }>(db, "SELECT clip_key, label FROM clip_annotations WHERE version = 'k700-2020' AND split = 'val'");
    const labelOf = new Map(labels.map((row) => [row.clip_key, row.label]));
    for (const part of ['train', 'val']) {
      const members = await queryAll<{ clip_key: string }>(db, 'SELECT clip_key FROM subset_members WHERE subset = ? ORDER BY clip_key', `v7-${part}`);
      const listed = lines(join(out, `${part}.csv`)).map((line) => line.split(' '));
      assert.deepEqual(listed.map(([path]) => path!.split('/').at(-1)!.replace('.mp4', '')).sort(), members.map((row) => row.clip_key));
      for (const [path, index] of listed) assert.equal(classes[Number(index)], labelOf.get(path!.split('/').at(-1)!.replace('.mp4', '')));
    }
    assert.equal(classes.length, new Set(labels.map((row) => row.label)).size, 'the map covers the classes of every part');
    const manifest = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8')) as { split_names: Record<string, string>; subset: { split_into: unknown } };
    assert.deepEqual(manifest.split_names, { 'part:train': 'train', 'part:val': 'val' });
    assert.deepEqual(manifest.subset.split_into, { subset: 'v7', parts: { train: 0.8, val: 0.2 }, seed: 5, stratify: true }, 'what makes the parts again');

    const onDisk = await cli('export', 'v7', '--parts', '--format', 'jsonl', '--include-missing', '--out', join(tempDir(), 'jsonl'));
    assert.equal(onDisk.code, 0, onDisk.stderr);
  });

  test('subset create --from-manifest makes, in another catalog, the subset and parts an export was made from; the exports are byte-identical', async () => {
    const out = join(tempDir(), 'first');
    assert.equal((await cli('export', 'v7', '--parts', '--format', 'slowfast', '--include-missing', '--out', out)).code, 0);
    const other = tempDir();
    const otherCli = (...args: string[]) => runCli([...args, '--home', other]);
    await ingestInto(join(other, 'catalog.db'), sampleBucket);
    const made = await otherCli('subset', 'create', 'again', '--from-manifest', join(out, 'manifest.json'));
    assert.equal(made.code, 0, made.stderr);
    const [count] = await queryAll<{ n: number }>(db, "SELECT count(*) AS n FROM subset_members WHERE subset = 'v7'");
    assert.match(made.stderr, new RegExp(`^subset again: ${count!.n.toLocaleString('en-US')} clips, made as v7 of ${out}/manifest\\.json was\nsubset again-train: [\\d,]+ clips\nsubset again-val: [\\d,]+ clips\n$`));
    for (const part of ['train', 'val']) {
      const members = (subset: string, file: string) => queryAll(file, 'SELECT version, split, clip_key FROM subset_members WHERE subset = ? ORDER BY 1, 2, 3', subset);
      assert.deepEqual(await members(`again-${part}`, join(other, 'catalog.db')), await members(`v7-${part}`, db));
    }
    const second = join(tempDir(), 'second');
    assert.equal((await otherCli('export', 'again', '--parts', '--format', 'slowfast', '--include-missing', '--out', second)).code, 0);
    for (const file of ['train.csv', 'val.csv', 'classes.txt', 'excluded.csv']) {
      assert.equal(readFileSync(join(second, file), 'utf8').replaceAll(other, home), readFileSync(join(out, file), 'utf8'), file);
    }

    const refused = await otherCli('subset', 'create', 'mixed', '--from-manifest', out, '--seed', '4');
    assert.equal(refused.code, 64);
    assert.match(refused.stderr, /^kinetics: --from-manifest takes the definition the export was made with: --seed would change it\n$/);
    const partOnly = join(tempDir(), 'part-only');
    assert.equal((await cli('export', 'v7-val', '--format', 'csv', '--include-missing', '--out', partOnly)).code, 0);
    const ofPart = await otherCli('subset', 'create', 'p', '--from-manifest', partOnly);
    assert.equal(ofPart.code, 65);
    assert.match(ofPart.stderr, /manifest\.json: expected the export of a whole subset; this is of v7-val, a part of v7: export v7 with --parts/);
    assert.equal((await otherCli('subset', 'create', 'again', '--from-manifest', out)).code, 64, 'it exists: --replace replaces it');
    // Replaced, with parts of another splitting made since: those go, the export's are made again.
    assert.equal((await otherCli('subset', 'split', 'again', '--into', 'a=0.5,b=0.5', '--replace')).code, 0);
    assert.equal((await otherCli('subset', 'create', 'again', '--from-manifest', out, '--replace')).code, 0);
    assert.deepEqual(await queryAll(join(other, 'catalog.db'), "SELECT name FROM subsets WHERE name LIKE 'again%' ORDER BY 1"), [{ name: 'again' }, { name: 'again-train' }, { name: 'again-val' }]);
    assert.equal((await otherCli('export', 'again', '--parts', '--format', 'csv', '--include-missing', '--out', join(tempDir(), 'after-replace'))).code, 0);

    // A manifest edited into something no subset create made is refused, naming the field; nothing is stored.
    const manifest = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8')) as { subset: Record<string, unknown> & { definition: Record<string, unknown> } };
    const edits: [string, (copy: typeof manifest) => void, RegExp][] = [
      ['no definition', (copy) => void (copy.subset.definition = null as never), /expected subset\.definition to be the options the subset was made with, found null/],
      ['versions a string', (copy) => void (copy.subset.definition.versions = 'k700-2020'), /expected subset\.definition\.versions to be a list of k400, k600, k700-2020, found "k700-2020"/],
      ['no match', (copy) => void delete copy.subset.definition.match, /expected subset\.definition\.match to be a GLOB or null, found nothing/],
      ['seed a string', (copy) => void (copy.subset.definition.seed = '7'), /expected subset\.definition\.seed to be a whole number, found "7"/],
      ['no clip count', (copy) => void delete copy.subset.clips, /expected subset\.clips to be a whole number, found nothing/],
      ['shares over 1', (copy) => void ((copy.subset.split_into as { parts: unknown }).parts = { train: 0.8, val: 0.8 }), /expected subset\.split_into\.parts to be two or more part names with positive shares that add up to 1/],
    ];
    for (const [what, edit, said] of edits) {
      const copy = JSON.parse(JSON.stringify(manifest)) as typeof manifest;
      edit(copy);
      const file = join(tempDir(), 'manifest.json');
      writeFileSync(file, JSON.stringify(copy));
      const refusedEdit = await otherCli('subset', 'create', 'edited', '--from-manifest', file);
      assert.equal(refusedEdit.code, 65, `${what}: ${refusedEdit.stderr}`);
      assert.match(refusedEdit.stderr, said, what);
      assert.deepEqual(await queryAll(join(other, 'catalog.db'), "SELECT name FROM subsets WHERE name LIKE 'edited%'"), [], what);
    }

    // A catalog of other annotation files (here, one row fewer) says so, and how many clips the export's subset held.
    const edited = copyOfSampleBucket();
    const val = join(edited, '700_2020', 'annotations', 'val.csv');
    writeFileSync(val, readFileSync(val, 'utf8').replace(/\r\n[^\r\n]+/, ''));
    const third = tempDir();
    await ingestInto(join(third, 'catalog.db'), edited);
    const differing = await runCli(['subset', 'create', 'again', '--from-manifest', out, '--home', third]);
    assert.equal(differing.code, 0, differing.stderr);
    assert.match(differing.stderr, /^note: this catalog's annotation files differ from the exporting one's \(700_2020\/annotations\/val\.csv\): the clips may differ$/m);
    assert.match(differing.stderr, new RegExp(`^note: the export's subset v7 held ${count!.n.toLocaleString('en-US')} clips; this one holds ${(count!.n - 1).toLocaleString('en-US')}$`, 'm'));
  });

  test('a part exported alone says it keeps its Kinetics split names and, with compact labels, numbers its own classes', async () => {
    const result = await cli('export', 'v7-val', '--format', 'slowfast', '--include-missing', '--labels', 'compact', '--out', join(tempDir(), 'alone'));
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stderr, /^warning: v7-val is the part "val" of v7: its clips are listed under their own Kinetics splits, and --labels compact numbers the classes of this part alone .*`kinetics export v7 --parts` writes each part as a split of its own \(train, val\) with one label map$/m);
  });

  test('refused: --parts of a subset never split, or split twice; --path-prefix on formats that hold the files', async () => {
    assert.equal((await cli('subset', 'create', 'k4', '--version', 'k400', '--split', 'val')).code, 0);
    const never = await cli('export', 'k4', '--parts', '--format', 'csv', '--include-missing', '--out', join(tempDir(), 'never'));
    assert.equal(never.code, 64);
    assert.match(never.stderr, /^kinetics: subset k4 was never split into parts; make them with `kinetics subset split k4 --into train=0.8,val=0.2`\n$/);
    // Parts of an earlier subset of the name (created again since, smaller) are no parts of it.
    assert.equal((await cli('subset', 'split', 'k4', '--into', 'train=0.5,val=0.5')).code, 0);
    assert.equal((await cli('subset', 'create', 'k4', '--version', 'k400', '--split', 'val', '--limit', '10', '--replace')).code, 0);
    const stale = await cli('export', 'k4', '--parts', '--format', 'csv', '--include-missing', '--out', join(tempDir(), 'stale'));
    assert.equal(stale.code, 64);
    assert.match(stale.stderr, /^kinetics: the parts of k4 hold [\d,]+ clips and k4 10: they were split from an earlier k4; split it again/);
    assert.equal((await cli('subset', 'split', 'v7', '--into', 'a=0.5,b=0.5')).code, 0);
    const twice = join(tempDir(), 'twice');
    const result = await cli('export', 'v7', '--parts', '--format', 'csv', '--include-missing', '--out', twice);
    assert.equal(result.code, 64);
    assert.match(result.stderr, /^kinetics: v7 was split more than once \(into a, b; into train, val\)/);
    assert.ok(!existsSync(twice));
    const prefixed = await cli('export', 'v7-a', '--format', 'tree', '--path-prefix', '/cluster/k', '--out', join(tempDir(), 'prefixed'));
    assert.equal(prefixed.code, 64);
    assert.match(prefixed.stderr, /--path-prefix rewrites the paths a list names; a tree export holds the files themselves/);
  });
});
