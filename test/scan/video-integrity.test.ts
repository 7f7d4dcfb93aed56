import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { minimalMp4, minimalWebm } from '../../src/util/mp4-fixture.js';
import { checkVideoFile } from '../../src/scan/video-integrity.js';
import { type FixtureKind, fixtureBytes } from '../helpers/video-tree.js';
import { tempDir } from '../helpers/temp.js';

const dir = tempDir();

function check(kind: FixtureKind | Buffer, window: number | null = 10) {
  const bytes = Buffer.isBuffer(kind) ? kind : fixtureBytes(kind);
  const path = join(dir, `${Math.random()}.mp4`);
  writeFileSync(path, bytes);
  return checkVideoFile(path, bytes.length, window);
}

test('a minimal valid MP4 is ok, with its mvhd duration', () => {
  // The fixture's video trak has no sample table: what it does not say is null, never guessed.
  assert.deepEqual(check('ok'), { status: 'ok', duration: 10, detail: null, media: { codec: null, width: null, height: null, frames: null, fps: null, hasAudio: false } });
});

test('empty, truncated, moov-less, non-MP4 and short files', () => {
  assert.equal(check('empty').status, 'empty');
  const truncated = check('truncated');
  assert.equal(truncated.status, 'damaged');
  assert.match(truncated.detail!, /runs past the end of the file.*truncated/);
  const noMoov = check('no-moov');
  assert.equal(noMoov.status, 'damaged');
  assert.match(noMoov.detail!, /moov atom not found/);
  assert.match(check('junk').detail!, /no ftyp box at the start/);
  assert.match(check(Buffer.from([0, 0, 0, 2, 0xff, 0, 1, 2, 3])).detail!, /not an MP4 file/);
  const short = check('short');
  assert.equal(short.status, 'short');
  assert.equal(short.duration, 3);
  assert.equal(check('short', null).status, 'ok', 'no window known: duration alone is not a finding');
});

test('WebM/MKV: duration from the Info, codec, size, rate and sound from the Tracks; truncated, short, no video track', () => {
  assert.deepEqual(check('webm'), { status: 'ok', duration: 10, detail: null, media: { codec: 'vp09', width: 160, height: 120, frames: null, fps: 25, hasAudio: true } });
  assert.equal(check(minimalWebm(10, { silent: true })).media!.hasAudio, false);
  const cut = check(fixtureBytes('webm').subarray(0, 60));
  assert.equal(cut.status, 'damaged');
  assert.match(cut.detail!, /^the Segment runs past the end of the file \(\d+ > 60 bytes\): truncated$/);
  assert.equal(check(minimalWebm(3)).status, 'short');
  // The video track's type made 2 (audio): no video track left.
  const noVideo = Buffer.from(minimalWebm(10, { silent: true }));
  noVideo[noVideo.indexOf(Buffer.from([0x83, 0x01, 0, 0, 0, 0, 0, 0, 4])) + 12] = 2;
  assert.equal(check(noVideo).detail, 'no video track (no TrackEntry of type video)');
  assert.equal(check(Buffer.concat([Buffer.from([0x1a, 0x45, 0xdf, 0xa3]), Buffer.alloc(100)])).detail, 'no Segment after the EBML header');
  assert.equal(check(minimalWebm(10, { voidBeforeSegment: true })).status, 'ok', 'a Void may stand before the Segment');
  // Tracks that run past the 64 KiB read, their video track beyond it: not judged, never damaged.
  assert.equal(check(minimalWebm(10, { padTracks: 70_000 })).status, 'unchecked');
});

test('a file cut exactly at a box boundary still lacks its mdat bytes only if a box says so', () => {
  const good = fixtureBytes('ok');
  const ftypSize = good.readUInt32BE(0);
  const moovSize = good.readUInt32BE(ftypSize);
  // ftyp + moov and no mdat at all: structurally complete boxes, so not damaged by box walking alone.
  assert.equal(check(good.subarray(0, ftypSize + moovSize)).status, 'ok');
  // One byte short of the end: the mdat box claims more than the file holds.
  assert.equal(check(good.subarray(0, good.length - 1)).status, 'damaged');
});

test('64-bit box sizes and version-1 mvhd are read', () => {
  const box = (type: string, body: Buffer, large = false) => {
    const header = Buffer.alloc(large ? 16 : 8);
    if (large) {
      header.writeUInt32BE(1, 0);
      header.writeBigUInt64BE(BigInt(16 + body.length), 8);
    } else header.writeUInt32BE(8 + body.length, 0);
    header.write(type, 4, 'latin1');
    return Buffer.concat([header, body]);
  };
  const mvhd = Buffer.alloc(112);
  mvhd[0] = 1;
  mvhd.writeUInt32BE(90000, 20);
  mvhd.writeBigUInt64BE(90000n * 12n, 24);
  const hdlr = Buffer.alloc(25);
  hdlr.write('vide', 8, 'latin1');
  const trak = box('trak', box('mdia', box('hdlr', hdlr)));
  const file = Buffer.concat([box('ftyp', Buffer.from('isom\0\0\0\0')), box('moov', Buffer.concat([box('mvhd', mvhd), trak])), box('mdat', Buffer.alloc(50), true)]);
  assert.deepEqual(check(file), { status: 'ok', duration: 12, detail: null, media: { codec: null, width: null, height: null, frames: null, fps: null, hasAudio: false } });
});

test('a file whose moov has no video track (only sound, or no trak at all) is damaged: loaders find no video stream', () => {
  const dir = tempDir();
  const withVideo = join(dir, 'video.mp4');
  writeFileSync(withVideo, minimalMp4(10));
  assert.equal(checkVideoFile(withVideo, minimalMp4(10).length, 10).status, 'ok');
  const audioOnly = minimalMp4(10, 64, { audioOnly: true });
  const sound = join(dir, 'sound.mp4');
  writeFileSync(sound, audioOnly);
  assert.deepEqual(checkVideoFile(sound, audioOnly.length, 10), { status: 'damaged', duration: null, detail: 'no video track (no trak whose hdlr is vide)' });
  // The same file with its trak renamed to a box no reader looks into: no track at all.
  const noTrak = Buffer.from(audioOnly);
  noTrak.write('free', noTrak.indexOf('trak'), 'latin1');
  const bare = join(dir, 'bare.mp4');
  writeFileSync(bare, noTrak);
  assert.equal(checkVideoFile(bare, noTrak.length, 10).detail, 'no video track (no trak whose hdlr is vide)');
});
