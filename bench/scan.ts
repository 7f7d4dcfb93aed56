/**
 * npm run bench:scan — `kinetics scan` of a 200,000-file tree in 700 folders against a plain Python walker that
 * stats every file into SQLite (bench/python-walker.py), the same walker keeping what the catalog keeps (a fairer
 * baseline: a folder index, a status, the file serving each clip), and `find DIR -type f -printf '%s\n'`, in the
 * same run, in rounds (BENCH_ROUNDS, 3: their medians are compared); an unchanged `--quick` rescan; the same tree
 * scanned into a catalog holding another root's files; `--verify` of 10,000 small MP4s and its unchanged rescan; `--decode` of
 * real H.264 clips against mmaction2's check (every frame of each clip decoded, here by ffmpeg, with as many
 * processes at once), once for clips of one keyframe (x264's default for a 10 s clip) and once with one each 2 s.
 * Also the floor any SQLite catalog of that tree pays through better-sqlite3: the same paths, sizes and mtimes
 * inserted in one transaction and given a unique path index, with no walk, no parsing and no process start.
 */
import { execFile, execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { minimalMp4 } from '../src/util/mp4-fixture.js';
import { clipKey } from '../src/util/clip-key.js';
import { packageRoot } from '../src/util/package-root.js';
import { eachLimited } from '../src/util/each-limited.js';
import { benchWork } from './full-bucket.js';
import { BENCH_ROUNDS, describeRounds, inRounds, removeDatabase } from './rounds.js';

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

const DECODE_CLIPS = 240;
const DISTINCT_CLIPS = 24;

/** Real 10 s H.264 clips at 340×256 and 30 frames a second, with sound, as CVDF's are; copies of a few encodes. */
function buildDecodeTree(dir: string, keyframeEvery: string[]): string {
  if (existsSync(join(dir, '.complete'))) return dir;
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const encoded = Array.from({ length: DISTINCT_CLIPS }, (_, index) => {
    const path = join(dir, `encoded-${index}.mp4.src`);
    execFileSync('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-y', '-f', 'lavfi', '-i', `testsrc2=size=340x256:rate=30,hue=h=${index * 15}`,
      '-f', 'lavfi', '-i', 'sine', '-t', '10', '-c:v', 'libx264', ...keyframeEvery, '-pix_fmt', 'yuv420p', '-c:a', 'aac', '-shortest', '-f', 'mp4', path]);
    return path;
  });
  for (let index = 0; index < DECODE_CLIPS; index++) {
    copyFileSync(encoded[index % DISTINCT_CLIPS]!, join(dir, `${clipKey(index.toString(36).padStart(11, 'd'), 0, 10)}.mp4`));
  }
  writeFileSync(join(dir, '.complete'), '');
  return dir;
}

/** mmaction2's check_videos.py way: every frame of every clip decoded, `jobs` clips at once. */
async function decodeEveryFrame(dir: string, jobs: number): Promise<number> {
  const files = execFileSync('find', [dir, '-name', '*.mp4'], { encoding: 'utf8' }).trim().split('\n');
  const start = process.hrtime.bigint();
  await eachLimited(files, jobs, (file) => new Promise<void>((resolve, reject) => {
    execFile('ffmpeg', ['-hide_banner', '-nostdin', '-loglevel', 'error', '-threads', '1', '-i', file, '-map', '0:v:0', '-f', 'null', '-'], (error) => (error ? reject(error) : resolve()));
  }));
  return seconds(start);
}

const big = buildTree(join(benchWork, 'scan-tree'), 200_000, 700);
const small = buildTree(join(benchWork, 'verify-tree'), 10_000, 100);
const work = join(benchWork, 'scan-run');
rmSync(work, { recursive: true, force: true });
mkdirSync(work, { recursive: true });

execFileSync('find', [big, '-type', 'f', '-printf', '%s\n'], { maxBuffer: 1 << 28 }); // warm the cache for all
const floor = sqliteFloor(big, join(work, 'floor.db'));
const pythonWalker = (database: string, ...options: string[]) => ({
  before: removeDatabase(join(work, database)),
  run: () => execFileSync('python3', [join(packageRoot, 'bench', 'python-walker.py'), big, join(work, database), ...options]),
});
const db = join(work, 'scan.db');
const rounds = inRounds(BENCH_ROUNDS, {
  find: { run: () => execFileSync('find', [big, '-type', 'f', '-printf', '%s\n'], { maxBuffer: 1 << 28 }) },
  scan: { before: removeDatabase(db), run: () => time(['scan', big, '--db', db, '--json']) },
  walker: pythonWalker('walker.db'),
  sameAnswers: pythonWalker('walker-same-answers.db', '--same-answers'),
});
const findSeconds = rounds.find.median;
const first = rounds.scan.median;
const walkerSeconds = rounds.walker.median;
const sameAnswersSeconds = rounds.sameAnswers.median;
const quick = time(['scan', big, '--quick', '--db', db, '--json']);
const plainRescan = time(['scan', big, '--db', db, '--json']);

// A catalog that already holds another root's files (one folder, whose statistics rate the folder index useless):
// the big tree's files are upserted with every index live, the way any scan after the first writes.
const afterOther = join(work, 'after-other.db');
time(['scan', buildTree(join(benchWork, 'one-folder-tree'), 300, 1), '--db', afterOther, '--json']);
const afterOtherRoot = time(['scan', big, '--db', afterOther, '--json']);

const verifyDb = join(work, 'verify.db');
const verifyFirst = time(['scan', small, '--verify', '--db', verifyDb, '--json']);
const verifyRescan = time(['scan', small, '--verify', '--db', verifyDb, '--json']);

const line = (label: string, value: string) => console.log(`${label.padEnd(46)} ${value}`);
console.log('bench:scan');
line('find -type f -printf %s, 200,000 files', describeRounds(rounds.find));
line('kinetics scan, first (sizes, no content)', describeRounds(rounds.scan));
line('python walker: stat + SQLite (path, size, mtime, key)', describeRounds(rounds.walker));
line('ratio scan / python walker (goal ≤ 1.0)', (first / walkerSeconds).toFixed(2));
line('python walker keeping what the catalog keeps', `${describeRounds(rounds.sameAnswers)}; folder index, status, serving file per clip`);
line('ratio scan / that walker (fairer baseline)', (first / sameAnswersSeconds).toFixed(2));
line('ratio scan / find (then goal ≤ 2)', (first / findSeconds).toFixed(2));
line('floor: better-sqlite3 insert + unique path index', `${floor.toFixed(2)} s (${(floor / findSeconds).toFixed(2)}× find, rows already in memory)`);
line('unchanged rescan --quick', `${quick.toFixed(2)} s (${(quick / first).toFixed(2)}× the first; goal ≤ 0.3)`);
line('unchanged rescan without --quick', `${plainRescan.toFixed(2)} s (${(plainRescan / first).toFixed(2)}× the first)`);
line('the same tree scanned after another root', `${afterOtherRoot.toFixed(2)} s (${(afterOtherRoot / first).toFixed(2)}× the first; indexes live, upserts)`);
line('--verify, 10,000 small MP4s', `${verifyFirst.toFixed(2)} s (${Math.round(10_000 / verifyFirst)} files/s)`);
line('unchanged --verify rescan', `${verifyRescan.toFixed(2)} s (${(verifyRescan / verifyFirst).toFixed(2)}× the first; goal ≤ 0.5)`);

const jobs = availableParallelism();
for (const [label, keyframes] of [['one keyframe a clip', []], ['a keyframe each 2 s', ['-g', '60']]] as const) {
  const tree = buildDecodeTree(join(benchWork, `decode-tree-${keyframes.length === 0 ? 'one-gop' : 'gop-60'}`), [...keyframes]);
  const decodeDb = join(work, `decode-${keyframes.length}.db`);
  time(['scan', tree, '--verify', '--db', decodeDb, '--json']);
  const ours = time(['scan', tree, '--decode', '--jobs', String(jobs), '--db', decodeDb, '--json']);
  const everyFrame = await decodeEveryFrame(tree, jobs);
  line(`--decode, ${DECODE_CLIPS} clips, ${label}`, `${ours.toFixed(2)} s (${(DECODE_CLIPS / ours).toFixed(1)} clips/s, ${jobs} jobs)`);
  line('  mmaction2 way: every frame, ffmpeg a clip', `${everyFrame.toFixed(2)} s (${(DECODE_CLIPS / everyFrame).toFixed(1)} clips/s); ratio ${(ours / everyFrame).toFixed(2)}`);
}
