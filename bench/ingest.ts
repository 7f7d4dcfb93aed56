/**
 * npm run bench:ingest — `kinetics ingest` of a full-size bucket (≈1.45M clip rows) from a directory source,
 * against the sqlite3 CLI importing the same rows into a table with the same indexes; the same with its indexes sorted
 * by helper threads, as the catalog's are (stricter); the CLI importing the raw files; and, proposed as the fairer
 * baseline, the same followed by the ingest's checks and label counts in SQL (these two sorted as the stricter one).
 * All of them in rounds (BENCH_ROUNDS, 3), each round starting with the next one; medians compared. The sqlite3 CLI is the system's (an older
 * SQLite than better-sqlite3's, both printed).
 * Also: an unchanged re-run, the full bucket ingested after the sample bucket, one changed file loaded again, and a
 * 5-class subset query on the resulting catalog.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { closeSync, copyFileSync, cpSync, createReadStream, createWriteStream, mkdirSync, openSync, readFileSync, readSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import BetterSqlite3 from 'better-sqlite3';
import { parseAnnotationsCsv } from '../src/ingest/parsers/annotations-csv.js';
import { readCsvRecords } from '../src/ingest/parsers/csv-records.js';
import { parseLsRListing } from '../src/ingest/parsers/ls-r-listing.js';
import { VERSIONS, bucketFiles, normaliseSplit } from '../src/sources/bucket-layout.js';
import { packageRoot } from '../src/util/package-root.js';
import { benchWork, fullBucket } from './full-bucket.js';
import { BENCH_ROUNDS, describeRounds, inRounds, removeDatabase } from './rounds.js';

const seconds = (start: bigint) => Number(process.hrtime.bigint() - start) / 1e9;

const bucket = await fullBucket();
const work = join(benchWork, 'run');
rmSync(work, { recursive: true, force: true });
mkdirSync(work, { recursive: true });

// The baseline's input: the same clip rows as plain CSV with the catalog's columns (prepared, not timed).
const annotationFiles = bucketFiles(VERSIONS, false).filter((file) => file.format === 'annotations-csv' || file.format === 'ls-r-listing');
const csvFiles: string[] = [];
let totalRows = 0;
for (const file of annotationFiles) {
  const out = join(work, `${file.path.replaceAll('/', '_')}.csv`);
  const stream = createWriteStream(out);
  let buffer = '';
  const parse = file.format === 'ls-r-listing' ? parseLsRListing : parseAnnotationsCsv;
  await parse(createReadStream(join(bucket, file.path)), file.path, file.split!, (row) => {
    const label = row.label === null ? '' : `"${row.label}"`;
    buffer += `${file.version},${row.split},${row.clipKey},${row.youtubeId},${row.timeStart},${row.timeEnd},${label},${row.isCc ?? ''}\n`;
    totalRows++;
    if (buffer.length > 1 << 20) {
      stream.write(buffer);
      buffer = '';
    }
  });
  stream.end(buffer);
  await once(stream, 'finish');
  csvFiles.push(out);
}

const baselineDb = join(work, 'baseline.db');
const script = join(work, 'baseline.sql');
writeFileSync(
  script,
  [
    'PRAGMA journal_mode = WAL;',
    'PRAGMA synchronous = NORMAL;',
    'PRAGMA cache_size = -262144;',
    // As the catalog's connection; which leaves the helper threads idle when the indexes are built (see below).
    `PRAGMA threads = ${availableParallelism()};`,
    'CREATE TABLE clips (version TEXT, split TEXT, clip_key TEXT, youtube_id TEXT, time_start INTEGER, time_end INTEGER, label TEXT, is_cc INTEGER);',
    'BEGIN;',
    ...csvFiles.map((file) => `.import --csv '${file}' clips`),
    'COMMIT;',
    // The catalog's keys, built after the load as the ingester builds them; the status every clip has until a scan.
    "ALTER TABLE clips ADD COLUMN status TEXT NOT NULL DEFAULT 'missing';",
    'CREATE INDEX clips_by_key ON clips (clip_key, version, split, label);',
    'CREATE INDEX clips_by_split_label ON clips (version, split, label, clip_key);',
    'CREATE INDEX clips_by_youtube_id ON clips (youtube_id, version, split, time_start, time_end);',
    'CREATE INDEX clips_by_status ON clips (status);',
  ].join('\n') + '\n',
);

// A stricter baseline: the catalog builds its indexes with a small page cache, so that SQLite sorts them in runs its
// helper threads share (with a 256 MiB cache each index is one run, sorted on one core): so does this one.
const parallelDb = join(work, 'baseline-parallel.db');
const parallelScript = join(work, 'baseline-parallel.sql');
writeFileSync(parallelScript, readFileSync(script, 'utf8').replace('COMMIT;\n', 'COMMIT;\nPRAGMA cache_size = -4096;\n'));

// A fairer baseline: what a user of the sqlite3 CLI would do with the files as CVDF publishes them. Each raw CSV is
// .import-ed as it is (its header names the columns), and its rows go into the table with the clip key computed in
// SQL; K600's `ls -R` listings are no CSV, so their rows come from the prepared CSVs above (a user would need a script).
const firstLine = (path: string) => {
  const fd = openSync(path, 'r');
  const buffer = Buffer.alloc(256);
  const read = readSync(fd, buffer, 0, 256, 0);
  closeSync(fd);
  return buffer.subarray(0, read).toString('utf8').split(/\r?\n/)[0]!;
};
const rawStatements = annotationFiles.flatMap((file, index) => {
  if (file.format === 'ls-r-listing') return [`.import --csv '${csvFiles[index]}' clips`];
  const header = firstLine(join(bucket, file.path)).split(',');
  const column = (name: string) => (header.includes(name) ? name : 'NULL');
  return [
    `.import --csv '${join(bucket, file.path)}' raw_${index}`,
    `INSERT INTO clips SELECT '${file.version}', '${file.split}', youtube_id || '_' || printf('%06d', time_start) || '_' || printf('%06d', time_end),` +
      ` youtube_id, time_start, time_end, ${column('label')}, ${column('is_cc')} FROM raw_${index};`,
    `DROP TABLE raw_${index};`,
  ];
});
const rawScript = join(work, 'baseline-raw.sql');
writeFileSync(rawScript, readFileSync(parallelScript, 'utf8').replace(/^\.import .*\n/gm, '').replace('BEGIN;\n', `BEGIN;\n${rawStatements.join('\n')}\n`));
const rawDb = join(work, 'baseline-raw.db');

// The baseline that gives the same answers (proposed as the fairer one, as bench:scan's walker keeping what the
// catalog keeps): the raw files, each checked in SQL as the ingest checks its rows before it is dropped (the YouTube
// id, whole times with the end after the start, the file's split, is_cc, the label), then one row per (clip_key,
// version, split) checked with the key index, and each label's clip count kept.
const splitNames = ['train', 'training', 'val', 'validate', 'validation', 'test', 'testing', 'holdout_test'];
const rowChecks = (file: (typeof annotationFiles)[number], table: string) => {
  const header = firstLine(join(bucket, file.path)).split(',');
  const aliases = splitNames.filter((name) => normaliseSplit(name) === file.split).map((name) => `'${name}'`);
  const wrong = [
    "length(youtube_id) <> 11 OR youtube_id GLOB '*[^A-Za-z0-9_-]*'",
    "time_start = '' OR time_start GLOB '*[^0-9]*' OR time_end = '' OR time_end GLOB '*[^0-9]*' OR CAST(time_end AS INTEGER) <= CAST(time_start AS INTEGER)",
    ...(header.includes('split') ? [`lower(trim(split)) NOT IN (${aliases.join(', ')})`] : []),
    ...(header.includes('is_cc') ? ["is_cc NOT IN ('0', '1')"] : []),
    ...(header.includes('label') ? ["trim(label) = '' OR label GLOB '*[/\\]*' OR length(label) > 200"] : []),
  ];
  return `SELECT count(*) FROM ${table} WHERE ${wrong.join(' OR ')};`;
};
const checkedStatements = annotationFiles.flatMap((file, index) =>
  file.format === 'ls-r-listing' ? [] : [[`DROP TABLE raw_${index};`, `${rowChecks(file, `raw_${index}`)}\nDROP TABLE raw_${index};`]],
);
const checks = [
  'SELECT clip_key, version, split FROM clips GROUP BY clip_key, version, split HAVING count(*) > 1 LIMIT 1;',
  'CREATE TABLE label_counts AS SELECT version, split, label, count(*) AS clips FROM clips GROUP BY version, split, label;',
];
const checkedScript = join(work, 'baseline-checked.sql');
writeFileSync(
  checkedScript,
  `${checkedStatements.reduce((text, [drop, checkedDrop]) => text.replace(`${drop}\n`, `${checkedDrop}\n`), readFileSync(rawScript, 'utf8'))}${checks.join('\n')}\n`,
);
const checkedDb = join(work, 'baseline-checked.db');

// The ingest and every baseline, in rounds (see rounds.ts); the last round's catalog is kept.
const catalogFile = join(work, 'catalog.db');
const ingestArgs = [join(packageRoot, 'bin', 'kinetics.js'), 'ingest', '--source', bucket, '--db', catalogFile, '--json'];
let summary: { rows: number; loaded: number } | undefined;
const sqlite3Into = (database: string, sql: string) => ({
  before: removeDatabase(database),
  run: () => execFileSync('sqlite3', [database, `.read '${sql}'`]),
});
const rounds = inRounds(BENCH_ROUNDS, {
  ingest: {
    before: removeDatabase(catalogFile),
    run: () => {
      const first = spawnSync(process.execPath, ingestArgs, { encoding: 'utf8' });
      if (first.status !== 0) throw new Error(`ingest failed (${first.status}): ${first.stderr}\n${first.stdout.slice(0, 2000)}`);
      summary = JSON.parse(first.stdout) as { rows: number; loaded: number };
    },
  },
  baseline: sqlite3Into(baselineDb, script),
  parallel: sqlite3Into(parallelDb, parallelScript),
  raw: sqlite3Into(rawDb, rawScript),
  checked: sqlite3Into(checkedDb, checkedScript),
});
const ingestSeconds = rounds.ingest.median;
const rowsOf = (database: string) => Number(execFileSync('sqlite3', [database, 'SELECT count(*) FROM clips']).toString().trim());
const baselineRows = rowsOf(baselineDb);
const rawRows = rowsOf(rawDb);

let start = process.hrtime.bigint();
const second = spawnSync(process.execPath, ingestArgs, { encoding: 'utf8' });
const rerunSeconds = seconds(start);
if (second.status !== 0) throw new Error(`re-ingest failed: ${second.stderr}`);

// Loads into a catalog that holds clips already: the full bucket after the sample bucket (what `npm start` leaves in
// a home), and one file changed at the source (K400 train, a sixth of the rows) loaded again into the full catalog.
const ingestInto = (database: string, source: string, expectLoaded?: number) => {
  const started = process.hrtime.bigint();
  const result = spawnSync(process.execPath, [ingestArgs[0]!, 'ingest', '--source', source, '--db', database, '--json'], { encoding: 'utf8' });
  const took = seconds(started);
  if (result.status !== 0) throw new Error(`ingest of ${source} into ${database} failed: ${result.stderr}`);
  const { loaded } = JSON.parse(result.stdout) as { loaded: number };
  if (expectLoaded !== undefined && loaded !== expectLoaded) throw new Error(`ingest of ${source} loaded ${loaded} files, not ${expectLoaded}`);
  return took;
};
const afterSampleDb = join(work, 'after-sample.db');
ingestInto(afterSampleDb, join(packageRoot, 'data', 'sample-bucket'));
const afterSampleSeconds = ingestInto(afterSampleDb, bucket);
const changedBucket = join(work, 'changed-bucket');
cpSync(bucket, changedBucket, { recursive: true, preserveTimestamps: true });
const changedFile = join(changedBucket, '400', 'annotations', 'train.csv');
writeFileSync(changedFile, readFileSync(changedFile, 'utf8').replace(/\n[^\n]*\n$/, '\n')); // its last clip dropped
const reloadDb = join(work, 'reload.db');
copyFileSync(catalogFile, reloadDb); // the catalog the questions below ask stays as ingested
const reloadSeconds = ingestInto(reloadDb, changedBucket, 1);

const db = new BetterSqlite3(catalogFile, { readonly: true });
const labels = (db.prepare("SELECT label FROM classes WHERE version = 'k700-2020' ORDER BY idx LIMIT 5 OFFSET 100").pluck().all()) as string[];
const subset = db.prepare("SELECT * FROM clips WHERE version = 'k700-2020' AND split = 'train' AND label IN (?, ?, ?, ?, ?)");
const timings: number[] = [];
let subsetRows = 0;
for (let run = 0; run < 21; run++) {
  const queryStart = process.hrtime.bigint();
  subsetRows = subset.all(...labels).length;
  timings.push(seconds(queryStart) * 1000);
}
timings.sort((a, b) => a - b);
const catalogRows = db.prepare('SELECT count(*) FROM clips').pluck().get() as number;
db.close();

// What tokenizing alone costs: csv-parse over the annotation CSVs, records dropped (the ingest does it on a thread).
start = process.hrtime.bigint();
let tokenized = 0;
for (const file of annotationFiles.filter((file) => file.format === 'annotations-csv')) {
  await readCsvRecords(createReadStream(join(bucket, file.path)), file.path, () => tokenized++);
}
const tokenizeSeconds = seconds(start);

const line = (label: string, value: string) => console.log(`${label.padEnd(44)} ${value}`);
console.log(`bench:ingest — ${bucket}`);
const sqliteVersions = `${execFileSync('sqlite3', ['-version']).toString().split(' ')[0]} (sqlite3 CLI), ${new BetterSqlite3(':memory:').prepare('SELECT sqlite_version()').pluck().get()} (better-sqlite3)`;
line('SQLite', sqliteVersions);
line('clip rows (files / catalog / sqlite3 table)', `${totalRows} / ${catalogRows} / ${baselineRows}`);
line('kinetics ingest, first run', `${describeRounds(rounds.ingest)}; ${summary!.loaded} files, ${summary!.rows} rows`);
line('sqlite3 CLI .import, same rows and key indexes', describeRounds(rounds.baseline));
line('ratio ingest / sqlite3 (goal ≤ 1.2, then ≤ 1.0)', (ingestSeconds / rounds.baseline.median).toFixed(2));
line('the same, indexes sorted by helper threads', `${describeRounds(rounds.parallel)}; small cache while they build, as the catalog's`);
line('ratio ingest / that (stricter baseline)', (ingestSeconds / rounds.parallel.median).toFixed(2));
line('sqlite3 CLI .import of the raw CSV files', `${describeRounds(rounds.raw)}; ${rawRows} rows, clip keys in SQL, K600 listings pre-parsed, sorted as the stricter`);
line('ratio ingest / sqlite3 from the raw files', (ingestSeconds / rounds.raw.median).toFixed(2));
line('the same, rows checked and labels counted', `${describeRounds(rounds.checked)}; the catalog's checks, its one row per key, its label counts, in SQL`);
line('ratio ingest / that (proposed fairer baseline)', (ingestSeconds / rounds.checked.median).toFixed(2));
line('kinetics ingest, unchanged re-run', `${rerunSeconds.toFixed(2)} s (${((rerunSeconds / ingestSeconds) * 100).toFixed(1)} % of the first run)`);
line('the full bucket after the sample bucket', `${afterSampleSeconds.toFixed(2)} s (${(afterSampleSeconds / ingestSeconds).toFixed(2)}× the first run)`);
line('K400 train changed at the source, loaded again', `${reloadSeconds.toFixed(2)} s (${(reloadSeconds / ingestSeconds).toFixed(2)}× the first run)`);
line('csv-parse alone over the annotation CSVs', `${tokenizeSeconds.toFixed(2)} s (${tokenized} records)`);
line('5-class subset query, median of 21', `${timings[10]!.toFixed(2)} ms (${subsetRows} rows; goal < 20 ms)`);
