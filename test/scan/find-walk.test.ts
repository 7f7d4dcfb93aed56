import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { walkWithFind } from '../../src/scan/find-walk.js';
import { type WalkedDir, type WalkedFile, walkTree } from '../../src/scan/walk-tree.js';
import { tempDir } from '../helpers/temp.js';

function collect(): { files: WalkedFile[]; dirs: WalkedDir[]; unreadable: string[]; options: Parameters<typeof walkTree>[1] } {
  const files: WalkedFile[] = [];
  const dirs: WalkedDir[] = [];
  const unreadable: string[] = [];
  const options = { onDir: (dir: WalkedDir) => dirs.push(dir), onFile: (file: WalkedFile) => files.push(file), onUnreadable: (path: string, error: Error) => unreadable.push(`${path}: ${error.message}`) };
  return { files, dirs, unreadable, options };
}

const byPath = <T extends { path: string }>(rows: T[]) => [...rows].sort((a, b) => (a.path < b.path ? -1 : 1));

test("find's records read as Node's walk reads the same tree: folders, names, sizes, and mtimes to the millisecond (before 1970 too); a name that is not UTF-8 is passed over by both, and said", async () => {
  const root = join(tempDir(), 'videos');
  const times: [string, number][] = [
    ['top.mp4', 1_733_601_234_567.891],
    ['class a/clip one.mp4', 1_000_000_000_000],
    ['class a/deeper/tab\there.mp4', 1_733_601_234_001.5],
    ['class b/old.mp4', -12_345.678],
    ['class b/older.mp4', -13_654],
    ['class b/empty', 0],
  ];
  for (const [name, mtimeMs] of times) {
    mkdirSync(join(root, name, '..'), { recursive: true });
    writeFileSync(join(root, name), name.length % 2 ? 'x'.repeat(name.length * 1000) : '');
    // touch, as Node's utimes mangles a time before 1970 with a fraction
    execFileSync('touch', ['-m', '-d', `@${(mtimeMs / 1000).toFixed(6)}`, join(root, name)]);
  }
  // A name that is not UTF-8 (café in Latin-1): passed over by both, and said.
  writeFileSync(Buffer.concat([Buffer.from(`${root}/class a/caf`), Buffer.from([0xe9]), Buffer.from('.mp4')]), 'x');
  const found = collect();
  assert.equal(await walkWithFind(root, found.options), true, 'GNU find is there');
  const walked = collect();
  walkTree(root, walked.options);
  assert.equal(found.files.length, times.length);
  assert.deepEqual(byPath(found.files), byPath(walked.files));
  assert.deepEqual(byPath(found.dirs), byPath(walked.dirs));
  assert.deepEqual(found.unreadable, [`${join(root, 'class a', 'caf\uFFFD.mp4')}: its name is not UTF-8`]);
  assert.deepEqual(walked.unreadable, found.unreadable);
  assert.deepEqual(
    byPath(found.files).map((file) => file.mtimeMs),
    [1_000_000_000_000, 1_733_601_234_001, 0, -12_345, -13_654, 1_733_601_234_567],
  );
});
