import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, test } from 'node:test';
import { ingestInto, queryAll } from '../helpers/catalog.js';
import { encode } from '../helpers/ffmpeg.js';
import { runCli } from '../helpers/run-cli.js';
import { sampleBucket, tempDir } from '../helpers/temp.js';

const home = tempDir();
const db = join(home, 'catalog.db');
const root = join(home, 'copy');
// Clips of the sample's K400 val, so that they serve clips the catalog knows.
const [withSound, silent, hevc] = ['-1DARulHLgw_000007_000017', '-41x69LV3D4_000075_000085', '-54Bs-0kdhA_000003_000013'];

before(async () => {
  await ingestInto(db, sampleBucket);
  mkdirSync(join(root, 'val'), { recursive: true });
  encode(join(root, 'val', `${withSound}.mp4`), ['-f', 'lavfi', '-i', 'testsrc=size=320x240:rate=25', '-f', 'lavfi', '-i', 'sine=frequency=440', '-t', '10', '-c:v', 'libx264', '-pix_fmt', 'yuv420p', '-c:a', 'aac', '-shortest']);
  encode(join(root, 'val', `${silent}.mp4`), ['-f', 'lavfi', '-i', 'testsrc=size=176x144:rate=30000/1001', '-t', '10', '-c:v', 'libx264', '-pix_fmt', 'yuv420p']);
  encode(join(root, 'val', `${hevc}.mp4`), ['-f', 'lavfi', '-i', 'testsrc=size=256x144:rate=24', '-t', '10', '-c:v', 'libx265', '-tag:v', 'hvc1', '-x265-params', 'log-level=error']);
});

test('scan --verify reads codec, coded size, frames, frame rate and sound from the moov, as columns of files and of clip_media', async () => {
  const scanned = await runCli(['scan', root, '--verify', '--home', home]);
  assert.equal(scanned.code, 0, scanned.stderr);
  const files = await queryAll<{ clip_key: string; status: string; codec: string; width: number; height: number; frames: number; fps: number; has_audio: number }>(
    db,
    'SELECT clip_key, status, codec, width, height, frames, fps, has_audio FROM files ORDER BY clip_key',
  );
  const byKey = new Map(files.map((file) => [file.clip_key, file]));
  assert.deepEqual({ ...byKey.get(withSound) }, { clip_key: withSound, status: 'ok', codec: 'avc1', width: 320, height: 240, frames: 250, fps: 25, has_audio: 1 });
  const ntsc = byKey.get(silent)!;
  assert.deepEqual([ntsc.codec, ntsc.width, ntsc.height, ntsc.has_audio], ['avc1', 176, 144, 0]);
  assert.ok(Math.abs(ntsc.fps - 29.97) < 0.01, `29.97 frames a second, not ${ntsc.fps}`);
  assert.deepEqual([byKey.get(hevc)!.codec, byKey.get(hevc)!.width, byKey.get(hevc)!.frames], ['hvc1', 256, 240]);

  // The questions the columns answer, with the clips joined to their serving file's media.
  const small = await queryAll<{ clip_key: string }>(
    db,
    "SELECT c.clip_key FROM clips c JOIN clip_media m USING (clip_key) WHERE c.version = 'k400' AND c.split = 'val' AND min(m.width, m.height) < 150 ORDER BY c.clip_key",
  );
  assert.deepEqual(small.map((clip) => clip.clip_key), [silent, hevc]);
  const mute = await queryAll<{ n: number }>(db, "SELECT count(*) AS n FROM clips c JOIN clip_media m USING (clip_key) WHERE c.version = 'k400' AND m.has_audio = 0");
  assert.equal(mute[0]!.n, 2);
});

test('an unverified file has no media columns yet; --verify fills them', async () => {
  const other = join(tempDir(), 'fresh');
  mkdirSync(other);
  encode(join(other, `${withSound}.mp4`), ['-f', 'lavfi', '-i', 'testsrc=size=64x64:rate=10', '-t', '10', '-c:v', 'libx264', '-pix_fmt', 'yuv420p']);
  const file = join(tempDir(), 'catalog.db');
  await ingestInto(file, sampleBucket);
  assert.equal((await runCli(['scan', other, '--db', file])).code, 0);
  const [before] = await queryAll<{ status: string; codec: string | null }>(file, 'SELECT status, codec FROM files');
  assert.deepEqual({ ...before }, { status: 'unverified', codec: null });
  assert.equal((await runCli(['scan', other, '--verify', '--db', file])).code, 0);
  const [after] = await queryAll<{ codec: string; width: number }>(file, 'SELECT codec, width FROM files');
  assert.deepEqual({ ...after }, { codec: 'avc1', width: 64 });
});

test('WebM and MKV copies (torrent copies of Kinetics are often these) are read from their header: codec, size, rate, sound, duration; a cut one is damaged', async () => {
  const copy = join(tempDir(), 'torrent');
  mkdirSync(copy);
  const [webm, mkv, cut] = ['-1DARulHLgw_000007_000017', '-41x69LV3D4_000075_000085', '-54Bs-0kdhA_000003_000013'];
  encode(join(copy, `${webm}.webm`), ['-f', 'lavfi', '-i', 'testsrc=size=192x108:rate=25', '-f', 'lavfi', '-i', 'sine', '-t', '10', '-c:v', 'libvpx-vp9', '-deadline', 'realtime', '-cpu-used', '8', '-c:a', 'libopus', '-shortest']);
  encode(join(copy, `${mkv}.mkv`), ['-f', 'lavfi', '-i', 'testsrc=size=128x96:rate=30', '-t', '3', '-c:v', 'libx264', '-pix_fmt', 'yuv420p']);
  encode(join(copy, 'whole.webm'), ['-f', 'lavfi', '-i', 'testsrc=size=64x64:rate=25', '-t', '10', '-c:v', 'libvpx-vp9', '-deadline', 'realtime', '-cpu-used', '8']);
  const whole = readFileSync(join(copy, 'whole.webm'));
  writeFileSync(join(copy, `${cut}.webm`), whole.subarray(0, whole.length >> 1));
  rmSync(join(copy, 'whole.webm'));
  const scanned = await runCli(['scan', copy, '--verify', '--home', home]);
  assert.equal(scanned.code, 0, scanned.stderr);
  const files = await queryAll<{ clip_key: string; status: string; codec: string; width: number; height: number; fps: number; has_audio: number; duration: number; detail: string | null }>(
    db,
    'SELECT clip_key, status, codec, width, height, fps, has_audio, duration, detail FROM files WHERE path > ? AND path < ?',
    `${copy}/`,
    `${copy}0`,
  );
  const byKey = new Map(files.map((file) => [file.clip_key, file]));
  const vp9 = byKey.get(webm)!;
  assert.deepEqual([vp9.status, vp9.codec, vp9.width, vp9.height, vp9.fps, vp9.has_audio], ['ok', 'vp09', 192, 108, 25, 1]);
  assert.ok(Math.abs(vp9.duration - 10) < 0.1, `${vp9.duration} s`);
  const h264 = byKey.get(mkv)!;
  assert.deepEqual([h264.status, h264.codec, h264.width, h264.has_audio], ['short', 'avc1', 128, 0]);
  assert.equal(byKey.get(cut)!.status, 'damaged');
  assert.match(byKey.get(cut)!.detail!, /Segment runs past the end of the file/);
});
