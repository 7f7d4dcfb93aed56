/**
 * npm run bench:scan — `kinetics scan` of a 200,000-file tree in 700 folders against `find DIR -type f -printf
 * '%s\n'` in the same run; an unchanged `--quick` rescan; `--verify` of 10,000 small MP4s and its unchanged rescan.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
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
line('ratio scan / find (goal ≤ 1.5)', (first / findSeconds).toFixed(2));
line('unchanged rescan --quick', `${quick.toFixed(2)} s (${(quick / first).toFixed(2)}× the first; goal ≤ 0.3)`);
line('unchanged rescan without --quick', `${plainRescan.toFixed(2)} s (${(plainRescan / first).toFixed(2)}× the first)`);
line('--verify, 10,000 small MP4s', `${verifyFirst.toFixed(2)} s (${Math.round(10_000 / verifyFirst)} files/s)`);
line('unchanged --verify rescan', `${verifyRescan.toFixed(2)} s (${(verifyRescan / verifyFirst).toFixed(2)}× the first; goal ≤ 0.5)`);
