/**
 * npm run bench:scan — `kinetics scan` of a 200,000-file tree in 700 folders against a plain Python walker that
 * stats every file into SQLite (bench/python-walker.py), and against `find DIR -type f -printf '%s\n'`, in the
 * same run; an unchanged `--quick` rescan; `--verify` of 10,000 small MP4s and its unchanged rescan.
 * Also the floor any SQLite catalog of that tree pays through better-sqlite3: the same paths, sizes and mtimes
 * inserted in one transaction and given a unique path index, with no walk, no parsing and no process start.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { minimalMp4 } from '../src/util/mp4-fixture.js';
import { clipKey } from '../src/util/clip-key.js';
import { packageRoot } from '../src/util/package-root.js';
import { benchWork } from './full-bucket.js';

const seconds = (start: bigint) => Number(process.hrtime.bigint() - start) / 1e9;

function buildTree(dir: string, files: number, folders: number): string {
  if (existsSync(join(dir, '.complete'))) return dir;
  rmSync(dir, { recursive: true, force: true });
  const video = minimalMp4(10, 256);
  for (let folder = 0; folder < folders; folder++) {
    const path = join(dir, `class ${String(folder).padStart(3, '0')}`);
    mkdirSync(path, { recursive: true });
    for (let index = folder; index < files; index += folders) {
      const id = index.toString(36).padStart(11, '-');
      writeFileSync(join(path, `${clipKey(id, index % 300, (index % 300) + 10)}.mp4`), video);
    }
  }
  writeFileSync(join(dir, '.complete'), '');
  return dir;
}

/** Seconds to insert find's rows (already in memory) and index their paths: what no SQLite catalog can skip. */
function sqliteFloor(tree: string, file: string): number {
  const rows = execFileSync('find', [tree, '-type', 'f', '-printf', '%s\t%T@\t%p\n'], { maxBuffer: 1 << 28, encoding: 'utf8' })
    .split('\n')
    .filter(Boolean)
    .map((line) => line.split('\t'));
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('cache_size = -262144');
  db.exec('CREATE TABLE files (path TEXT NOT NULL, bytes INTEGER NOT NULL, mtime_ms INTEGER NOT NULL)');
  const insert = db.prepare('INSERT INTO files VALUES (?, ?, ?)');
  const start = process.hrtime.bigint();
  db.transaction(() => {
    for (const [bytes, mtime, path] of rows) insert.run(path, Number(bytes), Math.trunc(Number(mtime) * 1000));
  })();
  db.exec('CREATE UNIQUE INDEX files_by_path ON files(path)');
  const elapsed = seconds(start);
  db.close();
  return elapsed;
}

function time(args: string[]): number {
  const start = process.hrtime.bigint();
  const result = spawnSync(process.execPath, [join(packageRoot, 'bin', 'kinetics.js'), ...args], { encoding: 'utf8' });
  const elapsed = seconds(start);
  if (result.status !== 0) throw new Error(`kinetics ${args.join(' ')} failed: ${result.stderr}`);
  return elapsed;
}

const big = buildTree(join(benchWork, 'scan-tree'), 200_000, 700);
const small = buildTree(join(benchWork, 'verify-tree'), 10_000, 100);
const work = join(benchWork, 'scan-run');
rmSync(work, { recursive: true, force: true });
mkdirSync(work, { recursive: true });

execFileSync('find', [big, '-type', 'f', '-printf', '%s\n'], { maxBuffer: 1 << 28 }); // warm the cache for both
let start = process.hrtime.bigint();
execFileSync('find', [big, '-type', 'f', '-printf', '%s\n'], { maxBuffer: 1 << 28 });
const findSeconds = seconds(start);
const floor = sqliteFloor(big, join(work, 'floor.db'));
start = process.hrtime.bigint();
execFileSync('python3', [join(packageRoot, 'bench', 'python-walker.py'), big, join(work, 'walker.db')]);
const walkerSeconds = seconds(start);
const db = join(work, 'scan.db');
const first = time(['scan', big, '--db', db, '--json']);
const quick = time(['scan', big, '--quick', '--db', db, '--json']);
const plainRescan = time(['scan', big, '--db', db, '--json']);

const verifyDb = join(work, 'verify.db');
const verifyFirst = time(['scan', small, '--verify', '--db', verifyDb, '--json']);
const verifyRescan = time(['scan', small, '--verify', '--db', verifyDb, '--json']);

const line = (label: string, value: string) => console.log(`${label.padEnd(46)} ${value}`);
console.log('bench:scan');
line('find -type f -printf %s, 200,000 files', `${findSeconds.toFixed(2)} s`);
line('kinetics scan, first (sizes, no content)', `${first.toFixed(2)} s`);
line('python walker: stat + SQLite (path, size, mtime, key)', `${walkerSeconds.toFixed(2)} s`);
line('ratio scan / python walker (goal ≤ 1.0)', (first / walkerSeconds).toFixed(2));
line('ratio scan / find (then goal ≤ 2)', (first / findSeconds).toFixed(2));
line('floor: better-sqlite3 insert + unique path index', `${floor.toFixed(2)} s (${(floor / findSeconds).toFixed(2)}× find, rows already in memory)`);
line('unchanged rescan --quick', `${quick.toFixed(2)} s (${(quick / first).toFixed(2)}× the first; goal ≤ 0.3)`);
line('unchanged rescan without --quick', `${plainRescan.toFixed(2)} s (${(plainRescan / first).toFixed(2)}× the first)`);
line('--verify, 10,000 small MP4s', `${verifyFirst.toFixed(2)} s (${Math.round(10_000 / verifyFirst)} files/s)`);
line('unchanged --verify rescan', `${verifyRescan.toFixed(2)} s (${(verifyRescan / verifyFirst).toFixed(2)}× the first; goal ≤ 0.5)`);
