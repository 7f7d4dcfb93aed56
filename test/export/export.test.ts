import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, lstatSync, mkdirSync, readFileSync, readdirSync, readlinkSync, realpathSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { before, describe, test } from 'node:test';
import { gunzipSync } from 'node:zlib';
import Database from 'better-sqlite3';
import { parse } from 'csv-parse/sync';
import { ingestInto, queryAll } from '../helpers/catalog.js';
import { runCli } from '../helpers/run-cli.js';
import { copyOfSampleBucket, sampleBucket, tempDir } from '../helpers/temp.js';
import { writeTree } from '../helpers/video-tree.js';
import type { ManifestDiff } from '../../src/export/manifest-diff.js';
import { classFolder } from '../../src/fetch/video-layout.js';
import { packageRoot } from '../../src/util/package-root.js';

const goldenDir = join(packageRoot, 'test', 'export', 'golden');
const home = tempDir();
const db = join(home, 'catalog.db');
const cli = (...args: string[]) => runCli([...args, '--home', home]);

interface Expected {
  path: string;
  label: string;
  label_idx: number;
}

/** What the subset should list: its ok clips with the version's label indices, in the tool's layout. */
async function expectedClips(subset: string): Promise<Expected[]> {
  return queryAll<Expected>(
    db,
    `SELECT 'k700-2020/val/' || replace(replace(replace(replace(c.label, ' ', '_'), '''', ''), '(', ''), ')', '') || '/' || c.clip_key || '.mp4' AS path,
            c.label, k.idx AS label_idx
     FROM subset_clips s JOIN clips c USING (version, split, clip_key) JOIN classes k ON k.version = c.version AND k.label = c.label
     WHERE s.subset = ? AND c.status = 'ok' ORDER BY c.label, c.clip_key`,
    subset,
  );
}

const sortByPath = (rows: { path: string; label_idx: number }[]) =>
  rows.map((row) => ({ path: row.path, label_idx: row.label_idx })).sort((a, b) => (a.path < b.path ? -1 : 1));

/** Each framework's own reading rule, reimplemented: how its loader splits a line. */
const readBack: Record<string, (text: string) => { path: string; label_idx: number }[]> = {
  // mmaction2 VideoDataset: line.strip().split() → filename, label
  mmaction: (text) => text.trim().split('\n').map((line) => {
    const parts = line.trim().split(/\s+/);
    assert.equal(parts.length, 2, line);
    return { path: parts[0]!, label_idx: Number(parts[1]) };
  }),
  // pytorchvideo LabeledVideoPaths.from_csv: path_label.rsplit(None, 1)
  pytorchvideo: (text) => text.trim().split('\n').map((line) => {
    const match = /^(.*\S)\s+(\S+)$/.exec(line)!;
    return { path: match[1]!, label_idx: Number(match[2]) };
  }),
  // SlowFast Kinetics: path_label.split(" ") must give exactly two fields; VideoMAE reads the same with pandas sep=' '
  slowfast: (text) => text.trim().split('\n').map((line) => {
    const parts = line.split(' ');
    assert.equal(parts.length, 2, line);
    return { path: parts[0]!, label_idx: Number(parts[1]) };
  }),
};
readBack.videomae = readBack.slowfast!;

describe('kinetics export', () => {
  before(async () => {
    await ingestInto(db, sampleBucket);
    assert.equal((await cli('subset', 'create', 'k7', '--version', 'k700-2020', '--split', 'val', '--class', 'abseiling', '--class', "hugging (not baby)", '--class', 'jumping jacks', '--per-class', '4', '--seed', '3')).code, 0);
    const fetched = await cli('fetch', 'k7');
    assert.equal(fetched.code, 0, fetched.stderr);
    // One clip damaged in place, one deleted: they must leave the lists for excluded.csv.
    const [damaged, deleted] = await queryAll<{ path: string }>(db, "SELECT c.path FROM subset_clips s JOIN clips c USING (version, split, clip_key) WHERE s.subset = 'k7' ORDER BY c.clip_key LIMIT 2");
    truncateSync(damaged!.path, 40);
    rmSync(deleted!.path);
    assert.equal((await cli('scan', '--verify')).code, 0);
  });

  for (const format of ['mmaction', 'pytorchvideo', 'slowfast', 'videomae'] as const) {
    test(`${format}: golden file, read back by the framework's rule to the same clips and labels`, async () => {
      const out = join(tempDir(), format);
      const result = await cli('export', 'k7', '--format', format, '--paths', 'relative', '--out', out);
      assert.equal(result.code, 0, result.stderr);
      assert.match(result.stderr, /10 clips listed .*; 2 not listed \(1 damaged, 1 missing: see excluded\.csv/);
      const lists = readdirSync(out).filter((name) => !['classes.txt', 'classes.json', 'manifest.json', 'excluded.csv'].includes(name));
      assert.deepEqual(lists, [format === 'mmaction' ? 'k700-2020_val_list_videos.txt' : 'val.csv']);
      const text = readFileSync(join(out, lists[0]!), 'utf8');
      const golden = join(goldenDir, `${format}-${lists[0]}`);
      if (process.env.UPDATE_GOLDEN) writeFileSync(golden, text);
      assert.equal(text, readFileSync(golden, 'utf8'));
      assert.deepEqual(sortByPath(readBack[format]!(text)), sortByPath(await expectedClips('k7')));
      const classes = readFileSync(join(out, 'classes.txt'), 'utf8').trimEnd().split('\n');
      assert.equal(classes.length, 700);
      for (const clip of readBack[format]!(text)) assert.ok(existsSync(join(home, 'videos', clip.path)), clip.path);
    });
  }

  test('csv and jsonl: every column, header for csv, parse back; excluded.csv holds the damaged and missing clips', async () => {
    const out = join(tempDir(), 'csv');
    assert.equal((await cli('export', 'k7', '--format', 'csv', '--out', out)).code, 0);
    const rows = parse(readFileSync(join(out, 'clips.csv')), { columns: true }) as Record<string, string>[];
    assert.deepEqual(Object.keys(rows[0]!), ['clip_key', 'youtube_id', 'time_start', 'time_end', 'label', 'label_idx', 'split', 'path', 'status', 'version']);
    assert.ok(rows.every((row) => row.version === 'k700-2020'), 'each row says its version: a clip in two versions is two rows told apart');
    assert.deepEqual(sortByPath(rows.map((row) => ({ path: row.path!, label_idx: Number(row.label_idx) }))), sortByPath(await expectedClips('k7')));
    const excluded = parse(readFileSync(join(out, 'excluded.csv')), { columns: true }) as { status: string }[];
    assert.deepEqual(excluded.map((row) => row.status).sort(), ['damaged', 'missing']);
    const jsonlOut = join(tempDir(), 'jsonl');
    assert.equal((await cli('export', 'k7', '--format', 'jsonl', '--out', jsonlOut)).code, 0);
    const objects = readFileSync(join(jsonlOut, 'clips.jsonl'), 'utf8').trim().split('\n').map((line) => JSON.parse(line) as { path: string; label_idx: number });
    assert.deepEqual(sortByPath(objects), sortByPath(await expectedClips('k7')));
    const all = join(tempDir(), 'all');
    assert.equal((await cli('export', 'k7', '--format', 'csv', '--include-missing', '--out', all)).code, 0);
    assert.equal((parse(readFileSync(join(all, 'clips.csv')), { columns: true }) as unknown[]).length, 12);
    // Relative to another root, a clip not on disk is still listed where fetch puts it, under --home/videos.
    const elsewhere = tempDir();
    const rooted = join(tempDir(), 'rooted');
    assert.equal((await cli('export', 'k7', '--format', 'csv', '--include-missing', '--root', elsewhere, '--out', rooted)).code, 0);
    const listed = parse(readFileSync(join(rooted, 'clips.csv')), { columns: true }) as { path: string }[];
    assert.equal(listed.length, 12);
    const fetchedVideos = realpathSync(join(home, 'videos'));
    for (const { path } of listed) assert.ok(resolve(realpathSync(elsewhere), path).startsWith(`${fetchedVideos}/`), `${path} from ${elsewhere}`);
  });

  test('tree and fiftyone: class folders of links to the real files; --copy; --class-names torchvision', async () => {
    const out = join(tempDir(), 'tree');
    assert.equal((await cli('export', 'k7', '--format', 'tree', '--out', out)).code, 0);
    const expected = await expectedClips('k7');
    const found: { path: string; label_idx: number }[] = [];
    const classes = readFileSync(join(out, 'classes.txt'), 'utf8').trimEnd().split('\n');
    for (const label of readdirSync(join(out, 'val'))) {
      for (const name of readdirSync(join(out, 'val', label))) {
        const link = join(out, 'val', label, name);
        assert.ok(lstatSync(link).isSymbolicLink());
        found.push({ path: relative(join(home, 'videos'), readlinkSync(link)), label_idx: classes.indexOf(label) });
      }
    }
    assert.deepEqual(sortByPath(found), sortByPath(expected));
    assert.ok(readdirSync(join(out, 'val')).includes('hugging (not baby)'));

    const copied = join(tempDir(), 'copied');
    assert.equal((await cli('export', 'k7', '--format', 'tree', '--copy', '--class-names', 'torchvision', '--out', copied)).code, 0);
    assert.deepEqual(readdirSync(join(copied, 'val')).sort(), ['abseiling', 'hugging_not_baby', 'jumping_jacks']);
    const anyCopy = readdirSync(join(copied, 'val', 'abseiling'))[0]!;
    assert.ok(lstatSync(join(copied, 'val', 'abseiling', anyCopy)).isFile());

    // FiftyOne's VideoClassificationDirectoryTree: unlabeled clips go to _unlabeled.
    assert.equal((await cli('subset', 'create', 'k6test', '--version', 'k600', '--split', 'test', '--limit', '2')).code, 0);
    const [key] = await queryAll<{ clip_key: string }>(db, "SELECT clip_key FROM subset_clips WHERE subset = 'k6test' ORDER BY clip_key LIMIT 1");
    const onDisk = join(home, 'videos', 'k600', 'test', '_unlabeled', `${key!.clip_key}.mp4`);
    mkdirSync(join(onDisk, '..'), { recursive: true });
    writeFileSync(onDisk, readFileSync(join(out, 'val', 'abseiling', readdirSync(join(out, 'val', 'abseiling'))[0]!)));
    assert.equal((await cli('scan', '--verify')).code, 0);
    const fiftyone = join(tempDir(), 'fo');
    assert.equal((await cli('export', 'k6test', '--format', 'fiftyone', '--out', fiftyone)).code, 0);
    assert.deepEqual(readdirSync(join(fiftyone, 'test')), ['_unlabeled']);
    const refused = await cli('export', 'k6test', '--format', 'tree', '--out', join(tempDir(), 'no'));
    assert.equal(refused.code, 64);
    assert.match(refused.stderr, /has no labels.*--format fiftyone/);
    const listed = join(tempDir(), 'pv');
    assert.equal((await cli('export', 'k6test', '--format', 'pytorchvideo', '--include-missing', '--out', listed)).code, 0);
    assert.ok(readFileSync(join(listed, 'test.csv'), 'utf8').trim().split('\n').every((line) => line.endsWith(' -1')), 'unlabeled clips get label index -1');
  });

  test('an export that would list no clip is refused before anything is written: no folder made, an earlier export left whole', async () => {
    const created = await cli('subset', 'create', 'none-on-disk', '--version', 'k700-2020', '--split', 'val', '--limit', '3', '--only-missing');
    assert.equal(created.code, 0, created.stderr);
    const fresh = join(tempDir(), 'fresh');
    const refused = await cli('export', 'none-on-disk', '--format', 'mmaction', '--out', fresh);
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /^kinetics: no clip listed, nothing written: none of none-on-disk's clips is on disk with status ok \(3 missing\)\. Fetch it first \(kinetics fetch\), verify what is there \(kinetics scan --verify\), or list them anyway \(--include-missing\)$/m);
    assert.doesNotMatch(refused.stderr, /listed in/);
    assert.equal(existsSync(fresh), false);
    // A format that holds the files themselves takes no --include-missing: it is not offered.
    const asTree = await cli('export', 'none-on-disk', '--format', 'tree', '--out', fresh);
    assert.equal(asTree.code, 1);
    assert.match(asTree.stderr, /Fetch it first \(kinetics fetch\) or verify what is there \(kinetics scan --verify\)$/m);

    const earlier = join(tempDir(), 'earlier');
    assert.equal((await cli('export', 'k7', '--format', 'mmaction', '--out', earlier)).code, 0);
    const contents = () => readdirSync(earlier).sort().map((name) => [name, readFileSync(join(earlier, name), 'utf8')]);
    const before = contents();
    assert.equal((await cli('export', 'none-on-disk', '--format', 'mmaction', '--out', earlier)).code, 1);
    assert.deepEqual(contents(), before);
  });

  test('exporting into a folder an earlier export used leaves none of its files; a folder of other files is refused', async () => {
    const out = join(tempDir(), 'reused');
    const created = await cli('subset', 'create', 'one-class', '--version', 'k700-2020', '--split', 'val', '--class', 'abseiling', '--limit', '2', '--only-on-disk');
    assert.equal(created.code, 0, created.stderr);
    assert.equal((await cli('export', 'k7', '--format', 'tree', '--out', out)).code, 0);
    writeFileSync(join(out, 'notes.txt'), 'mine');
    assert.equal((await cli('export', 'one-class', '--format', 'tree', '--out', out)).code, 0);
    assert.deepEqual(readdirSync(join(out, 'val')), ['abseiling']);
    const listed = readFileSync(join(out, 'tree.tsv'), 'utf8').trim().split('\n').map((line) => line.split('\t')[0]!.split('/').at(-1));
    assert.deepEqual(readdirSync(join(out, 'val', 'abseiling')).sort(), listed.sort());
    assert.equal((await cli('export', 'k7', '--format', 'csv', '--out', out)).code, 0);
    assert.deepEqual(readdirSync(out).sort(), ['classes.json', 'classes.txt', 'clips.csv', 'excluded.csv', 'manifest.json', 'notes.txt']);

    // A re-export that fails half way (a clip's file vanished since the last scan) leaves the earlier one whole.
    const copied = join(tempDir(), 'copied-again');
    assert.equal((await cli('export', 'one-class', '--format', 'tree', '--copy', '--out', copied)).code, 0);
    const copies = readdirSync(join(copied, 'val', 'abseiling')).sort();
    const [vanishing] = await queryAll<{ path: string }>(db, "SELECT c.path FROM subset_clips s JOIN clips c USING (version, split, clip_key) WHERE s.subset = 'k7' AND c.status = 'ok' ORDER BY c.clip_key DESC LIMIT 1");
    const kept = readFileSync(vanishing!.path);
    rmSync(vanishing!.path);
    const failed = await cli('export', 'k7', '--format', 'tree', '--copy', '--out', copied);
    assert.equal(failed.code, 66, failed.stderr);
    assert.deepEqual(readdirSync(join(copied, 'val', 'abseiling')).filter((name) => copies.includes(name)).sort(), copies);
    writeFileSync(vanishing!.path, kept);
    assert.equal((await cli('export', 'k7', '--format', 'tree', '--copy', '--out', copied)).code, 0, 'the folder is still an export');

    const others = join(tempDir(), 'others');
    mkdirSync(others);
    writeFileSync(join(others, 'thesis.tex'), '');
    const refused = await cli('export', 'k7', '--format', 'csv', '--out', others);
    assert.equal(refused.code, 73);
    assert.match(refused.stderr, /is not empty and holds no kinetics export/);
    assert.deepEqual(readdirSync(others), ['thesis.tex']);
  });

  test('same subset and catalog → byte-identical output; the manifest pins sources, counts and list hashes', async () => {
    const [first, second] = [join(tempDir(), 'a'), join(tempDir(), 'b')];
    assert.equal((await cli('export', 'k7', '--format', 'mmaction', '--out', first)).code, 0);
    assert.equal((await cli('export', 'k7', '--format', 'mmaction', '--out', second)).code, 0);
    for (const name of readdirSync(first)) assert.deepEqual(readFileSync(join(second, name)), readFileSync(join(first, name)), name);
    const manifest = JSON.parse(readFileSync(join(first, 'manifest.json'), 'utf8'));
    assert.equal(manifest.subset.definition.seed, 3);
    assert.equal(manifest.counts.listed, 10);
    assert.deepEqual(manifest.counts.excluded_by_status, { damaged: 1, missing: 1 });
    assert.ok(manifest.catalog_sources.some((source: { path: string; sha256: string }) => source.path === '700_2020/annotations/val.csv' && source.sha256.length === 64));
    const { createHash } = await import('node:crypto');
    for (const file of manifest.files as { name: string; sha256: string }[]) {
      assert.equal(createHash('sha256').update(readFileSync(join(first, file.name))).digest('hex'), file.sha256, file.name);
    }
  });

  test('--label-map follows a checkpoint\'s order; a label it lacks is an error naming it', async () => {
    const map = join(tempDir(), 'labels.txt');
    writeFileSync(map, 'jumping jacks\nhugging (not baby)\nabseiling\n');
    const out = join(tempDir(), 'mapped');
    assert.equal((await cli('export', 'k7', '--format', 'videomae', '--label-map', map, '--out', out)).code, 0);
    const lines = readFileSync(join(out, 'val.csv'), 'utf8').trim().split('\n');
    assert.ok(lines.filter((line) => line.includes('/abseiling/')).every((line) => line.endsWith(' 2')));
    assert.ok(lines.filter((line) => line.includes('/jumping_jacks/')).every((line) => line.endsWith(' 0')));
    writeFileSync(map, 'jumping jacks\nabseiling\n');
    const refused = await cli('export', 'k7', '--format', 'videomae', '--label-map', map, '--out', join(tempDir(), 'x'));
    assert.equal(refused.code, 64);
    assert.match(refused.stderr, /label "hugging \(not baby\)" is not in the label map/);
  });

  test('--label-map - reads the map from stdin, and its errors name stdin and the line', async () => {
    const out = join(tempDir(), 'from-stdin');
    const piped = await runCli(['export', 'k7', '--format', 'slowfast', '--label-map', '-', '--out', out, '--home', home], { input: 'jumping jacks\nhugging (not baby)\nabseiling\n' });
    assert.equal(piped.code, 0, piped.stderr);
    assert.equal(readFileSync(join(out, 'classes.txt'), 'utf8'), 'jumping jacks\nhugging (not baby)\nabseiling\n');
    assert.equal(JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8')).label_map.source, 'stdin');
    assert.ok(!existsSync('-'), 'no file named -');
    const repeated = await runCli(['export', 'k7', '--format', 'slowfast', '--label-map', '-', '--out', join(tempDir(), 'x'), '--home', home], { input: 'abseiling\nabseiling\n' });
    assert.equal(repeated.code, 65);
    assert.match(repeated.stderr, /^kinetics: stdin:2: expected each label once, found "abseiling" again/m);
  });

  test('--labels compact numbers only the subset\'s classes, 0..K−1 in code-point order, and writes that map', async () => {
    const out = join(tempDir(), 'compact');
    assert.equal((await cli('export', 'k7', '--format', 'mmaction', '--labels', 'compact', '--out', out)).code, 0);
    assert.equal(readFileSync(join(out, 'classes.txt'), 'utf8'), 'abseiling\nhugging (not baby)\njumping jacks\n');
    const listed = readBack.mmaction!(readFileSync(join(out, 'k700-2020_val_list_videos.txt'), 'utf8'));
    const compactIndex = new Map([['abseiling', 0], ['hugging (not baby)', 1], ['jumping jacks', 2]]);
    assert.deepEqual(sortByPath(listed), sortByPath((await expectedClips('k7')).map((clip) => ({ ...clip, label_idx: compactIndex.get(clip.label)! }))));
    assert.equal(JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8')).label_map.source, 'classes of subset k7, code-point order');
    const tree = await cli('export', 'k7', '--format', 'tree', '--labels', 'compact', '--out', join(tempDir(), 'compact-tree'));
    assert.equal(tree.code, 0, tree.stderr);
    assert.doesNotMatch(tree.stderr, /warning:/, 'every class of the map has its folder: a folder loader numbers them as classes.txt');
    const both = await cli('export', 'k7', '--format', 'csv', '--labels', 'compact', '--label-map', join(out, 'classes.txt'), '--out', join(tempDir(), 'x'));
    assert.equal(both.code, 64);
  });

  test('a subset spanning versions exports one version at a time with --version', async () => {
    const created = await cli('subset', 'create', 'both', '--version', 'k400', '--version', 'k700-2020', '--split', 'val', '--class', 'abseiling', '--per-class', '2', '--seed', '1');
    assert.equal(created.code, 0, created.stderr);
    const refused = await cli('export', 'both', '--format', 'mmaction', '--include-missing', '--out', join(tempDir(), 'both'));
    assert.equal(refused.code, 64);
    assert.match(refused.stderr, /spans k400 and k700-2020, whose label indices differ; export one version at a time with --version k400/);
    const out = join(tempDir(), 'k700');
    const one = await cli('export', 'both', '--format', 'mmaction', '--include-missing', '--version', 'k700', '--out', out);
    assert.equal(one.code, 0, one.stderr);
    assert.ok(existsSync(join(out, 'k700-2020_val_list_videos.txt')));
    assert.ok(!readdirSync(out).some((name) => name.startsWith('k400')));
    const manifest = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8'));
    assert.equal(manifest.version, 'k700-2020');
    assert.equal(manifest.counts.listed, 2);
    const absent = await cli('export', 'both', '--format', 'mmaction', '--version', 'k600', '--out', join(tempDir(), 'x'));
    assert.equal(absent.code, 64);
    assert.match(absent.stderr, /subset both has no clips of k600; it holds k400, k700-2020/);
    const unknown = await cli('export', 'both', '--format', 'mmaction', '--version', 'k4oo', '--out', join(tempDir(), 'x'));
    assert.equal(unknown.code, 64);
    assert.match(unknown.stderr, /unknown version "k4oo"; one of k400, k600, k700-2020/);
  });

  test('videomae lists absolute paths by default (its loader opens each path as written); the others stay relative', async () => {
    const out = join(tempDir(), 'videomae');
    assert.equal((await cli('export', 'k7', '--format', 'videomae', '--out', out)).code, 0);
    const listed = readBack.videomae!(readFileSync(join(out, 'val.csv'), 'utf8'));
    assert.equal(listed.length, 10);
    for (const clip of listed) assert.ok(clip.path.startsWith('/') && existsSync(clip.path), clip.path);
    assert.equal(JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8')).paths, 'absolute');
    const slowfast = join(tempDir(), 'slowfast');
    assert.equal((await cli('export', 'k7', '--format', 'slowfast', '--out', slowfast)).code, 0);
    assert.ok(readBack.slowfast!(readFileSync(join(slowfast, 'val.csv'), 'utf8')).every((clip) => clip.path.startsWith('k700-2020/val/')));
  });

  test('--path-prefix puts the cluster\'s videos folder before each relative path; a clip outside --root is refused', async () => {
    const out = join(tempDir(), 'prefixed');
    assert.equal((await cli('export', 'k7', '--format', 'mmaction', '--path-prefix', '/cluster/kinetics', '--out', out)).code, 0);
    const listed = readBack.mmaction!(readFileSync(join(out, 'k700-2020_val_list_videos.txt'), 'utf8'));
    assert.deepEqual(
      sortByPath(listed),
      sortByPath((await expectedClips('k7')).map((clip) => ({ ...clip, path: `/cluster/kinetics/${clip.path}` }))),
    );
    assert.equal(JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8')).path_prefix, '/cluster/kinetics');
    const outside = await cli('export', 'k7', '--format', 'mmaction', '--root', tempDir(), '--path-prefix', '/cluster', '--out', join(tempDir(), 'x'));
    assert.equal(outside.code, 64);
    assert.match(outside.stderr, /is not under .*, which --path-prefix stands for; pass --root with a folder that holds every clip/);
    const both = await cli('export', 'k7', '--format', 'mmaction', '--paths', 'absolute', '--path-prefix', '/cluster', '--out', join(tempDir(), 'x'));
    assert.equal(both.code, 64);
  });

  test('relative paths out of --root still resolve, with a warning that they climb out of it; none when every file is under it', async () => {
    const inside = await cli('export', 'k7', '--format', 'mmaction', '--out', join(tempDir(), 'inside'));
    assert.equal(inside.code, 0, inside.stderr);
    assert.doesNotMatch(inside.stderr, /outside/);
    const root = join(home, 'videos', 'k700-2020', 'val', 'abseiling');
    const out = join(tempDir(), 'climbing');
    const climbing = await cli('export', 'k7', '--format', 'mmaction', '--root', root, '--out', out);
    assert.equal(climbing.code, 0, climbing.stderr);
    const listed = readBack.mmaction!(readFileSync(join(out, 'k700-2020_val_list_videos.txt'), 'utf8'));
    const outside = listed.filter((clip) => clip.path.startsWith('../'));
    assert.ok(outside.length > 0 && outside.length < listed.length, `${outside.length} of ${listed.length}`);
    for (const clip of listed) assert.ok(existsSync(join(root, clip.path)), clip.path);
    assert.match(climbing.stderr, new RegExp(`warning: ${outside.length} listed files lie outside ${root} \\(/.*\\.mp4\\): their paths climb out of it with \\.\\./`));
    assert.match(climbing.stderr, /pass --root with a folder that holds every clip, or --paths absolute/);
  });

  test('a tree whose class folders a folder loader would number otherwise than classes.txt is exported with a warning naming why', async () => {
    const [baby] = await queryAll<{ clip_key: string }>(db, "SELECT clip_key FROM clips WHERE version = 'k700-2020' AND split = 'val' AND label = 'hugging baby' LIMIT 1");
    writeTree(join(home, 'videos', 'k700-2020', 'val'), { [`hugging_baby/${baby!.clip_key}.mp4`]: 'ok' });
    assert.equal((await cli('scan', '--verify')).code, 0);
    const sql = "SELECT version, split, clip_key FROM clips WHERE version = 'k700-2020' AND split = 'val' AND label IN ('hugging baby', 'hugging (not baby)')";
    assert.equal((await cli('subset', 'create', 'hugs', '--sql', sql)).code, 0);

    const renamed = await cli('export', 'hugs', '--format', 'tree', '--class-names', 'torchvision', '--out', join(tempDir(), 'tv'));
    assert.equal(renamed.code, 0, renamed.stderr);
    const [warning, ...more] = renamed.stderr.split('\n').filter((line) => line.startsWith('warning: '));
    assert.deepEqual(more, []);
    assert.match(warning!, /^warning: val: a folder loader .* numbers the 2 class folders there by sorted name, so \d+ of its \d+ clips would get targets other than classes\.txt: /);
    assert.match(warning!, /698 of the 700 classes have no folder there \(abseiling, /);
    assert.match(warning!, /"hugging_baby" sorts before "hugging_not_baby", which classes\.txt orders the other way/);
    assert.match(renamed.stderr, /each split is a folder of its own: load .*tv\/val, not /);

    const labelNamed = await cli('export', 'hugs', '--format', 'tree', '--out', join(tempDir(), 'labels'));
    assert.match(labelNamed.stderr, /warning: val: .*698 of the 700 classes have no folder there.*, or number only the subset's classes \(--labels compact; the same numbers where each has a folder\)$/m);
    assert.doesNotMatch(labelNamed.stderr, /sorts before/, 'folders named as the labels sort as classes.txt does');
    const compact = await cli('export', 'hugs', '--format', 'tree', '--labels', 'compact', '--out', join(tempDir(), 'compact'));
    assert.equal(compact.code, 0, compact.stderr);
    assert.doesNotMatch(compact.stderr, /warning: /, 'numbered as the subset\'s classes, the folders give the targets of classes.txt');
    const fiftyone = await cli('export', 'hugs', '--format', 'fiftyone', '--class-names', 'torchvision', '--out', join(tempDir(), 'fo'));
    assert.equal(fiftyone.code, 64);
    assert.match(fiftyone.stderr, /FiftyOne takes each clip's label from its folder name/);
  });

  test('K600 holdout_test is written where SlowFast, VideoMAE and torchvision look for a test split', async () => {
    assert.equal((await cli('subset', 'create', 'holdout', '--version', 'k600', '--split', 'holdout_test', '--limit', '3')).code, 0);
    for (const format of ['slowfast', 'videomae', 'pytorchvideo'] as const) {
      const out = join(tempDir(), format);
      assert.equal((await cli('export', 'holdout', '--format', format, '--include-missing', '--out', out)).code, 0);
      assert.ok(existsSync(join(out, 'test.csv')) && !existsSync(join(out, 'holdout_test.csv')), format);
      assert.equal(readFileSync(join(out, 'test.csv'), 'utf8').trim().split('\n').length, 3);
      assert.deepEqual(JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8')).split_names, { 'k600:holdout_test': 'test' });
    }
    const mmaction = join(tempDir(), 'mm');
    assert.equal((await cli('export', 'holdout', '--format', 'mmaction', '--include-missing', '--out', mmaction)).code, 0);
    assert.ok(existsSync(join(mmaction, 'k600_holdout_test_list_videos.txt')), 'mmaction configs name any file: the split keeps its name');
    assert.equal((await cli('subset', 'create', 'tests', '--version', 'k600', '--split', 'test', '--split', 'holdout_test')).code, 0);
    const refused = await cli('export', 'tests', '--format', 'slowfast', '--include-missing', '--out', join(tempDir(), 'x'));
    assert.equal(refused.code, 64);
    assert.match(refused.stderr, /holds k600 test and holdout_test clips, and slowfast writes holdout_test as the test split/);
  });

  test('webdataset: tars of samples grouped by key as webdataset reads them (Python tarfile), class-balanced, hashed in the manifest', async () => {
    const out = join(tempDir(), 'wds');
    const result = await cli('export', 'k7', '--format', 'webdataset', '--shard-size', '4', '--out', out);
    assert.equal(result.code, 0, result.stderr);
    assert.equal(readFileSync(join(out, 'val.shards.txt'), 'utf8'), 'val-000000.tar\nval-000001.tar\nval-000002.tar\n');
    // webdataset's tariterators: members in tar order, a sample's key is its path up to the first dot of the basename,
    // and consecutive members with one key make one sample.
    const script = `
import hashlib, json, re, sys, tarfile
samples = []
for name in sys.argv[2:]:
    with tarfile.open(sys.argv[1] + '/' + name) as tar:
        for member in tar:
            key, ext = re.match(r'^((?:.*/|)[^.]+)[.]([^/]*)$', member.name).groups()
            if not samples or samples[-1]['__key__'] != key or samples[-1]['__url__'] != name:
                samples.append({'__key__': key, '__url__': name})
            data = tar.extractfile(member).read()
            samples[-1][ext] = hashlib.sha256(data).hexdigest() if ext == 'mp4' else data.decode()
print(json.dumps(samples))`;
    const tars = readFileSync(join(out, 'val.shards.txt'), 'utf8').trim().split('\n');
    const samples = JSON.parse(execFileSync('python3', ['-c', script, out, ...tars], { encoding: 'utf8' })) as Record<string, string>[];
    assert.deepEqual(samples.map((sample) => sample.__url__), ['val-000000.tar', 'val-000000.tar', 'val-000000.tar', 'val-000000.tar', 'val-000001.tar', 'val-000001.tar', 'val-000001.tar', 'val-000001.tar', 'val-000002.tar', 'val-000002.tar']);
    const expected = await queryAll<{ clip_key: string; label: string; label_idx: number; path: string }>(
      db,
      "SELECT c.clip_key, c.label, k.idx AS label_idx, c.path FROM subset_clips s JOIN clips c USING (version, split, clip_key) JOIN classes k ON k.version = c.version AND k.label = c.label WHERE s.subset = 'k7' AND c.status = 'ok'",
    );
    assert.deepEqual(samples.map((sample) => sample.__key__).sort(), expected.map((clip) => clip.clip_key).sort());
    for (const clip of expected) {
      const sample = samples.find((entry) => entry.__key__ === clip.clip_key)!;
      assert.deepEqual(Object.keys(sample).sort(), ['__key__', '__url__', 'cls', 'json', 'mp4']);
      assert.equal(sample.cls, String(clip.label_idx));
      assert.equal(sample.mp4, createHash('sha256').update(readFileSync(clip.path)).digest('hex'));
      const meta = JSON.parse(sample.json!) as { label: string; version: string; split: string; source_shard: string };
      assert.deepEqual([meta.label, meta.version, meta.split], [clip.label, 'k700-2020', 'val']);
      assert.match(meta.source_shard, /^k700_val_\d+\.tar\.gz$/);
    }
    // Class-balanced: no class fills the first tar while another waits for the last.
    const firstTar = new Set(samples.slice(0, 4).map((sample) => (JSON.parse(sample.json!) as { label: string }).label));
    assert.equal(firstTar.size, 3);
    const manifest = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8'));
    assert.equal(manifest.shards.val.pattern, 'val-{000000..000002}.tar');
    for (const tar of manifest.shards.val.tars as { name: string; sha256: string }[]) {
      assert.equal(createHash('sha256').update(readFileSync(join(out, tar.name))).digest('hex'), tar.sha256);
    }
    const again = join(tempDir(), 'wds-again');
    assert.equal((await cli('export', 'k7', '--format', 'webdataset', '--shard-size', '4', '--out', again)).code, 0);
    for (const name of tars) assert.deepEqual(readFileSync(join(again, name)), readFileSync(join(out, name)), 'the same subset gives the same bytes');

    assert.equal((await cli('export', 'k7', '--format', 'webdataset', '--shard-size', '5', '--out', out)).code, 0);
    assert.deepEqual(readdirSync(out).filter((name) => name.endsWith('.tar')), ['val-000000.tar', 'val-000001.tar'], 'the earlier export\'s third tar is gone');

    const bySize = join(tempDir(), 'wds-bytes');
    assert.equal((await cli('export', 'k7', '--format', 'webdataset', '--shard-size', '10KB', '--out', bySize)).code, 0);
    const bySizeTars = readdirSync(bySize).filter((name) => name.endsWith('.tar'));
    assert.ok(bySizeTars.length > 1 && bySizeTars.every((name) => lstatSync(join(bySize, name)).size <= 10_000), bySizeTars.join());
    const bad = await cli('export', 'k7', '--format', 'webdataset', '--shard-size', 'lots', '--out', join(tempDir(), 'x'));
    assert.equal(bad.code, 64);
    assert.match(bad.stderr, /--shard-size takes a number of clips \(1000\) or of bytes/);
  });

  test('hf: a folder per split with the clips and a metadata.csv whose file_name sits beside it, as the videofolder builder reads it', async () => {
    const out = join(tempDir(), 'hf');
    assert.equal((await cli('export', 'k7', '--format', 'hf', '--out', out)).code, 0);
    // datasets' FolderBasedBuilder: metadata.csv's file_name is relative to the folder the metadata file is in.
    const rows = parse(readFileSync(join(out, 'val', 'metadata.csv')), { columns: true }) as Record<string, string>[];
    assert.deepEqual(Object.keys(rows[0]!).slice(0, 3), ['file_name', 'label', 'label_idx']);
    assert.deepEqual(
      sortByPath(rows.map((row) => ({ path: relative(join(home, 'videos'), readlinkSync(join(out, 'val', row.file_name!))), label_idx: Number(row.label_idx) }))),
      sortByPath(await expectedClips('k7')),
    );
    assert.deepEqual(readdirSync(join(out, 'val')).filter((name) => !name.endsWith('.mp4')), ['metadata.csv']);
    const refused = await cli('export', 'k7', '--format', 'hf', '--include-missing', '--out', join(tempDir(), 'x'));
    assert.equal(refused.code, 64);
  });

  test('manifest diff: what changed between two exports — clips per split and class, label map, definition; exit 1 when clips, labels or sources did', async () => {
    const exported = async (subset: string, format: string, ...more: string[]) => {
      const out = join(tempDir(), `${subset}-${format}`);
      const result = await cli('export', subset, '--format', format, ...more, '--out', out);
      assert.equal(result.code, 0, result.stderr);
      return out;
    };
    const a = await exported('k7', 'mmaction');
    const same = await cli('manifest', 'diff', a, join(await exported('k7', 'webdataset'), 'manifest.json'));
    assert.equal(same.code, 0, same.stdout + same.stderr);
    assert.match(same.stdout, /^format: mmaction → webdataset$/m);
    assert.match(same.stdout, /^clips: \+0 −0$/m);
    for (const format of ['csv', 'jsonl', 'slowfast', 'tree', 'hf']) {
      assert.equal((await cli('manifest', 'diff', a, await exported('k7', format))).code, 0, `${format} reads back to the same clips`);
    }

    assert.equal((await cli('subset', 'create', 'k7more', '--version', 'k700-2020', '--split', 'val', '--class', 'abseiling', '--class', 'jumping jacks', '--per-class', '6', '--seed', '3')).code, 0);
    const b = await exported('k7more', 'mmaction', '--include-missing');
    const changed = await cli('manifest', 'diff', a, b, '--json');
    assert.equal(changed.code, 1);
    const diff = JSON.parse(changed.stdout) as ManifestDiff;
    const [before, after] = await Promise.all(['k7', 'k7more'].map((subset) => queryAll<{ clip_key: string; label: string }>(db, "SELECT clip_key, label FROM subset_clips s JOIN clips c USING (version, split, clip_key) WHERE s.subset = ? AND (s.subset = 'k7more' OR c.status = 'ok')", subset)));
    const keys = (rows: { clip_key: string }[]) => new Set(rows.map((row) => row.clip_key));
    assert.equal(diff.clips.added, after!.filter((row) => !keys(before!).has(row.clip_key)).length);
    assert.equal(diff.clips.removed, before!.filter((row) => !keys(after!).has(row.clip_key)).length);
    assert.ok(diff.clips.bySplitAndClass.some((group) => group.label === 'hugging (not baby)' && group.added === 0 && group.removed > 0));
    assert.equal(diff.subset.definitionChanged, true);
    assert.deepEqual(diff.subset.definitionChanges, [
      { field: 'classes', a: ['abseiling', 'hugging (not baby)', 'jumping jacks'], b: ['abseiling', 'jumping jacks'] },
      { field: 'perClass', a: 4, b: 6 },
    ]);
    assert.equal(diff.labelMap.same, true);
    const described = await cli('manifest', 'diff', a, b);
    assert.match(described.stdout, /^subset: k7 → k7more, definition changed\n  classes: −1 \(hugging \(not baby\)\)\n  perClass: 4 → 6\n/m);
    const text = await cli('manifest', 'diff', a, await exported('k7', 'mmaction', '--labels', 'compact'));
    assert.equal(text.code, 1);
    assert.match(text.stdout, /^label map: 697 classes removed \(acting in play, .* … and 689 more\); 2 classes renumbered \(hugging \(not baby\) \d+→1, jumping jacks \d+→2\)$/m);
    const missing = await cli('manifest', 'diff', a, tempDir());
    assert.equal(missing.code, 66);

    // Another definition (here only the seed) that lists the same clips with the same labels is the same export.
    for (const seed of ['1', '2']) assert.equal((await cli('subset', 'create', `abseil-${seed}`, '--version', 'k700-2020', '--split', 'val', '--class', 'abseiling', '--seed', seed)).code, 0);
    const reseeded = await cli('manifest', 'diff', await exported('abseil-1', 'csv', '--include-missing'), await exported('abseil-2', 'csv', '--include-missing'), '--json');
    assert.equal(reseeded.code, 0, reseeded.stdout);
    assert.deepEqual((JSON.parse(reseeded.stdout) as ManifestDiff).subset.definitionChanges, [{ field: 'seed', a: 1, b: 2 }]);
  });

  test('a path with whitespace is refused by whitespace-split formats, kept by pytorchvideo (last-whitespace split)', async () => {
    const external = join(tempDir(), 'external');
    const [clip] = await queryAll<{ clip_key: string; path: string }>(db, "SELECT c.clip_key, c.path FROM subset_clips s JOIN clips c USING (version, split, clip_key) WHERE s.subset = 'k7' AND c.status = 'ok' ORDER BY c.clip_key LIMIT 1");
    mkdirSync(join(external, 'air drumming'), { recursive: true });
    writeFileSync(join(external, 'air drumming', `${clip!.clip_key}.mp4`), readFileSync(clip!.path));
    rmSync(clip!.path);
    assert.equal((await cli('scan', '--verify')).code, 0);
    assert.equal((await cli('scan', external, '--verify')).code, 0);
    const refused = await cli('export', 'k7', '--format', 'mmaction', '--paths', 'absolute', '--out', join(tempDir(), 'ws'));
    assert.equal(refused.code, 64);
    assert.match(refused.stderr, /holds whitespace, and mmaction splits its lines on whitespace; export --format tree/);
    const kept = join(tempDir(), 'pv');
    assert.equal((await cli('export', 'k7', '--format', 'pytorchvideo', '--paths', 'absolute', '--out', kept)).code, 0);
    const back = readBack.pytorchvideo!(readFileSync(join(kept, 'val.csv'), 'utf8'));
    assert.ok(back.some((row) => row.path === join(external, 'air drumming', `${clip!.clip_key}.mp4`)));
  });
});

describe('cross-version leakage on the real K400 and K700-2020 val files', () => {
  const bucket = tempDir();
  const file = join(bucket, 'catalog.db');
  before(async () => {
    for (const [from, to] of [['k400-val.csv.gz', '400/annotations/val.csv'], ['k700-2020-val.csv.gz', '700_2020/annotations/val.csv']] as const) {
      mkdirSync(join(bucket, 'b', to, '..'), { recursive: true });
      writeFileSync(join(bucket, 'b', to), gunzipSync(readFileSync(join(packageRoot, 'test', 'fixtures', 'real', from))));
    }
    const summary = await ingestInto(file, join(bucket, 'b'));
    assert.equal(summary.loaded, 2);
  });

  test('overlap: 198 clips with identical windows, more when windows only overlap; --fail-on-overlap', async () => {
    const result = await runCli(['overlap', '--train', 'k700-2020:val', '--eval', 'k400:val', '--json', '--db', file]);
    assert.equal(result.code, 0, result.stderr);
    const report = JSON.parse(result.stdout) as { total: number; identical: number; by_class: { clips: number }[]; clips: { identical: number }[] };
    assert.equal(report.identical, 198);
    assert.ok(report.total > 198, `windows that only overlap count too (${report.total})`);
    assert.equal(report.by_class.reduce((sum, entry) => sum + entry.clips, 0), report.total);
    const failing = await runCli(['overlap', '--train', 'k700-2020:val', '--eval', 'k400:val', '--fail-on-overlap', '--db', file]);
    assert.equal(failing.code, 1);
  });

  test('export --exclude-overlap-with drops them and says so in the manifest', async () => {
    const home2 = join(bucket, 'home');
    mkdirSync(home2);
    const create = await runCli(['subset', 'create', 'k4', '--version', 'k400', '--split', 'val', '--db', file]);
    assert.equal(create.code, 0, create.stderr);
    const out = join(bucket, 'out');
    const result = await runCli(['export', 'k4', '--format', 'csv', '--include-missing', '--exclude-overlap-with', 'k700-2020:val', '--out', out, '--db', file, '--home', home2]);
    assert.equal(result.code, 0, result.stderr);
    const manifest = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8'));
    assert.deepEqual(manifest.exclude_overlap_with, ['k700-2020:val']);
    const overlap = JSON.parse((await runCli(['overlap', '--train', 'k700-2020:val', '--eval', 'k400:val', '--json', '--db', file])).stdout) as { total: number };
    assert.equal(manifest.counts.dropped_as_overlapping, overlap.total);
    const named = parse(readFileSync(join(out, 'excluded.csv')), { columns: true }) as { status: string }[];
    assert.equal(named.filter((row) => row.status === 'overlapping').length, overlap.total, 'the clips dropped are named, with why');
    assert.equal(manifest.counts.listed, 19_906 - overlap.total);

    // A subset of overlapping clips alone: refused, saying why.
    const overlapping = "SELECT a.version, a.split, a.clip_key FROM clips a JOIN clips b USING (clip_key) WHERE a.version = 'k400' AND b.version = 'k700-2020' LIMIT 5";
    assert.equal((await runCli(['subset', 'create', 'shared', '--sql', overlapping, '--db', file])).code, 0);
    const refused = await runCli(['export', 'shared', '--format', 'csv', '--include-missing', '--exclude-overlap-with', 'k700-2020:val', '--out', join(bucket, 'none'), '--db', file, '--home', home2]);
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /^kinetics: no clip listed, nothing written: every clip of shared overlaps k700-2020:val \(--exclude-overlap-with\)$/m);
  });

  test('every K400 class as a tree, with each class-name rule: the order a folder loader gives against classes.txt', async () => {
    const home3 = join(bucket, 'home3');
    const cli3 = (...args: string[]) => runCli([...args, '--db', file, '--home', home3]);
    assert.equal((await cli3('subset', 'create', 'one-each', '--version', 'k400', '--split', 'val', '--per-class', '1')).code, 0);
    const clips = await queryAll<{ clip_key: string; label: string }>(file, "SELECT c.clip_key, c.label FROM subset_clips s JOIN clips c USING (version, split, clip_key) WHERE s.subset = 'one-each'");
    assert.equal(clips.length, 400);
    writeTree(join(home3, 'videos', 'k400', 'val'), Object.fromEntries(clips.map((clip) => [`${classFolder(clip.label)}/${clip.clip_key}.mp4`, 'ok' as const])));
    assert.equal((await cli3('scan', '--verify')).code, 0);
    // torchvision's find_classes: sorted(entry.name for entry in os.scandir(split folder) if entry.is_dir()), numbered in that order.
    const folderLoaderOrder = (tree: string) => readdirSync(join(tree, 'val')).sort((x, y) => (x < y ? -1 : 1));
    const byLabels = join(bucket, 'tree-labels');
    const labelled = await cli3('export', 'one-each', '--format', 'tree', '--out', byLabels);
    assert.equal(labelled.code, 0, labelled.stderr);
    assert.doesNotMatch(labelled.stderr, /warning:/);
    const classes = readFileSync(join(byLabels, 'classes.txt'), 'utf8').trimEnd().split('\n');
    assert.deepEqual(folderLoaderOrder(byLabels), classes, 'folders named as the labels number as classes.txt');
    const byTorchvision = join(bucket, 'tree-torchvision');
    const renamed = await cli3('export', 'one-each', '--format', 'tree', '--class-names', 'torchvision', '--out', byTorchvision);
    assert.equal(renamed.code, 0, renamed.stderr);
    const swapped = folderLoaderOrder(byTorchvision).flatMap((folder, position) => (classFolder(classes[position]!) === folder ? [] : [folder]));
    assert.ok(swapped.includes('skiing_crosscountry') && swapped.includes('skiing_not_slalom_or_crosscountry'), swapped.join());
    assert.match(renamed.stderr, /warning: val: .* numbers the 400 class folders there by sorted name, so \d+ of its 400 clips would get targets other than classes\.txt: .*"skiing_crosscountry" sorts before "skiing_not_slalom_or_crosscountry"/);
    assert.doesNotMatch(renamed.stderr, /have no folder/);
  });
});

test('classes --map: a renamed class maps onto its new name, with counts and confidence', async () => {
  const bucket = copyOfSampleBucket();
  const rows = readFileSync(join(bucket, '400/annotations/val.csv'), 'utf8').split('\n').filter((row) => row.startsWith('hugging,'));
  for (const row of rows.slice(0, 3)) {
    const [, id, start, end] = row.split(',');
    writeFileSync(join(bucket, '700_2020/annotations/val.csv'), `hugging (not baby),${id},${start},${end},validate\r\n`, { flag: 'a' });
  }
  const file = join(tempDir(), 'catalog.db');
  await ingestInto(file, bucket);
  const result = await runCli(['classes', '--map', 'k400:k700-2020', '--json', '--db', file]);
  assert.equal(result.code, 0, result.stderr);
  const map = JSON.parse(result.stdout) as { label: string; maps_to: string | null; shared_clips: number; confidence: number | null; renamed: number }[];
  assert.deepEqual(map.find((row) => row.label === 'hugging'), { label: 'hugging', maps_to: 'hugging (not baby)', shared_clips: 3, confidence: 1, renamed: 1 });
  assert.equal(map[0]!.renamed, 1, 'renamed classes first');
  assert.ok(map.some((row) => row.label === 'abseiling' && row.maps_to === 'abseiling' && row.renamed === 0));
  assert.equal(result.stderr, '');

  const sharing = new Database(file);
  sharing.prepare("DELETE FROM clip_annotations WHERE version = 'k700-2020'").run();
  const k400Classes = sharing.prepare("SELECT count(*) FROM classes WHERE version = 'k400'").pluck().get() as number;
  sharing.close();
  const nothingShared = await runCli(['classes', '--map', 'k400:k700-2020', '--csv', '--db', file]);
  assert.equal(nothingShared.code, 0);
  assert.equal(nothingShared.stdout.split('\n').filter(Boolean).length, 1 + k400Classes, 'every K400 class, mapped to none');
  assert.equal(nothingShared.stderr, 'no clip of k400 is listed in k700-2020 (same clip key): no class maps onto another\n');

  const k400Only = join(tempDir(), 'catalog.db');
  assert.equal((await runCli(['ingest', '--source', bucket, '--versions', 'k400', '--db', k400Only])).code, 0);
  const notIngested = await runCli(['classes', '--map', 'k400:k600', '--db', k400Only]);
  assert.equal(notIngested.code, 64);
  assert.equal(notIngested.stderr, 'kinetics: this catalog holds no classes of k600 (it holds k400); run `kinetics ingest --versions k600`\n');
});
