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
import { minimalMp4 } from '../src/util/mp4-fixture.js';
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

// K700-2020: real val rows (CRLF, bare labels, `validate`) of the sample classes plus the first real row of every
// other class, so the catalog has the full class list that numbers the class shards; the real test sample;
// train.csv is synthetic.
const k700ValText = real('700_2020/annotations/val.csv');
const k700AllLabels = [...new Set(k700ValText.split('\r\n').slice(1).filter(Boolean).map((row) => row.slice(0, row.indexOf(','))))].sort();
const firstRowOfEach = new Set<string>();
const k700ValRows = k700ValText.split('\r\n').filter((row, index) => {
  if (index === 0 || row === '') return index === 0;
  const label = row.slice(0, row.indexOf(','));
  if (SAMPLE_CLASSES.includes(label)) return true;
  if (firstRowOfEach.has(label)) return false;
  firstRowOfEach.add(label);
  return true;
});
write('700_2020/annotations/val.csv', `${k700ValRows.join('\r\n')}\r\n`);
write('700_2020/annotations/test.csv', real('700_2020/annotations/test.csv.sample'));
write(
  '700_2020/annotations/train.csv',
  'label,youtube_id,time_start,time_end,split\r\n' +
    K600_CLASSES.flatMap((label) => syntheticClips(`k700/${label}`, 8).map((clip) => `${label},${clip.id},${clip.start},${clip.start + 10},train\r\n`)).join(''),
);
for (const path of ['700_2020/K700_2020_readme.txt', '700_2020/train/k700_2020_train_path.txt', '700_2020/val/k700_2020_val_path.txt', '700_2020/test/k700_2020_test_path.txt']) copy(path);

// Shards in the real layouts, holding tiny valid MP4s (ftyp + moov/mvhd + mdat; not playable video):
// K400 val: the sample's clips spread over all 20 random parts, `./` then flat members; part_1 is a plain tar
// under its .tar.gz name with 7 leading folders (as K400 part_120 once was). K400 replacement: a few train clips.
// K600 val: one class tar with spaces in its name (flat), one with a class folder and macOS `._*` junk.
// K700-2020 val: the numbered class tars of the sample classes (`<class>/<clip>.mp4`), one member truncated.
const shardStaging = join(packageRoot, 'data', '.shards');
const clip = minimalMp4(10);
async function writeShard(path: string, members: Record<string, Buffer>, options: { gzip?: boolean; dirs?: string[] } = {}) {
  rmSync(shardStaging, { recursive: true, force: true });
  for (const [member, bytes] of Object.entries(members)) {
    mkdirSync(dirname(join(shardStaging, member)), { recursive: true });
    writeFileSync(join(shardStaging, member), bytes);
  }
  mkdirSync(dirname(join(out, path)), { recursive: true });
  await create(
    { gzip: options.gzip ?? true, portable: true, noDirRecurse: true, cwd: shardStaging, file: join(out, path), mtime: new Date('2020-10-01T00:00:00Z') },
    [...(options.dirs ?? []), ...Object.keys(members)],
  );
}
const stems = (csv: string, label?: string) =>
  csv
    .split(/\r?\n/)
    .slice(1)
    .filter((row) => row !== '' && (label === undefined || row.startsWith(`${label},`) || row.startsWith(`"${label}",`)))
    .map((row) => {
      const fields = row.replace(/^"[^"]*"/, 'x').split(',');
      return `${fields[1]}_${pad(Number(fields[2]))}_${pad(Number(fields[3]))}`;
    });
const k400ValStems = stems(k400Val);
for (let part = 0; part < 20; part++) {
  const members = k400ValStems.filter((stem) => createHash('sha256').update(stem).digest()[0]! % 20 === part);
  if (part === 1) {
    const deep = 'a/b/c/d/e/f/g';
    await writeShard(`400/val/part_${part}.tar.gz`, Object.fromEntries(members.map((stem) => [`${deep}/${stem}.mp4`, clip])), { gzip: false });
  } else {
    await writeShard(`400/val/part_${part}.tar.gz`, Object.fromEntries(members.map((stem) => [`./${stem}.mp4`, clip])), { dirs: ['./'] });
  }
}
const k400TrainStems = stems(readFileSync(join(out, '400/annotations/train.csv'), 'latin1')).slice(0, 3);
await writeShard('400/replacement_for_corrupted_k400.tgz', Object.fromEntries(k400TrainStems.map((stem) => [`replacement_for_corrupted_k400/${stem}.mp4`, clip])));
const listing = readFileSync(join(out, '600/annotations/val.txt'), 'latin1');
const listed = (label: string) => {
  const block = listing.split(`val/${label}:\n`)[1] ?? '';
  return block.split('\n\n')[0]!.split('\n').filter((line) => line.endsWith('.mp4'));
};
await writeShard('600/val/tying knot (not on a tie).tar.gz', Object.fromEntries(listed('tying knot (not on a tie)').map((file) => [`./${file}`, clip])));
await writeShard(
  '600/val/swinging baseball bat.tar.gz',
  Object.fromEntries(listed('swinging baseball bat').flatMap((file) => [[`swinging baseball bat/${file}`, clip], [`swinging baseball bat/._${file}`, Buffer.from('AppleDouble junk')]])),
);
const k700Val = readFileSync(join(out, '700_2020/annotations/val.csv'), 'latin1');
for (const label of K600_CLASSES) {
  const number = String(k700AllLabels.indexOf(label) + 1).padStart(3, '0');
  const members = stems(k700Val, label);
  await writeShard(
    `700_2020/val/k700_val_${number}.tar.gz`,
    Object.fromEntries(members.map((stem, index) => [`${label}/${stem}.mp4`, label === 'photobombing' && index === 0 ? clip.subarray(0, clip.length - 30) : clip])),
  );
}
rmSync(shardStaging, { recursive: true, force: true });

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

Shards (tiny valid MP4s, not playable video, in the real layouts): \`400/val/part_0..19.tar.gz\` (the sample's K400
val clips spread at random; part_1 is a plain tar under a .tar.gz name with 7 leading folders),
\`400/replacement_for_corrupted_k400.tgz\` (3 train clips), \`600/val/tying knot (not on a tie).tar.gz\` (flat) and
\`600/val/swinging baseball bat.tar.gz\` (a class folder and \`._*\` junk), and \`700_2020/val/k700_val_NNN.tar.gz\` for
the sample classes (\`<class>/<clip>.mp4\`; the first photobombing member is truncated on purpose). Other shards in
the path lists are not in the sample bucket. 700_2020/annotations/val.csv also holds the first real row of every
other class, so the catalog knows all 700 class names (the class shards are numbered by them).

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
