/**
 * Builds data/sample-bucket: a small bucket in CVDF's layout for a dozen classes, from the real files in
 * ../shared/data/kinetics (or the folder given as the first argument). Real rows are kept byte for byte (CRLF,
 * quoting); the files CVDF publishes but that were not available are synthetic stand-ins in the same format, with
 * youtube ids starting `zz` so they can never be mistaken for real clips. Run: npm run sample
 */
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { create } from 'tar';
import { packageRoot } from '../src/util/package-root.js';

const shared = resolve(process.argv[2] ?? join(packageRoot, '..', 'shared', 'data', 'kinetics'));
const out = join(packageRoot, 'data', 'sample-bucket');
if (!existsSync(shared)) throw new Error(`no real files at ${shared}; pass their folder as the first argument`);

export const SAMPLE_CLASSES = [
  'abseiling',
  'air drumming',
  'hugging',
  'hugging (not baby)',
  'situp',
  'jumping jacks',
  'battle rope training',
  'playing ocarina',
  'swinging baseball bat',
  'tying knot (not on a tie)',
  'skateboarding',
  'pushing cart',
  'photobombing',
];
const K600_CLASSES = SAMPLE_CLASSES.filter((label) => label !== 'hugging');

const real = (path: string) => readFileSync(join(shared, path), 'latin1');
const write = (path: string, text: string) => {
  mkdirSync(dirname(join(out, path)), { recursive: true });
  writeFileSync(join(out, path), text, 'latin1');
};
const copy = (path: string) => {
  mkdirSync(dirname(join(out, path)), { recursive: true });
  cpSync(join(shared, path), join(out, path));
};

/** Keeps the header and the rows whose first field (quoted or not) is one of the labels. */
function rowsOfClasses(text: string, labels: string[]): string {
  const newline = text.includes('\r\n') ? '\r\n' : '\n';
  const [header, ...rows] = text.split(newline);
  const wanted = new Set(labels);
  const label = (row: string) => (row.startsWith('"') ? row.slice(1, row.indexOf('"', 1)) : row.slice(0, row.indexOf(',')));
  return [header, ...rows.filter((row) => row !== '' && wanted.has(label(row)))].join(newline) + newline;
}

function firstRows(text: string, count: number): string {
  const newline = text.includes('\r\n') ? '\r\n' : '\n';
  return text.split(newline).slice(0, count + 1).join(newline) + newline;
}

/** Deterministic ids of the real shape (11 chars of [A-Za-z0-9_-]) that real YouTube ids are unlikely to take. */
function syntheticClips(seed: string, count: number): { id: string; start: number }[] {
  return Array.from({ length: count }, (_, index) => {
    const digest = createHash('sha256').update(`${seed}/${index}`).digest();
    return { id: `zz${digest.toString('base64url').slice(0, 9)}`, start: digest.readUInt16BE(12) % 290 };
  });
}

const csvLabel = (label: string) => (label.includes(' ') ? `"${label}"` : label);
const pad = (seconds: number) => String(seconds).padStart(6, '0');

rmSync(out, { recursive: true, force: true });

// K400: real val/test rows of the sample classes; train.csv is synthetic (the real one was not available).
const k400Val = rowsOfClasses(real('400/annotations/val.csv'), SAMPLE_CLASSES);
write('400/annotations/val.csv', k400Val);
write('400/annotations/test.csv', rowsOfClasses(real('400/annotations/test.csv'), SAMPLE_CLASSES));
const k400Labels = [...new Set(k400Val.split('\n').slice(1, -1).map((row) => (row.startsWith('"') ? row.slice(1, row.indexOf('"', 1)) : row.split(',')[0]!)))];
write(
  '400/annotations/train.csv',
  'label,youtube_id,time_start,time_end,split,is_cc\n' +
    k400Labels
      .flatMap((label) => syntheticClips(`k400/${label}`, 8).map((clip, index) => `${csvLabel(label)},${clip.id},${clip.start},${clip.start + 10},train,${index % 5 === 0 ? 1 : 0}\n`))
      .join(''),
);
for (const path of ['400/readme.md', '400/train/k400_train_path.txt', '400/val/k400_val_path.txt', '400/test/k400_test_path.txt']) copy(path);

// K600: the real val listing (its first class blocks), real test rows; train.txt and the holdout are synthetic.
const k600Listing = real('600/annotations/val.txt.sample');
write('600/annotations/val.txt', k600Listing.slice(0, k600Listing.lastIndexOf('\n\n') + 1));
const rootFolders = k600Listing.slice(0, k600Listing.indexOf('\n\n'));
write(
  '600/annotations/train.txt',
  rootFolders.replace(/^val:/, 'train:') +
    '\n\n' +
    K600_CLASSES.map(
      (label) => `train/${label}:\n${syntheticClips(`k600/${label}`, 8).map((clip) => `${clip.id}_${pad(clip.start)}_${pad(clip.start + 10)}.mp4\n`).join('')}`,
    ).join('\n'),
);
write('600/annotations/test.csv', firstRows(real('600/annotations/test.csv'), 300));
write(
  '600/annotations/kinetics600_holdout_test.csv',
  'youtube_id,time_start,time_end,split\n' +
    syntheticClips('k600/holdout', 40).map((clip) => `${clip.id},${clip.start},${clip.start + 10},holdout_test\n`).join(''),
);
for (const path of ['600/readme.md', '600/train/k600_train_path.txt', '600/val/k600_val_path.txt', '600/test/k600_test_path.txt']) copy(path);

// K700-2020: real val rows (CRLF, bare labels, `validate`), the real test sample; train.csv is synthetic.
write('700_2020/annotations/val.csv', rowsOfClasses(real('700_2020/annotations/val.csv'), SAMPLE_CLASSES));
write('700_2020/annotations/test.csv', real('700_2020/annotations/test.csv.sample'));
write(
  '700_2020/annotations/train.csv',
  'label,youtube_id,time_start,time_end,split\r\n' +
    K600_CLASSES.flatMap((label) => syntheticClips(`k700/${label}`, 8).map((clip) => `${label},${clip.id},${clip.start},${clip.start + 10},train\r\n`)).join(''),
);
for (const path of ['700_2020/K700_2020_readme.txt', '700_2020/train/k700_2020_train_path.txt', '700_2020/val/k700_2020_val_path.txt', '700_2020/test/k700_2020_test_path.txt']) copy(path);

// Downstream tarballs, members as CVDF ships them, rows of the sample classes (Countix test has no class column).
const staging = join(packageRoot, 'data', '.staging');
rmSync(staging, { recursive: true, force: true });
const stage = (path: string, text: string) => {
  mkdirSync(dirname(join(staging, path)), { recursive: true });
  writeFileSync(join(staging, path), text, 'latin1');
};
stage('countix/countix_train.csv', rowsOfColumn(real('downstream/countix/countix_train.csv'), 1, SAMPLE_CLASSES));
stage('countix/countix_val.csv', rowsOfColumn(real('downstream/countix/countix_val.csv'), 1, SAMPLE_CLASSES));
stage('countix/countix_test.csv', firstRows(real('downstream/countix/countix_test.csv'), 40));
stage('countix/README', real('downstream/countix/README'));
stage('ava_kinetics_v1_0/kinetics_val_v1.0.csv', real('downstream/ava_kinetics_v1_0/kinetics_val_v1.0.csv.sample'));
stage('ava_kinetics_v1_0/README.txt', real('downstream/ava_kinetics_v1_0/README.txt'));
mkdirSync(join(out, '700_2020/annotations'), { recursive: true });
const tarOptions = { gzip: true, portable: true, cwd: staging, mtime: new Date('2020-10-01T00:00:00Z'), noDirRecurse: false };
await create({ ...tarOptions, file: join(out, '700_2020/annotations/countix.tar.gz') }, ['countix/countix_train.csv', 'countix/countix_val.csv', 'countix/countix_test.csv', 'countix/README']);
await create({ ...tarOptions, file: join(out, '700_2020/annotations/ava_kinetics_v1_0.tar.gz') }, ['ava_kinetics_v1_0/kinetics_val_v1.0.csv', 'ava_kinetics_v1_0/README.txt']);
rmSync(staging, { recursive: true, force: true });

function rowsOfColumn(text: string, column: number, labels: string[]): string {
  const [header, ...rows] = text.split('\n');
  const wanted = new Set(labels);
  return [header, ...rows.filter((row) => row !== '' && wanted.has(row.split(',')[column]!))].join('\n') + '\n';
}

writeFileSync(
  join(out, 'SAMPLE.md'),
  `# The sample bucket

A small copy of \`https://s3.amazonaws.com/kinetics/\` in the same layout, made by \`npm run sample\`
(scripts/make-sample-bucket.ts) from real CVDF files. Classes: ${SAMPLE_CLASSES.join(', ')}.

Real rows, byte for byte: 400/annotations/{val,test}.csv (the sample classes), 600/annotations/val.txt (the first
class blocks of the real \`ls -R\` listing), 600/annotations/test.csv (first 300 rows),
700_2020/annotations/val.csv (the sample classes, CRLF), 700_2020/annotations/test.csv (first rows), every path
list and readme in full, Countix train/val rows of the sample classes and the first Countix test rows, and
AVA-Kinetics val rows.

Synthetic stand-ins, in the exact format, for files that were not available: 400/annotations/train.csv,
600/annotations/train.txt, 600/annotations/kinetics600_holdout_test.csv, 700_2020/annotations/train.csv. Their
youtube ids start with \`zz\` and are not real videos.

## Attribution
Kinetics annotations © DeepMind, CC BY 4.0 (https://deepmind.com/research/open-source/kinetics).
Countix © Google, CC BY 4.0. AVA-Kinetics © Google, CC BY 4.0 (https://research.google.com/ava/).
Path lists and readmes: the Common Visual Data Foundation's Kinetics mirror (https://github.com/cvdfoundation/kinetics-dataset).
`,
);
console.log(`wrote ${out}`);
