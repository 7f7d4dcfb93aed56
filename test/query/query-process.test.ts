import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { closeSync, copyFileSync, openSync, writeSync } from 'node:fs';
import BetterSqlite3 from 'better-sqlite3';
import { before, describe, test } from 'node:test';
import { ingestInto, newCatalogFile } from '../helpers/catalog.js';
import { cliEntry, runCli, tsxLoader } from '../helpers/run-cli.js';
import { sampleBucket } from '../helpers/temp.js';

const file = newCatalogFile();
const ENDLESS_COUNT = 'WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r) SELECT count(*) FROM r';
const ENDLESS_ROWS = 'WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r) SELECT n FROM r';
const FAILS_ON_ROW_3 = "SELECT CASE WHEN key >= 2 THEN abs(-9223372036854775807 - 1) ELSE key END AS v FROM json_each('[1,2,3,4]')";

describe('kinetics query: plans, streams, stops', () => {
  before(async () => {
    await ingestInto(file, sampleBucket);
  });

  test('--timeout stops a statement SQLite is in the middle of: one line, exit 124, within a second of the limit', async () => {
    const started = performance.now();
    const result = await runCli(['query', ENDLESS_COUNT, '--timeout', '1', '--db', file]);
    const seconds = (performance.now() - started) / 1000;
    assert.equal(result.code, 124, result.stderr);
    assert.equal(result.stderr, 'kinetics: query stopped after 1 s (--timeout); narrow it, or give it longer\n');
    assert.equal(result.stdout, '');
    assert.ok(seconds < 6, `took ${seconds} s`);
  });

  test('Ctrl-C stops it at once: one line, exit 130', async () => {
    const child = spawn(process.execPath, ['--import', tsxLoader, cliEntry, 'query', ENDLESS_COUNT, '--db', file]);
    let stderr = '';
    child.stderr.on('data', (chunk) => (stderr += chunk));
    // The query is running once the runner's process exists; a second is ample under tsx.
    await new Promise((resolve) => setTimeout(resolve, 3000));
    const sent = performance.now();
    child.kill('SIGINT');
    const [code] = (await once(child, 'close')) as [number];
    assert.equal(code, 130);
    assert.equal(stderr, 'kinetics: query cancelled (Ctrl-C)\n');
    assert.ok(performance.now() - sent < 1000, 'ended within a second');
  });

  test('killed outright, it leaves no query running: the runner ends once its parent is gone', async () => {
    const child = spawn(process.execPath, ['--import', tsxLoader, cliEntry, 'query', ENDLESS_COUNT, '--db', file]);
    await new Promise((resolve) => setTimeout(resolve, 3000));
    const runners = () => spawnSync('pgrep', ['-f', `query-runner`], { encoding: 'utf8' }).stdout.split('\n').filter(Boolean);
    const before = runners();
    assert.ok(before.length > 0, 'the runner was started');
    child.kill('SIGKILL');
    await once(child, 'close');
    await new Promise((resolve) => setTimeout(resolve, 1500));
    assert.deepEqual(runners().filter((pid) => before.includes(pid)), []);
  });

  test('a reader that stops (`| head`) ends even an endless query', async () => {
    const quote = (text: string) => `'${text.replaceAll("'", "'\\''")}'`;
    const pipeline = `${quote(process.execPath)} --import ${quote(tsxLoader)} ${quote(cliEntry)} query ${quote(ENDLESS_ROWS)} --csv --db ${quote(file)} | head -n 3`;
    const shell = spawn('sh', ['-c', pipeline]);
    let stdout = '';
    shell.stdout.on('data', (chunk) => (stdout += chunk));
    const ended = once(shell, 'close');
    const timer = setTimeout(() => shell.kill('SIGKILL'), 30_000);
    const [code] = (await ended) as [number];
    clearTimeout(timer);
    assert.equal(code, 0, 'the pipeline ended by itself');
    // sh waits for `kinetics query`, which waits for the process running the statement: that one ended too.
    assert.equal(stdout, 'n\n1\n2\n');
  });

  test('rows stream as they come: nl line by line, a table once its first 1,000 rows fix the widths', async () => {
    const lines = await runCli(['query', ENDLESS_ROWS, '--nl', '--timeout', '2', '--db', file]);
    assert.equal(lines.code, 124);
    assert.ok(lines.stdout.startsWith('{"n":1}\n{"n":2}\n'), lines.stdout.slice(0, 40));
    const table = await runCli(['query', ENDLESS_ROWS, '--table', '--timeout', '2', '--db', file]);
    assert.equal(table.code, 124);
    const rows = table.stdout.split('\n');
    assert.equal(rows[0]!.trim(), 'n');
    assert.ok(rows.length > 1000, `${rows.length} lines`);
  });

  test('an error part-way: JSON writes nothing, csv keeps the rows before it; exit 1 with one line', async () => {
    const json = await runCli(['query', FAILS_ON_ROW_3, '--json', '--db', file]);
    assert.equal(json.code, 1);
    assert.equal(json.stdout, '');
    assert.equal(json.stderr, 'kinetics: SQL error: integer overflow\n');
    const csv = await runCli(['query', FAILS_ON_ROW_3, '--csv', '--db', file]);
    assert.equal(csv.code, 1);
    assert.equal(csv.stdout, 'v\n0\n1\n');
  });

  test('a damaged page met part-way is said as a damaged catalog (65), not as an error of the SQL', async () => {
    const damaged = newCatalogFile();
    copyFileSync(file, damaged);
    const db = new BetterSqlite3(damaged);
    const pageSize = Number(db.pragma('page_size', { simple: true }));
    const leaves = "FROM dbstat WHERE name = 'clip_annotations' AND pagetype = 'leaf'";
    const leaf = Number(db.prepare(`SELECT pageno ${leaves} ORDER BY pageno LIMIT 1 OFFSET (SELECT count(*) / 2 ${leaves})`).pluck().get());
    db.close();
    assert.ok(leaf > 1, 'a page part-way through the clips');
    const fd = openSync(damaged, 'r+');
    writeSync(fd, Buffer.alloc(pageSize, 0xff), 0, pageSize, (leaf - 1) * pageSize);
    closeSync(fd);
    const result = await runCli(['query', 'SELECT * FROM clip_annotations', '--csv', '--db', damaged]);
    assert.equal(result.code, 65, result.stderr);
    assert.match(result.stderr, /^kinetics: the catalog .* is not a kinetics catalog, or is damaged \(database disk image is malformed\)\n$/);
  });

  test('--explain prints the plan: a clip looked up by key, a subset read by its keys', async () => {
    const byKey = await runCli(['query', "select * from clips where clip_key = 'x'", '--explain', '--db', file]);
    assert.equal(byKey.code, 0, byKey.stderr);
    assert.match(byKey.stdout, /^QUERY PLAN\n/);
    assert.match(byKey.stdout, /SEARCH c USING INDEX clip_annotations_by_key \(clip_key=\?\)/);
    const subset = await runCli([
      'query',
      "select c.status from subset_clips s join clips c using (version, split, clip_key) where s.subset = 'a'",
      '--explain',
      '--db',
      file,
    ]);
    assert.match(subset.stdout, /SEARCH subset_members USING PRIMARY KEY \(subset=\?\)/);
    assert.match(subset.stdout, /SEARCH c USING INDEX clip_annotations_by_key/);
    const refused = await runCli(['query', 'delete from subsets', '--explain', '--db', file]);
    assert.equal(refused.code, 77);
  });

  test('--timeout takes a number of seconds', async () => {
    const result = await runCli(['query', 'select 1', '--timeout', 'soon', '--db', file]);
    assert.equal(result.code, 64);
    assert.match(result.stderr, /--timeout takes a number of seconds above 0 and at most 2147483, not "soon"/);
  });
});
