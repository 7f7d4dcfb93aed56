/**
 * A full-size bucket for benchmarks: the real files where they exist (../shared/data/kinetics, else the sample
 * bucket), and synthetic files at the real row counts where they do not (K400 train, K700-2020 train and test,
 * K600 train/val listings and holdout), laid out as the real ones (see BUCKET_LAYOUT). ≈1.45M clip rows. Built once
 * into bench/.work/bucket.
 */
import { createHash } from 'node:crypto';
import { cpSync, createWriteStream, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { once } from 'node:events';
import { packageRoot } from '../src/util/package-root.js';

export const benchWork = join(packageRoot, 'bench', '.work');
const realRoot = join(packageRoot, '..', 'shared', 'data', 'kinetics');
const sampleRoot = join(packageRoot, 'data', 'sample-bucket');

export const ROW_COUNTS = { k400Train: 246_534, k700Train: 536_699, k700Test: 64_535, k600Train: 391_000, k600Val: 29_791, k600Holdout: 12_840 };

function ids(seed: string, index: number): { id: string; start: number } {
  const digest = createHash('md5').update(`${seed}/${index}`).digest();
  return { id: digest.toString('base64url').slice(0, 11), start: digest.readUInt16BE(12) % 600 };
}

async function writeLines(path: string, lines: Iterable<string>): Promise<void> {
  mkdirSync(dirname(path), { recursive: true });
  const out = createWriteStream(path);
  let buffer = '';
  for (const line of lines) {
    buffer += line;
    if (buffer.length > 1 << 20) {
      if (!out.write(buffer)) await once(out, 'drain');
      buffer = '';
    }
  }
  out.end(buffer);
  await once(out, 'finish');
}

function labelsOf(csv: string): string[] {
  const rows = csv.split(/\r?\n/).slice(1).filter((row) => row !== '');
  const labels = rows.map((row) => (row.startsWith('"') ? row.slice(1, row.indexOf('"', 1)) : row.slice(0, row.indexOf(','))));
  return [...new Set(labels)].sort();
}

const pad = (n: number) => String(n).padStart(6, '0');

/**
 * What `.complete` holds. CVDF's annotation files list a class's clips together, classes in sorted order (every
 * labelled file here does), so a catalog's clips of one class are neighbours in its table; an earlier layout dealt
 * the classes out row by row, which no real file does. A bucket of another layout is made again.
 */
export const BUCKET_LAYOUT = 'layout 2: train rows grouped by class, classes in sorted order, as the real files';

/** The row numbers of `count` rows whose class is row % classes, class by class. */
function* classByClass(count: number, classes: number): Generator<number> {
  for (let label = 0; label < classes; label++) for (let row = label; row < count; row += classes) yield row;
}

/** Returns the bucket folder, building it when it is not there yet. */
export async function fullBucket(): Promise<string> {
  const bucket = join(benchWork, 'bucket');
  const complete = join(bucket, '.complete');
  if (existsSync(complete) && readFileSync(complete, 'utf8') === BUCKET_LAYOUT) return bucket;
  rmSync(bucket, { recursive: true, force: true });
  const from = existsSync(realRoot) ? realRoot : sampleRoot;
  const copy = (path: string) => {
    mkdirSync(dirname(join(bucket, path)), { recursive: true });
    cpSync(join(from, path), join(bucket, path));
  };
  for (const path of [
    '400/annotations/val.csv',
    '400/annotations/test.csv',
    '400/readme.md',
    '400/train/k400_train_path.txt',
    '400/val/k400_val_path.txt',
    '400/test/k400_test_path.txt',
    '600/annotations/test.csv',
    '600/readme.md',
    '600/train/k600_train_path.txt',
    '600/val/k600_val_path.txt',
    '600/test/k600_test_path.txt',
    '700_2020/annotations/val.csv',
    '700_2020/K700_2020_readme.txt',
    '700_2020/train/k700_2020_train_path.txt',
    '700_2020/val/k700_2020_val_path.txt',
    '700_2020/test/k700_2020_test_path.txt',
  ]) copy(path);

  const k400Labels = labelsOf(readFileSync(join(bucket, '400/annotations/val.csv'), 'utf8'));
  const k700Labels = labelsOf(readFileSync(join(bucket, '700_2020/annotations/val.csv'), 'utf8'));
  const k600Labels = [...new Set(readFileSync(join(bucket, '600/train/k600_train_path.txt'), 'utf8').split('\n').filter(Boolean).map((url) => decodeURIComponent(url.slice(url.lastIndexOf('/') + 1).replace('.tar.gz', ''))))];
  const quote = (label: string) => (label.includes(' ') ? `"${label}"` : label);

  await writeLines(join(bucket, '400/annotations/train.csv'), (function* () {
    yield 'label,youtube_id,time_start,time_end,split,is_cc\n';
    for (const i of classByClass(ROW_COUNTS.k400Train, k400Labels.length)) {
      const clip = ids('k400', i);
      yield `${quote(k400Labels[i % k400Labels.length]!)},${clip.id},${clip.start},${clip.start + 10},train,${i % 7 === 0 ? 1 : 0}\n`;
    }
  })());
  await writeLines(join(bucket, '700_2020/annotations/train.csv'), (function* () {
    yield 'label,youtube_id,time_start,time_end,split\r\n';
    for (const i of classByClass(ROW_COUNTS.k700Train, k700Labels.length)) {
      const clip = ids('k700', i);
      yield `${k700Labels[i % k700Labels.length]},${clip.id},${clip.start},${clip.start + 10},train\r\n`;
    }
  })());
  await writeLines(join(bucket, '700_2020/annotations/test.csv'), (function* () {
    yield 'youtube_id,time_start,time_end,split\r\n';
    for (let i = 0; i < ROW_COUNTS.k700Test; i++) {
      const clip = ids('k700test', i);
      yield `${clip.id},${clip.start},${clip.start + 10},test\r\n`;
    }
  })());
  for (const [split, count] of [['train', ROW_COUNTS.k600Train], ['val', ROW_COUNTS.k600Val]] as const) {
    await writeLines(join(bucket, `600/annotations/${split}.txt`), (function* () {
      yield `${split}:\n${k600Labels.join('\n')}\n\n`;
      const perClass = Math.ceil(count / k600Labels.length);
      let written = 0;
      for (const label of k600Labels) {
        yield `${split}/${label}:\n`;
        for (let i = 0; i < perClass && written < count; i++, written++) {
          const clip = ids(`k600${split}/${label}`, i);
          yield `${clip.id}_${pad(clip.start)}_${pad(clip.start + 10)}.mp4\n`;
        }
        yield '\n';
      }
    })());
  }
  await writeLines(join(bucket, '600/annotations/kinetics600_holdout_test.csv'), (function* () {
    yield 'youtube_id,time_start,time_end,split\n';
    for (let i = 0; i < ROW_COUNTS.k600Holdout; i++) {
      const clip = ids('k600holdout', i);
      yield `${clip.id},${clip.start},${clip.start + 10},holdout_test\n`;
    }
  })());
  for (const tarball of ['countix.tar.gz', 'ava_kinetics_v1_0.tar.gz']) copyFromSample(`700_2020/annotations/${tarball}`, bucket);
  writeFileSync(complete, BUCKET_LAYOUT);
  return bucket;
}

function copyFromSample(path: string, bucket: string): void {
  mkdirSync(dirname(join(bucket, path)), { recursive: true });
  cpSync(join(sampleRoot, path), join(bucket, path));
}

