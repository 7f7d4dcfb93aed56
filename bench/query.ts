/**
 * npm run bench:query — questions a researcher asks, each timed through `kinetics query` (a process, start-up
 * included) on the full-size catalog with a scanned 200k-file tree, and in the same run through DuckDB in-process
 * over the same rows (exported from the catalog's tables to CSV and loaded into DuckDB tables, with the same views;
 * a clip's file is chosen there by a window function over the raw file rows).
 * Goals: each ≤ 1 s over the start-up (`kinetics query "select 1"`), median ≤ 0.25 s; then within 2× DuckDB.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import BetterSqlite3 from 'better-sqlite3';
import { benchWork } from './full-bucket.js';
import { fullCatalog, kineticsBin } from './full-catalog.js';

const work = join(benchWork, 'query-run');
rmSync(work, { recursive: true, force: true });
mkdirSync(work, { recursive: true });
const { catalog } = await fullCatalog(join(work, 'catalog.db'));

const csvField = (value: unknown) => (value === null ? '' : /[",\n]/.test(String(value)) ? `"${String(value).replaceAll('"', '""')}"` : String(value));
const seconds = (start: bigint) => Number(process.hrtime.bigint() - start) / 1e9;
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

// Parameters drawn from the catalog: a clip on disk, its video, five classes.
const db = new BetterSqlite3(catalog, { readonly: true });
const onDisk = db.prepare("SELECT clip_key FROM best_files WHERE status = 'ok' ORDER BY clip_key LIMIT 1 OFFSET 5000").pluck().get() as string;
const youtubeId = onDisk.slice(0, 11);
const labels = db.prepare("SELECT label FROM classes WHERE version = 'k700-2020' ORDER BY idx LIMIT 5 OFFSET 100").pluck().all() as string[];
const labelList = labels.map((label) => `'${label.replaceAll("'", "''")}'`).join(', ');

const questions: { name: string; sql: string }[] = [
  { name: 'clip by clip_key', sql: `SELECT * FROM clips WHERE clip_key = '${onDisk}'` },
  { name: 'clips of a youtube id', sql: `SELECT * FROM clips WHERE youtube_id = '${youtubeId}'` },
  { name: '5-class subset with paths', sql: `SELECT clip_key, label, status, path FROM clips WHERE version = 'k700-2020' AND split = 'train' AND label IN (${labelList})` },
  { name: 'clips per class, K700 train', sql: "SELECT label, count(*) AS n FROM clips WHERE version = 'k700-2020' AND split = 'train' GROUP BY label" },
  { name: 'clips per version and split', sql: 'SELECT version, split, count(*) AS n FROM clips GROUP BY version, split' },
  { name: 'clips per status', sql: 'SELECT status, count(*) AS n FROM clips GROUP BY status' },
  { name: 'status per class, K700 train', sql: "SELECT label, count(*) FILTER (WHERE status = 'ok') AS ok, count(*) FILTER (WHERE status = 'missing') AS missing FROM clips WHERE version = 'k700-2020' AND split = 'train' GROUP BY label" },
  { name: 'least covered classes, K700 train', sql: "SELECT label, count(*) AS missing FROM clips WHERE version = 'k700-2020' AND split = 'train' AND status = 'missing' GROUP BY label ORDER BY missing DESC, label LIMIT 10" },
  { name: 'damaged, empty or short clips', sql: "SELECT clip_key, status, path FROM clips WHERE status IN ('damaged', 'empty', 'short')" },
  { name: 'identical clips K400 val / K700 val', sql: "SELECT count(*) AS n FROM clips a JOIN clips b ON a.clip_key = b.clip_key WHERE a.version = 'k400' AND a.split = 'val' AND b.version = 'k700-2020' AND b.split = 'val'" },
  { name: 'K400 val clips in K700 train', sql: "SELECT count(*) AS n FROM clips a JOIN clips b ON a.clip_key = b.clip_key WHERE a.version = 'k400' AND a.split = 'val' AND b.version = 'k700-2020' AND b.split = 'train'" },
  { name: 'label changes K400 → K700', sql: "SELECT a.label AS k400, b.label AS k700, count(*) AS n FROM clips a JOIN clips b ON a.clip_key = b.clip_key WHERE a.version = 'k400' AND b.version = 'k700-2020' AND a.label <> b.label GROUP BY 1, 2" },
  { name: 'same clip, another label, any versions', sql: 'SELECT count(*) AS n FROM clips a JOIN clips b ON a.clip_key = b.clip_key WHERE a.version < b.version AND a.label <> b.label' },
  // The same question as the README's cookbook writes it: only the keys listed more than once are joined.
  {
    name: 'same clip, another label, keys listed twice',
    sql: 'SELECT count(*) AS n FROM clips a JOIN clips b ON a.clip_key = b.clip_key WHERE a.version < b.version AND a.label <> b.label AND a.clip_key IN (SELECT clip_key FROM clips GROUP BY clip_key HAVING count(*) > 1)',
  },
  { name: 'youtube ids in all three versions', sql: 'SELECT count(*) AS n FROM (SELECT youtube_id FROM clips GROUP BY youtube_id HAVING count(DISTINCT version) = 3)' },
  { name: 'K400 val overlapping K700 train windows', sql: "SELECT count(DISTINCT a.clip_key) AS n FROM clips a JOIN clips b ON b.youtube_id = a.youtube_id AND b.time_start < a.time_end AND a.time_start < b.time_end WHERE a.version = 'k400' AND a.split = 'val' AND b.version = 'k700-2020' AND b.split = 'train'" },
  { name: 'AVA keyframes per K700 class', sql: "SELECT c.label, count(*) AS keyframes FROM ava_kinetics a JOIN clips c ON c.youtube_id = a.youtube_id WHERE c.version = 'k700-2020' GROUP BY c.label ORDER BY keyframes DESC, c.label LIMIT 10" },
  { name: 'Countix counts joined to clips', sql: "SELECT x.label, count(*) AS n, avg(x.count) AS mean_count FROM countix x JOIN clips c ON c.youtube_id = x.youtube_id AND c.time_start = x.kinetics_start WHERE c.version = 'k700-2020' GROUP BY x.label" },
  { name: '5 clips per class, K400 train', sql: "SELECT clip_key, label FROM (SELECT clip_key, label, row_number() OVER (PARTITION BY label ORDER BY clip_key) AS rn FROM clips WHERE version = 'k400' AND split = 'train') WHERE rn <= 5" },
  { name: 'classes matching LIKE', sql: "SELECT version, label, count(*) AS n FROM clips WHERE label LIKE '%dancing%' GROUP BY version, label" },
  { name: 'files no clip claims', sql: "SELECT count(*) AS n FROM files WHERE NOT known AND status <> 'gone'" },
  { name: 'K400 classes not in K700', sql: "SELECT label FROM classes WHERE version = 'k400' EXCEPT SELECT label FROM classes WHERE version = 'k700-2020'" },
  { name: 'one class with its files', sql: `SELECT clip_key, status, path, duration FROM clips WHERE version = 'k700-2020' AND split = 'train' AND label = ${labelList.split(', ')[0]}` },
  { name: 'duration of files on disk per class', sql: "SELECT label, round(avg(duration), 2) AS seconds FROM clips WHERE version = 'k700-2020' AND split = 'train' AND duration IS NOT NULL GROUP BY label" },
];

// DuckDB gets the same rows: the catalog's tables as CSV, loaded into tables, and the same views.
const tables: Record<string, string> = {
  clip_annotations: 'SELECT version, split, clip_key, youtube_id, time_start, time_end, label, is_cc FROM clip_annotations',
  disk_files: 'SELECT id, path, bytes, mtime_ms, clip_key, status, duration, serve_rank FROM disk_files',
  ava_kinetics: 'SELECT split, youtube_id, timestamp, x1, y1, x2, y2, action_id FROM ava_kinetics_boxes',
  countix: 'SELECT split, youtube_id, label, kinetics_start, kinetics_end, repetition_start, repetition_end, count FROM countix_counts',
  classes: 'SELECT version, label, idx FROM class_labels',
};
for (const [table, sql] of Object.entries(tables)) {
  const statement = db.prepare(sql);
  const lines = [statement.columns().map((column) => column.name).join(',')];
  for (const row of statement.raw(true).iterate() as Iterable<unknown[]>) lines.push(row.map(csvField).join(','));
  writeFileSync(join(work, `${table}.csv`), `${lines.join('\n')}\n`);
}
db.close();

const duck = await (await DuckDBInstance.create(':memory:')).connect();
let start = process.hrtime.bigint();
for (const table of Object.keys(tables)) {
  await duck.run(`CREATE TABLE ${table} AS SELECT * FROM read_csv('${join(work, `${table}.csv`)}', header = true)`);
}
await duck.run(`CREATE VIEW best AS SELECT * FROM (
  SELECT *, row_number() OVER (PARTITION BY clip_key ORDER BY serve_rank, mtime_ms DESC, id) AS place
  FROM disk_files WHERE status <> 'gone' AND clip_key IS NOT NULL) WHERE place = 1`);
await duck.run(`CREATE VIEW clips AS SELECT c.*, coalesce(b.status, 'missing') AS status, b.path, b.duration
  FROM clip_annotations c LEFT JOIN best b ON b.clip_key = c.clip_key`);
await duck.run(`CREATE VIEW files AS SELECT f.*, EXISTS (SELECT 1 FROM clip_annotations c WHERE c.clip_key = f.clip_key) AS known FROM disk_files f`);
const duckLoad = seconds(start);

function timeKinetics(sql: string): { seconds: number; rows: number } {
  const runs: number[] = [];
  let rows = 0;
  for (let run = 0; run < 3; run++) {
    const begin = process.hrtime.bigint();
    const result = spawnSync(process.execPath, [kineticsBin, 'query', sql, '--db', catalog, '--nl'], { encoding: 'utf8', maxBuffer: 1 << 28 });
    runs.push(seconds(begin));
    if (result.status !== 0) throw new Error(`kinetics query failed: ${result.stderr}\n${sql}`);
    rows = result.stdout.split('\n').filter(Boolean).length;
  }
  return { seconds: median(runs), rows };
}

async function timeDuck(sql: string): Promise<{ seconds: number; rows: number }> {
  const runs: number[] = [];
  let rows = 0;
  for (let run = 0; run < 3; run++) {
    const begin = process.hrtime.bigint();
    rows = (await duck.runAndReadAll(sql)).getRows().length;
    runs.push(seconds(begin));
  }
  return { seconds: median(runs), rows };
}

const startup = timeKinetics('SELECT 1').seconds;
const line = (cells: string[]) => console.log(cells.map((cell, index) => (index === 0 ? cell.padEnd(42) : cell.padStart(10))).join(' '));
console.log(`bench:query — ${catalog}`);
console.log(`kinetics query "select 1" (process start-up, the child that runs the query included): ${startup.toFixed(3)} s`);
console.log(`DuckDB: loading the same rows from CSV: ${duckLoad.toFixed(2)} s`);
line(['question', 'rows', 'kinetics', 'over start', 'duckdb', 'ratio']);
const overStart: number[] = [];
const ratios: number[] = [];
for (const question of questions) {
  const ours = timeKinetics(question.sql);
  const theirs = await timeDuck(question.sql);
  if (ours.rows !== theirs.rows) throw new Error(`${question.name}: kinetics gave ${ours.rows} rows, DuckDB ${theirs.rows}`);
  const over = Math.max(0, ours.seconds - startup);
  overStart.push(over);
  ratios.push(over / theirs.seconds);
  line([question.name, String(ours.rows), `${ours.seconds.toFixed(3)} s`, `${over.toFixed(3)} s`, `${theirs.seconds.toFixed(3)} s`, `${(over / theirs.seconds).toFixed(2)}×`]);
}
console.log(`questions: ${questions.length}; slowest over start-up ${Math.max(...overStart).toFixed(3)} s (goal ≤ 1 s); median ${median(overStart).toFixed(3)} s (goal ≤ 0.25 s)`);
console.log(`within 2× DuckDB: ${ratios.filter((ratio) => ratio <= 2).length} of ${questions.length}; median ratio ${median(ratios).toFixed(2)}×`);
