import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, test } from 'node:test';
import { checkVideoFile } from '../../src/scan/video-integrity.js';
import { encodeTestClip } from '../helpers/ffmpeg.js';
import { tempDir } from '../helpers/temp.js';

const dir = tempDir();
let faststart: Buffer;
let moovLast: Buffer;

before(() => {
  encodeTestClip(join(dir, 'faststart.mp4'), { extra: ['-movflags', '+faststart'] });
  encodeTestClip(join(dir, 'moov-last.mp4'));
  faststart = readFileSync(join(dir, 'faststart.mp4'));
  moovLast = readFileSync(join(dir, 'moov-last.mp4'));
});

function check(bytes: Buffer) {
  const path = join(dir, `${Math.random()}.mp4`);
  writeFileSync(path, bytes);
  return checkVideoFile(path, bytes.length, 10);
}

/** The offset of a top-level box's header. */
function topBox(file: Buffer, type: string): number {
  let offset = 0;
  while (offset < file.length) {
    if (file.toString('latin1', offset + 4, offset + 8) === type) return offset;
    offset += file.readUInt32BE(offset);
  }
  throw new Error(`no ${type} box`);
}

/** The offset of the first entry of the first stco (the first track's first chunk). */
function firstChunkOffsetAt(file: Buffer): number {
  return file.indexOf('stco', 0, 'latin1') + 4 + 8;
}

test('real H.264 with sound is ok whether its moov comes before or after its mdat', () => {
  assert.equal(check(faststart).status, 'ok');
  assert.equal(check(moovLast).status, 'ok');
});

test('a file cut inside an mdat whose header says "to the end of the file" is damaged: its samples lie past the end', () => {
  const cut = Buffer.from(faststart.subarray(0, faststart.length - 5000));
  cut.writeUInt32BE(0, topBox(cut, 'mdat'));
  const result = check(cut);
  assert.equal(result.status, 'damaged');
  assert.match(result.detail!, /^track \d's chunk \d+ \(bytes \d+–\d+\) lies past the end of the file \(\d+ bytes\): truncated$/);
});

test('a sample table pointing past the end, or outside the mdat, is damaged though every box is whole', () => {
  const pastEnd = Buffer.from(faststart);
  pastEnd.writeUInt32BE(faststart.length + 1000, firstChunkOffsetAt(pastEnd));
  assert.match(check(pastEnd).detail!, /^track 1's chunk 1 .* past the end of the file/);

  const intoMoov = Buffer.from(moovLast);
  intoMoov.writeUInt32BE(topBox(intoMoov, 'moov') + 8, firstChunkOffsetAt(intoMoov));
  assert.match(check(intoMoov).detail!, /^track 1's chunk 1 \(bytes \d+–\d+\) lies outside the mdat box$/);
});

test('a fragmented MP4 (samples in moofs, mvhd duration 0) is ok with its length unknown, not short', () => {
  const path = join(dir, 'fragmented.mp4');
  encodeTestClip(path, { extra: ['-movflags', '+frag_keyframe+empty_moov'] });
  const bytes = readFileSync(path);
  const result = check(bytes);
  assert.equal(result.status, 'ok');
  assert.equal(result.duration, null);
  assert.deepEqual([result.media!.codec, result.media!.frames, result.media!.hasAudio], ['avc1', null, true]);
});
