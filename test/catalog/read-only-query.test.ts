import assert from 'node:assert/strict';
import { appendFileSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { before, describe, test } from 'node:test';
import { listNamedQueries } from '../../src/query/named-queries.js';
import { ingestInto, newCatalogFile } from '../helpers/catalog.js';
import { runCli, spawnCli } from '../helpers/run-cli.js';
import { copyOfSampleBucket, tempDir } from '../helpers/temp.js';

const file = newCatalogFile();
// The sample's K400 and K700-2020 val sets share no hugging clip; relabel one K400 hugging clip into K700-2020 val
// the way K700 renamed the class, so that the label change is there to find.
const bucket = copyOfSampleBucket();
const huggingRow = readFileSync(join(bucket, '400/annotations/val.csv'), 'utf8').split('\n').find((row) => row.startsWith('hugging,'))!;
const [, huggingId, huggingStart, huggingEnd] = huggingRow.split(',');
appendFileSync(join(bucket, '700_2020/annotations/val.csv'), `hugging (not baby),${huggingId},${huggingStart},${huggingEnd},validate\r\n`);

describe('kinetics query', () => {
  before(async () => {
    await ingestInto(file, bucket);
  });

  test('SQL, JSON by default when piped, counts from the catalog', async () => {
    const result = await runCli(['query', "select label, count(*) n from clips where version='k700-2020' and split='val' group by 1 order by n desc, label limit 3", '--db', file]);
    assert.equal(result.code, 0, result.stderr);
    const rows = JSON.parse(result.stdout) as { label: string; n: number }[];
    assert.equal(rows.length, 3);
    const expected = readFileSync(join(bucket, '700_2020/annotations/val.csv'), 'utf8').split('\r\n').filter((line) => line.startsWith(`${rows[0]!.label},`)).length;
    assert.equal(rows[0]!.n, expected);
  });

  test('named query with -p, as CSV; --list shows every query with its description', async () => {
    const result = await runCli(['query', '@class-counts', '-p', 'version', 'k400', '--csv', '--db', file]);
    assert.equal(result.code, 0, result.stderr);
    const [header, ...rows] = result.stdout.trim().split('\n');
    assert.equal(header, 'label,train,val,test,total');
    assert.ok(rows.some((row) => row.startsWith('air drumming,')));
    const listed = JSON.parse((await runCli(['query', '--list', '--json', '--db', file])).stdout) as { name: string; description: string }[];
    assert.deepEqual(listed.map((query) => query.name), listNamedQueries().map((query) => `@${query.name}`));
    for (const name of ['@class-counts', '@split-summary', '@clips-of-class', '@cross-version-overlap', '@label-changes']) {
      const query = listed.find((candidate) => candidate.name === name);
      assert.ok(query && query.description.length > 10, name);
    }
  });

  test("a named query's version and split take the tool's aliases; a misspelt one is an error, not an empty result", async () => {
    const canonical = await runCli(['query', '@status', '-p', 'version', 'k700-2020', '-p', 'split', 'val', '--csv', '--db', file]);
    const aliased = await runCli(['query', '@status', '-p', 'version', '700', '-p', 'split', 'validate', '--csv', '--db', file]);
    assert.equal(aliased.code, 0, aliased.stderr);
    assert.equal(aliased.stdout, canonical.stdout);
    assert.match(canonical.stdout, /^version,split,annotated[^\n]*\nk700-2020,val,\d+/);
    const misspelt = await runCli(['query', '@class-counts', '-p', 'version', 'k4oo', '--db', file]);
    assert.equal(misspelt.code, 64);
    assert.match(misspelt.stderr, /@class-counts: unknown version "k4oo"; one of k400, k600, k700-2020/);
    const badSplit = await runCli(['query', '@status', '-p', 'split', 'trian', '--db', file]);
    assert.equal(badSplit.code, 64);
    assert.match(badSplit.stderr, /unknown split "trian"/);
  });

  test("a named query's label is checked against the catalog's classes, with the closest names", async () => {
    const misspelt = await runCli(['query', '@clips-of-class', '-p', 'version', 'k400', '-p', 'label', 'air drumin', '--db', file]);
    assert.equal(misspelt.code, 64);
    assert.equal(misspelt.stdout, '');
    assert.match(misspelt.stderr, /^kinetics: @clips-of-class: unknown class "air drumin" in k400; closest: "air drumming"/);
    const elsewhere = await runCli(['query', '@clips-of-class', '-p', 'version', 'k400', '-p', 'label', 'photobombing', '--db', file]);
    assert.equal(elsewhere.code, 64);
    assert.match(elsewhere.stderr, /class "photobombing" is not in k400; it is a class of k600, k700-2020/);
    const known = await runCli(['query', '@clips-of-class', '-p', 'version', 'k400', '-p', 'label', 'air drumming', '--csv', '--db', file]);
    assert.equal(known.code, 0, known.stderr);
    assert.match(known.stdout, /^split,clip_key[^\n]*\n\w+,/);
  });

  test('@label-changes finds hugging → hugging (not baby); @cross-version-overlap finds shared clips', async () => {
    const changes = JSON.parse((await runCli(['query', '@label-changes', '--db', file])).stdout) as { label: string; other_label: string; clips: number }[];
    assert.ok(changes.some((row) => row.label === 'hugging' && row.other_label === 'hugging (not baby)' && row.clips > 0), JSON.stringify(changes));
    // Joining only the keys listed more than once loses no change: the same rows as every clip joined.
    const everyClip = `SELECT a.version, a.label, b.version AS other_version, b.label AS other_label, count(*) AS clips
      FROM clips a JOIN clips b ON b.clip_key = a.clip_key AND b.version > a.version WHERE a.label <> b.label
      GROUP BY a.version, a.label, b.version, b.label ORDER BY clips DESC, a.version, a.label`;
    assert.deepEqual(changes, JSON.parse((await runCli(['query', everyClip, '--db', file])).stdout));
    const overlap = await runCli(['query', '@cross-version-overlap', '-p', 'version', 'k400', '-p', 'split', 'val', '-p', 'other_version', 'k700-2020', '-p', 'other_split', 'val', '--nl', '--db', file]);
    const lines = overlap.stdout.trim().split('\n').map((line) => JSON.parse(line));
    assert.ok(lines.length > 0);
    assert.ok(lines.every((row) => row.clip_key.slice(0, 11) === row.other_clip_key.slice(0, 11)));
  });

  test('SQL from stdin; missing and unused parameters are clear usage errors', async () => {
    const fromStdin = await runCli(['query', '-', '--tsv', '--db', file], { input: "select 'a\tb' as x, null as y" });
    assert.equal(fromStdin.stdout, 'x\ty\na\\tb\t\n');
    const missing = await runCli(['query', '@class-counts', '--db', file]);
    assert.equal(missing.code, 64);
    assert.match(missing.stderr, /needs a value for :version; pass -p version VALUE/);
    const unused = await runCli(['query', 'select 1', '-p', 'nope', 'x', '--db', file]);
    assert.equal(unused.code, 64);
    assert.match(unused.stderr, /parameter nope is not used/);
  });

  const writes = [
    'delete from clips',
    "insert into catalog_settings values ('a', 'b')",
    'drop view clips',
    'create table t (a)',
    'pragma user_version = 7',
    "attach database 'elsewhere.db' as other",
    'with x as (select 1) delete from source_files',
    'begin',
    'vacuum',
    "vacuum into 'copy.db'",
    "/* hidden */ vacuum into 'copy.db'",
    "/* a comment */\n-- another\ninsert into catalog_settings values ('a', 'b')",
    "; delete from clips",
    'pragma optimize',
    'pragma wal_checkpoint',
    'pragma main.user_version = 3',
  ];
  for (const sql of writes) {
    test(`refuses a writing statement: ${sql}`, async () => {
      const before = statSync(file).mtimeMs;
      const cwd = tempDir();
      const result = await spawnCli(['query', sql, '--db', file], { cwd });
      assert.equal(result.code, 77, result.stderr);
      assert.match(result.stderr, /^kinetics: refused: .*only reads the catalog\n$/);
      assert.equal(statSync(file).mtimeMs, before);
      assert.deepEqual(readdirSync(cwd), [], 'no file was created');
      assert.deepEqual(readdirSync(dirname(file)), ['catalog.db'], 'no -wal, -shm or other file beside the catalog');
    });
  }

  test('a PRAGMA that only reports a setting reads; -p __proto__ binds like any other name', async () => {
    const mode = await runCli(['query', 'pragma journal_mode', '--csv', '--db', file]);
    assert.equal(mode.code, 0, mode.stderr);
    assert.match(mode.stdout, /^journal_mode\n(delete|wal)\n$/);
    const commented = await runCli(['query', '-', '--csv', '--db', file], { input: '/* c */ -- note\npragma journal_mode' });
    assert.equal(commented.code, 0, commented.stderr);
    const version = await runCli(['query', 'PRAGMA main.user_version;', '--csv', '--db', file]);
    assert.equal(version.code, 0, version.stderr);
    const proto = await runCli(['query', 'select :__proto__ as v', '-p', '__proto__', 'x', '--csv', '--db', file]);
    assert.equal(proto.code, 0, proto.stderr);
    assert.equal(proto.stdout, 'v\nx\n');
  });

  test('an error while rows stream is a clear SQL error, not a crash', async () => {
    const result = await runCli(['query', "select json('not json') as j", '--db', file]);
    assert.equal(result.code, 1);
    assert.match(result.stderr, /^kinetics: SQL error: malformed JSON\n$/);
  });

  test('output formats: table aligns, markdown escapes pipes, csv quotes', async () => {
    const sql = "select 'a|b' as name, 12 as n, 'x,\"y\"' as q";
    const table = await runCli(['query', sql, '--table', '--db', file]);
    assert.equal(table.stdout, 'name   n  q\n----  --  -----\na|b   12  x,"y"\n');
    const markdown = await runCli(['query', sql, '--markdown', '--db', file]);
    assert.equal(markdown.stdout, '| name |  n | q     |\n|------|---:|-------|\n| a\\|b | 12 | x,"y" |\n');
    const csv = await runCli(['query', sql, '--csv', '--db', file]);
    assert.equal(csv.stdout, 'name,n,q\na|b,12,"x,""y"""\n');
    const twoFormats = await runCli(['query', sql, '--csv', '--json', '--db', file]);
    assert.equal(twoFormats.code, 64);
    const twice = "select 'clip' as status, 'file' as status, 3 as status";
    assert.deepEqual(JSON.parse((await runCli(['query', twice, '--json', '--db', file])).stdout), [{ status: 'clip', status_2: 'file', status_3: 3 }]);
    assert.deepEqual(JSON.parse((await runCli(['query', twice, '--nl', '--db', file])).stdout), { status: 'clip', status_2: 'file', status_3: 3 });
  });

  test('every named query file starts with a description and a params line, and runs', async () => {
    assert.equal((await runCli(['subset', 'create', 'val', '--version', 'k400', '--split', 'val', '--limit', '2', '--replace', '--db', file])).code, 0, 'a subset the subset queries can read');
    for (const query of listNamedQueries()) {
      assert.ok(query.description.length > 10, query.name);
      assert.ok(/^-- params:/m.test(query.sql), `${query.name} has a params line`);
      const names = [...new Set([...query.sql.matchAll(/:([a-z_]+)/g)].map((match) => match[1]!))];
      const args = names.flatMap((name) => ['-p', name, name.includes('version') ? 'k400' : name.includes('label') ? 'abseiling' : 'val']);
      const result = await runCli(['query', `@${query.name}`, ...args, '--db', file]);
      assert.equal(result.code, 0, `${query.name}: ${result.stderr}`);
    }
  });
});
