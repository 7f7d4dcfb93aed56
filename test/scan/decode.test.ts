import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, test } from 'node:test';
import { decodeArguments, decodeWindows, firstComplaint } from '../../src/scan/decode-check.js';
import { videoTimeline } from '../../src/scan/video-integrity.js';
import { ingestInto, queryAll } from '../helpers/catalog.js';
import { encode, encodeTestClip } from '../helpers/ffmpeg.js';
import { cliEntry, runCli, tsxLoader } from '../helpers/run-cli.js';
import { sampleBucket, tempDir } from '../helpers/temp.js';

const home = tempDir();
const db = join(home, 'catalog.db');
let good: Buffer;
let scrambled: Buffer;
let valKeys: string[];

before(async () => {
  await ingestInto(db, sampleBucket);
  valKeys = (await queryAll<{ clip_key: string }>(db, "SELECT clip_key FROM clips WHERE version = 'k400' AND split = 'val' ORDER BY clip_key LIMIT 60")).map((row) => row.clip_key);
  const made = join(home, 'made.mp4');
  encodeTestClip(made);
  good = readFileSync(made);
  // The bitstream scrambled in the middle of the mdat: every box whole, so only decoding finds it.
  scrambled = Buffer.from(good);
  const mdat = scrambled.indexOf('mdat', 0, 'latin1');
  const middle = mdat + Math.floor((scrambled.length - mdat) / 2);
  for (let at = middle; at < middle + 400; at++) scrambled[at] = (at * 131) % 251;
});

function copyTree(files: Record<string, Buffer>): string {
  const root = join(tempDir(), 'copy');
  mkdirSync(root);
  for (const [key, bytes] of Object.entries(files)) writeFileSync(join(root, `${key}.mp4`), bytes);
  return root;
}

test("ffmpeg's first complaint in one line, without the address of its context", () => {
  assert.equal(firstComplaint('\n[h264 @ 0x5579515ee900] error while decoding MB 6 6, bytestream -11\n[h264 @ 0x1] other\n'), 'h264: error while decoding MB 6 6, bytestream -11');
  assert.equal(firstComplaint('[NULL @ 0x564024da1e80] Invalid NAL unit size (-1375979071 > 127).\n'), 'Invalid NAL unit size (-1375979071 > 127).');
  assert.equal(firstComplaint('Error while decoding stream #0:0: Invalid data found\n'), 'Error while decoding stream #0:0: Invalid data found');
  assert.equal(firstComplaint(''), undefined);
});

test('the first, middle and last frames are decoded from the keyframe before each, and no stretch twice', () => {
  // The last half second of the video track, wherever the file ends (a sound track may run on).
  const last = { seek: ['-ss', '9.500'] };
  // One GOP: the last frame needs every frame before it, so the clip is decoded once, whole.
  assert.deepEqual(decodeWindows({ seconds: 10, keyframes: [0] }), [{}]);
  assert.deepEqual(decodeWindows({ seconds: 10, keyframes: [0, 2, 4, 6, 8] }), [{ frames: 2 }, { seek: ['-ss', '5.000'], frames: 1 }, last]);
  // The middle decoded from 0 covers the first frames; one GOP from 3 s to the end covers the middle.
  assert.deepEqual(decodeWindows({ seconds: 10, keyframes: [0, 8] }), [{ seek: ['-ss', '5.000'], frames: 1 }, last]);
  assert.deepEqual(decodeWindows({ seconds: 10, keyframes: [0, 3] }), [{ frames: 2 }, last]);
  assert.deepEqual(decodeWindows(undefined), [{ frames: 2 }, { seek: ['-sseof', '-0.5'] }]);
  // Each window an input of its own, and each input an output.
  assert.deepEqual(decodeArguments('/b.mp4', [{ frames: 2 }, { seek: ['-sseof', '-0.5'] }]).slice(4), ['-threads', '1', '-i', '/b.mp4', '-threads', '1', '-sseof', '-0.5', '-i', '/b.mp4',
    '-map', '0:v:0', '-frames:v', '2', '-f', 'null', '-', '-map', '1:v:0', '-f', 'null', '-']);
});

test("a real clip's keyframe times come from its moov", () => {
  const made = join(home, 'made.mp4');
  assert.deepEqual(videoTimeline(made, good.length), { seconds: 10, keyframes: [0] });
  const gop = join(home, 'gop.mp4');
  encodeTestClip(gop, { sound: false, extra: ['-g', '50'] });
  const timeline = videoTimeline(gop, readFileSync(gop).length)!;
  assert.deepEqual(timeline.keyframes, [0, 2, 4, 6, 8]);
});

test('scan --decode finds a scrambled bitstream that --verify passes, records it undecodable, and decodes each file once', async () => {
  const [sound, broken] = valKeys;
  const root = copyTree({ [sound!]: good, [broken!]: scrambled });
  const first = await runCli(['scan', root, '--decode', '--jobs', '2', '--json', '--home', home]);
  assert.equal(first.code, 0, first.stderr);
  const summary = JSON.parse(first.stdout);
  assert.deepEqual([summary.verified, summary.decoded, summary.undecodable, summary.damaged], [2, 2, 1, 0]);
  const files = await queryAll<{ clip_key: string; status: string; decoded: number; detail: string | null }>(db, 'SELECT clip_key, status, decoded, detail FROM files WHERE path > ? AND path < ? ORDER BY clip_key', `${root}/`, `${root}0`);
  const byKey = new Map(files.map((file) => [file.clip_key, file]));
  assert.deepEqual([byKey.get(sound!)!.status, byKey.get(sound!)!.decoded], ['ok', 1]);
  assert.deepEqual([byKey.get(broken!)!.status, byKey.get(broken!)!.decoded], ['undecodable', 0]);
  assert.match(byKey.get(broken!)!.detail!, /^h264: |NAL unit|Invalid data|error while decoding/);
  const clip = await queryAll<{ status: string }>(db, 'SELECT status FROM clips WHERE clip_key = ?', broken);
  assert.equal(clip[0]!.status, 'undecodable');

  // Decoded files are not decoded again; status counts the undecodable one, --fail-on-damage fails on it.
  const again = await runCli(['scan', root, '--decode', '--json', '--fail-on-damage', '--home', home]);
  assert.equal(again.code, 65);
  assert.equal(JSON.parse(again.stdout).decoded, 0);
  const status = await runCli(['status', '--version', 'k400', '--split', 'val', '--json', '--home', home]);
  assert.equal(JSON.parse(status.stdout)[0].undecodable, 1);
  // The undecodable clip is what repair and --only-missing go after.
  const missing = await runCli(['subset', 'create', 'again', '--version', 'k400', '--split', 'val', '--only-missing', '--home', home]);
  assert.equal(missing.code, 0, missing.stderr);
  const picked = await queryAll<{ n: number }>(db, "SELECT count(*) AS n FROM subset_clips WHERE subset = 'again' AND clip_key = ?", broken);
  assert.equal(picked[0]!.n, 1);

  // The file replaced by a good copy is decoded again, and serves its clip as ok.
  writeFileSync(join(root, `${broken}.mp4`), good);
  const mended = await runCli(['scan', root, '--decode', '--json', '--home', home]);
  assert.equal(JSON.parse(mended.stdout).decoded, 1);
  assert.equal((await queryAll<{ status: string }>(db, 'SELECT status FROM clips WHERE clip_key = ?', broken))[0]!.status, 'ok');
});

test('an open-GOP clip, whose seeks make H.264 log errors of frames it never shows, decodes; one with sound past its video is decoded to its last frame', async () => {
  const root = join(tempDir(), 'open-gop');
  mkdirSync(root);
  encode(join(root, `${valKeys[52]}.mp4`), ['-f', 'lavfi', '-i', 'testsrc=size=320x240:rate=25', '-t', '10', '-c:v', 'libx264', '-x264-params', 'open-gop=1:keyint=50:min-keyint=5']);
  // 5 s of video, then sound to 10 s: the end of the file is past the last frame.
  encode(join(root, `${valKeys[53]}.mp4`), ['-f', 'lavfi', '-t', '5', '-i', 'testsrc=size=160x120:rate=25', '-f', 'lavfi', '-t', '10', '-i', 'sine', '-c:v', 'libx264', '-g', '25', '-pix_fmt', 'yuv420p', '-c:a', 'aac']);
  const result = await runCli(['scan', root, '--decode', '--json', '--home', home]);
  assert.equal(result.code, 0, result.stderr);
  assert.deepEqual([JSON.parse(result.stdout).decoded, JSON.parse(result.stdout).undecodable], [2, 0]);
  const timeline = videoTimeline(join(root, `${valKeys[53]}.mp4`), readFileSync(join(root, `${valKeys[53]}.mp4`)).length)!;
  assert.ok(Math.abs(timeline.seconds - 5) < 0.1, `the video track's ${timeline.seconds} s, not the file's 10`);
});

test('without ffmpeg, scan --decode is one line, exit 69, before it records anything; --jobs alone is a usage error', async () => {
  const root = copyTree({ [valKeys[2]!]: good });
  const before = await queryAll<{ n: number }>(db, 'SELECT count(*) AS n FROM disk_files');
  const result = await runCli(['scan', root, '--decode', '--home', home], { env: { KINETICS_FFMPEG: join(home, 'no-ffmpeg-here') } });
  assert.equal(result.code, 69);
  assert.equal(result.stderr.trim().split('\n').length, 1, result.stderr);
  assert.match(result.stderr, /scan --decode needs ffmpeg, and there is none at '.*no-ffmpeg-here'/);
  assert.deepEqual(await queryAll<{ n: number }>(db, 'SELECT count(*) AS n FROM disk_files'), before);
  const jobs = await runCli(['scan', root, '--jobs', '2', '--home', home]);
  assert.equal(jobs.code, 64);
  assert.match(jobs.stderr, /--jobs sets how many ffmpeg processes --decode runs/);
});

test('a decode killed with -9 resumes with the files it had not decoded', async () => {
  const keys = valKeys.slice(3, 3 + 48);
  const root = copyTree(Object.fromEntries(keys.map((key) => [key, good])));
  // ffmpeg behind a script that notes the file it is given, slowed so that the kill lands midway.
  const log = join(home, 'decoded.log');
  const slowFfmpeg = join(home, 'slow-ffmpeg');
  writeFileSync(slowFfmpeg, `#!/bin/sh\ncase "$*" in *-version*) exec ffmpeg "$@";; esac\nsleep 0.1\nfor arg; do case "$arg" in *.mp4) echo "$arg" >> '${log}'; break;; esac; done\nexec ffmpeg "$@"\n`);
  chmodSync(slowFfmpeg, 0o755);
  const env = { ...process.env, KINETICS_SOURCE: '', KINETICS_FFMPEG: slowFfmpeg };
  const child = spawn(process.execPath, ['--import', tsxLoader, cliEntry, 'scan', root, '--decode', '--jobs', '1', '--quiet', '--home', home], { env, stdio: 'ignore', detached: true });
  const under = [`${root}/`, `${root}0`];
  for (;;) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    const done = await queryAll<{ n: number }>(db, 'SELECT count(*) AS n FROM disk_files WHERE decoded IS NOT NULL AND path > ? AND path < ?', ...under);
    if (done[0]!.n >= 32) break;
  }
  // The whole group, so that no ffmpeg of the killed scan is left to write to the log.
  process.kill(-child.pid!, 'SIGKILL');
  await new Promise((resolve) => child.on('close', resolve));
  const recorded = await queryAll<{ path: string }>(db, 'SELECT path FROM disk_files WHERE decoded = 1 AND path > ? AND path < ?', ...under);
  assert.ok(recorded.length < keys.length, 'killed before the end');
  writeFileSync(log, '');
  const resumed = await runCli(['scan', root, '--decode', '--json', '--home', home], { env: { KINETICS_FFMPEG: slowFfmpeg } });
  assert.equal(resumed.code, 0, resumed.stderr);
  const decodedNow = readFileSync(log, 'utf8').trim().split('\n');
  assert.equal(JSON.parse(resumed.stdout).decoded, keys.length - recorded.length);
  assert.equal(decodedNow.length, keys.length - recorded.length);
  for (const row of recorded) assert.ok(!decodedNow.includes(row.path), `${row.path} was decoded again`);
  const all = await queryAll<{ n: number }>(db, 'SELECT count(*) AS n FROM disk_files WHERE decoded = 1 AND path > ? AND path < ?', ...under);
  assert.equal(all[0]!.n, keys.length);
});
