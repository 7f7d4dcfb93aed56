/**
 * The full-size catalog the query and scale benches ask: the full bucket ingested, and a tree of 200,000 K700-2020
 * train clips laid out as `fetch` lays them out (every 2.68th clip, so every class is partly on disk), with a few
 * empty, damaged and short files and 1,000 files no clip claims, scanned with --verify. Built once into
 * bench/.work/catalog; each bench works on a copy.
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { clipDestination } from '../src/fetch/video-layout.js';
import { minimalMp4 } from '../src/util/mp4-fixture.js';
import { packageRoot } from '../src/util/package-root.js';
import { BUCKET_LAYOUT, benchWork, fullBucket } from './full-bucket.js';

export const TREE_FILES = 200_000;
export const kineticsBin = join(packageRoot, 'bin', 'kinetics.js');

function kinetics(args: string[]): void {
  execFileSync(process.execPath, [kineticsBin, ...args], { stdio: ['ignore', 'ignore', 'inherit'], maxBuffer: 1 << 26 });
}

/** Returns { catalog, videos, bucket }: a fresh copy of the built catalog at `copyTo`, building it first if needed. */
export async function fullCatalog(copyTo: string): Promise<{ catalog: string; videos: string; bucket: string }> {
  const bucket = await fullBucket();
  const dir = join(benchWork, 'catalog');
  const built = join(dir, 'catalog.db');
  const videos = join(dir, 'videos');
  const complete = join(dir, '.complete');
  // Made from a bucket of another layout: made again.
  if (!existsSync(complete) || readFileSync(complete, 'utf8') !== BUCKET_LAYOUT) {
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    console.error('building the full-size catalog and a 200,000-file tree (once) …');
    kinetics(['ingest', '--source', bucket, '--db', built, '--json']);
    const db = new BetterSqlite3(built, { readonly: true });
    const clips = db
      .prepare("SELECT clip_key, label FROM clip_annotations WHERE version = 'k700-2020' AND split = 'train' ORDER BY clip_key")
      .all() as { clip_key: string; label: string }[];
    db.close();
    const good = minimalMp4(10, 256);
    const short = minimalMp4(3, 256);
    const stride = clips.length / TREE_FILES;
    for (let index = 0; index < TREE_FILES; index++) {
      const clip = clips[Math.floor(index * stride)]!;
      const file = clipDestination(videos, { version: 'k700-2020', split: 'train', label: clip.label }, `${clip.clip_key}.mp4`);
      mkdirSync(join(file, '..'), { recursive: true });
      const content = index % 200 === 1 ? Buffer.alloc(0) : index % 200 === 2 ? Buffer.from('not a video') : index % 100 === 3 ? short : good;
      writeFileSync(file, content);
    }
    mkdirSync(join(videos, 'unsorted'), { recursive: true });
    for (let index = 0; index < 1000; index++) writeFileSync(join(videos, 'unsorted', `stray_${index}.mp4`), good);
    kinetics(['scan', videos, '--verify', '--db', built, '--json']);
    writeFileSync(complete, BUCKET_LAYOUT);
  }
  // A catalog built by an earlier build is upgraded here, once, so that no bench times the migration.
  kinetics(['query', 'SELECT 1', '--db', built, '--csv']);
  mkdirSync(join(copyTo, '..'), { recursive: true });
  rmSync(copyTo, { force: true });
  copyFileSync(built, copyTo);
  return { catalog: copyTo, videos, bucket };
}
