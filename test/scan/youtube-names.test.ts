import assert from 'node:assert/strict';
import { join } from 'node:path';
import { before, test } from 'node:test';
import { parseClipFileName, parseYoutubeFileName } from '../../src/util/clip-key.js';
import { ingestInto, queryAll } from '../helpers/catalog.js';
import { runCli } from '../helpers/run-cli.js';
import { sampleBucket, tempDir } from '../helpers/temp.js';
import { writeTree } from '../helpers/video-tree.js';

test('names: CVDF clip names in any case of extension; YouTube-id names with a de-duplication suffix; nothing else', () => {
  assert.equal(parseClipFileName('-1DARulHLgw_000007_000017.MP4')?.clipKey, '-1DARulHLgw_000007_000017');
  assert.equal(parseYoutubeFileName('-1DARulHLgw.mp4'), '-1DARulHLgw');
  assert.equal(parseYoutubeFileName('-1DARulHLgw_2.MKV'), '-1DARulHLgw');
  assert.equal(parseYoutubeFileName('ab_cdefghij.webm'), 'ab_cdefghij', 'an id may hold an underscore');
  assert.equal(parseYoutubeFileName('-1DARulHLgw_000007_000017.mp4'), undefined, 'a windowed name is not an id name');
  assert.equal(parseYoutubeFileName('short.mp4'), undefined);
  assert.equal(parseYoutubeFileName('-1DARulHLgw.txt'), undefined);
});

const home = tempDir();
const db = join(home, 'catalog.db');
const cli = (...args: string[]) => runCli([...args, '--home', home]);

before(async () => {
  await ingestInto(db, sampleBucket);
});

test('a copy named by YouTube id: the one clip with that id is matched, several are ambiguous (never a guess), none is said; --version and --split narrow', async () => {
  // The sample holds -1DARulHLgw once (k400 val); --Cn3baGeM4 in two windows of k700-2020 test; zzzzzzzzzzz nowhere.
  const root = join(tempDir(), 'opendatalab', 'k400');
  writeTree(root, {
    'val/abseiling/-1DARulHLgw.mp4': 'ok',
    'val/abseiling/-41x69LV3D4_1.MP4': 'ok',
    'test/--Cn3baGeM4.mp4': 'ok',
    'test/zzzzzzzzzzz.mp4': 'ok',
    'val/-54Bs-0kdhA_000003_000013.MP4': 'ok',
    'val/zzzzzzzzzzz_000003_000013.mp4': 'ok',
    'README.txt': 'junk',
  });
  const scanned = await cli('scan', root, '--verify', '--report');
  assert.equal(scanned.code, 0, scanned.stderr);
  assert.match(scanned.stderr, /^4 files named by YouTube id alone: 2 matched to the one clip with that id, 1 ambiguous .*, 1 of no clip; --version and --split narrow/m);
  const files = await queryAll<{ path: string; clip_key: string | null; matched_by: string | null; candidates: string | null; youtube_id: string | null }>(
    db,
    'SELECT path, clip_key, matched_by, candidates, youtube_id FROM files ORDER BY path',
  );
  const byName = new Map(files.map((file) => [file.path.slice(root.length + 1), file]));
  assert.deepEqual(byName.get('val/abseiling/-1DARulHLgw.mp4'), { path: join(root, 'val/abseiling/-1DARulHLgw.mp4'), clip_key: '-1DARulHLgw_000007_000017', matched_by: 'youtube_id', candidates: null, youtube_id: '-1DARulHLgw' });
  assert.equal(byName.get('val/abseiling/-41x69LV3D4_1.MP4')!.clip_key, '-41x69LV3D4_000075_000085');
  assert.deepEqual([byName.get('test/--Cn3baGeM4.mp4')!.matched_by, byName.get('test/--Cn3baGeM4.mp4')!.clip_key], ['ambiguous', null]);
  assert.deepEqual(byName.get('test/--Cn3baGeM4.mp4')!.candidates!.split(',').sort(), ['--Cn3baGeM4_000000_000010', '--Cn3baGeM4_000005_000015']);
  assert.equal(byName.get('test/zzzzzzzzzzz.mp4')!.matched_by, 'none');
  assert.equal(byName.get('val/-54Bs-0kdhA_000003_000013.MP4')!.matched_by, 'name');
  assert.equal(byName.get('val/zzzzzzzzzzz_000003_000013.mp4')!.matched_by, 'name', 'named by a clip key, whether or not a version lists it');
  assert.equal(byName.get('README.txt')!.matched_by, null);

  // The report: per root, each way of matching with a count and an example.
  assert.match(scanned.stdout, /exact name +1 .*-54Bs-0kdhA/);
  assert.match(scanned.stdout, /clip name of no clip +1 .*zzzzzzzzzzz_000003_000013\.mp4/);
  assert.match(scanned.stdout, /by youtube id +2 /);
  assert.match(scanned.stdout, /ambiguous youtube id +1 .*--Cn3baGeM4\.mp4/);
  assert.match(scanned.stdout, /youtube id of no clip +1 /);
  assert.match(scanned.stdout, /not a clip name +1 .*README\.txt/);

  // A matched file serves its clip, as a CVDF-named one does.
  const [clip] = await queryAll<{ status: string; path: string }>(db, "SELECT status, path FROM clips WHERE version = 'k400' AND split = 'val' AND clip_key = '-1DARulHLgw_000007_000017'");
  assert.equal(clip!.status, 'ok');
  assert.ok(clip!.path.endsWith('-1DARulHLgw.mp4'));

  // Narrowed to a scope where one of the windows is not, the ambiguous one is still two (both k700-2020 test), and
  // a scope with none of them leaves it of no clip: never a guess.
  const narrowed = await cli('scan', root, '--version', 'k400', '--json');
  const summary = JSON.parse(narrowed.stdout) as { byYoutubeId: { matched: number; ambiguous: number; none: number } };
  assert.deepEqual(summary.byYoutubeId, { matched: 2, ambiguous: 0, none: 2 });
  const wrongScope = await cli('scan', root, '--split', 'trian');
  assert.equal(wrongScope.code, 64);
  assert.match(wrongScope.stderr, /unknown split "trian" \(did you mean train\?\); one of/);
});

test('status --root: the coverage of one copy per version and split, whatever other copies hold', async () => {
  const copy = join(tempDir(), 'lab', 'k400');
  writeTree(copy, { 'val/-1DARulHLgw.mp4': 'ok', 'val/-41x69LV3D4.mp4': 'truncated' });
  const other = join(tempDir(), 'elsewhere');
  writeTree(other, { '-54Bs-0kdhA_000003_000013.mp4': 'ok' });
  assert.equal((await cli('scan', copy, other, '--verify', '--version', 'k400')).code, 0);
  const result = await cli('status', '--root', `${copy}/`, '--version', 'k400', '--json');
  assert.equal(result.code, 0, result.stderr);
  const [k400Val] = await queryAll<{ n: number }>(db, "SELECT count(*) AS n FROM clip_annotations WHERE version = 'k400' AND split = 'val'");
  // Only K400 val has files here; each clip by its best file here, the other copy's clip missing here.
  assert.deepEqual(JSON.parse(result.stdout), [
    { version: 'k400', split: 'val', annotated: k400Val!.n, here: 2, ok: 1, missing: k400Val!.n - 2, empty: 0, damaged: 1, undecodable: 0, short: 0, unchecked: 0, unverified: 0 },
  ]);
  const nothing = await cli('status', '--root', join(tempDir(), 'never-scanned'));
  assert.equal(nothing.code, 66);
  assert.match(nothing.stderr, /no file is recorded under .*never-scanned: `kinetics scan .*` records its files/);
  assert.equal((await cli('status', '--root', copy, '--by-class')).code, 64);
});

test("every common layout of a copy: only a file's name decides its clip, whatever folders hold it", async () => {
  const keys = (await queryAll<{ clip_key: string; youtube_id: string }>(db, "SELECT clip_key, youtube_id FROM clips WHERE version = 'k700-2020' AND split = 'val' AND youtube_id NOT IN (SELECT youtube_id FROM clip_annotations GROUP BY youtube_id HAVING count(DISTINCT clip_key) > 1) ORDER BY clip_key LIMIT 7"));
  const copy = join(tempDir(), 'layouts');
  const [odl, torchvision, mmaction, detox, fiftyone, torrent, upper] = keys;
  writeTree(copy, {
    [`vol_03/${odl!.youtube_id}.mp4`]: 'ok', // OpenDataLab's K600/K700 volumes, named by id
    [`val/hugging_not_baby/${torchvision!.clip_key}.mp4`]: 'ok', // torchvision's class folders
    [`videos_val/air_drumming/${mmaction!.youtube_id}_2.mp4`]: 'ok', // mmaction's '_' folders, a de-duplication suffix
    [`val/hugging_(not_baby)/${detox!.clip_key}.mp4`]: 'ok', // detox-renamed folders
    [`validation/air drumming/${fiftyone!.clip_key}.mp4`]: 'ok', // FiftyOne's zoo
    [`k700_val/${torrent!.clip_key}.webm`]: 'webm', // a torrent copy in WebM
    [`VAL/${upper!.clip_key}.MP4`]: 'ok',
  });
  assert.equal((await cli('scan', copy, '--verify')).code, 0);
  const files = await queryAll<{ clip_key: string; status: string }>(db, 'SELECT clip_key, status FROM files WHERE path > ? AND path < ? ORDER BY clip_key', `${copy}/`, `${copy}0`);
  assert.deepEqual(files, keys.map((key) => ({ clip_key: key.clip_key, status: 'ok' })).sort((a, b) => (a.clip_key < b.clip_key ? -1 : 1)));
  const coverage = JSON.parse((await cli('status', '--root', copy, '--version', 'k700-2020', '--json')).stdout);
  assert.deepEqual(coverage.map((row: { split: string; here: number; ok: number }) => [row.split, row.here, row.ok]), [['val', 7, 7]]);
});
