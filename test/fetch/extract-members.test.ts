import { createHash } from 'node:crypto';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { type ExtractHooks, MemberExtractor } from '../../src/fetch/extract-members.js';
import { copyRank } from '../../src/scan/file-record.js';
import { minimalMp4 } from '../../src/util/mp4-fixture.js';
import { rawTar } from '../helpers/raw-tar.js';
import { tempDir } from '../helpers/temp.js';

interface Seen {
  members: string[];
  extracted: string[];
  /** The sha256 the extractor gave for each path, the last it was told. */
  sha256: Map<string, string>;
  refused: { member: string; reason: string }[];
}

/** Hooks that write wanted members under `folder` and note what they are told; copies ranked as fetch ranks them. */
function recordingHooks(folder: string, wanted: (clipKey: string) => boolean = () => true): ExtractHooks & { seen: Seen } {
  const seen: Seen = { members: [], extracted: [], sha256: new Map(), refused: [] };
  return {
    seen,
    destinationOf: (clipKey, fileName) => (wanted(clipKey) ? join(folder, fileName) : undefined),
    onMember: (clipKey) => seen.members.push(clipKey),
    // Told again when a better copy replaces the first: each path is noted once.
    onExtracted: (_clipKey, path, sha256) => {
      if (!seen.extracted.includes(path)) seen.extracted.push(path);
      seen.sha256.set(path, sha256);
    },
    onRefused: (member, reason) => seen.refused.push({ member, reason }),
    rankCopy: copyRank,
  };
}

/** Feeds the archive `chunk` bytes at a time; with `reuse`, through one buffer overwritten for every chunk. */
async function extract(archive: Buffer, wanted: (clipKey: string) => boolean, chunk = 333, reuse = false) {
  const out = tempDir();
  const hooks = recordingHooks(join(out, 'clips'), wanted);
  const extractor = new MemberExtractor('test.tar.gz', hooks);
  const scratch = Buffer.alloc(chunk);
  for (let offset = 0; offset < archive.length; offset += chunk) {
    const piece = archive.subarray(offset, offset + chunk);
    await extractor.write(reuse ? scratch.subarray(0, piece.copy(scratch)) : piece);
  }
  if (reuse) scratch.fill(0);
  await extractor.finish();
  return { out, ...hooks.seen };
}

const video = minimalMp4(10);
const key = (index: number) => `abcdefghij${index}_000000_000010`;

test('only wanted members are written, placed by basename; every clip member is recorded', async () => {
  const archive = rawTar([
    { path: './', type: 'directory' },
    { path: `./${key(1)}.mp4`, content: video },
    { path: `deep/er/${key(2)}.mp4`, content: video },
    { path: 'readme.txt', content: Buffer.from('not a clip') },
  ]);
  const result = await extract(archive, (clipKey) => clipKey === key(2));
  assert.deepEqual(result.members, [key(1), key(2)]);
  assert.deepEqual(readdirSync(join(result.out, 'clips')), [`${key(2)}.mp4`]);
  assert.deepEqual(readFileSync(join(result.out, 'clips', `${key(2)}.mp4`)), video);
});

test('path traversal, absolute paths, links and devices are refused and reported; the other members still extract', async () => {
  const archive = rawTar([
    { path: `../${key(1)}.mp4`, content: video },
    { path: `/tmp/${key(2)}.mp4`, content: video },
    { path: `${key(3)}.mp4`, type: 'symlink', linkTarget: '/etc/passwd' },
    { path: `${key(4)}.mp4`, type: 'hardlink', linkTarget: 'elsewhere' },
    { path: `${key(5)}.mp4`, type: 'chardev' },
    { path: `._${key(6)}.mp4`, content: Buffer.from('AppleDouble') },
    { path: `ok/${key(7)}.mp4`, content: video },
  ]);
  const result = await extract(archive, () => true);
  assert.deepEqual(
    result.refused.map((entry) => entry.member),
    [`../${key(1)}.mp4`, `/tmp/${key(2)}.mp4`, `${key(3)}.mp4`, `${key(4)}.mp4`, `${key(5)}.mp4`],
  );
  assert.ok(result.refused.every((entry) => /never (written|followed)/.test(entry.reason)));
  assert.deepEqual(readdirSync(join(result.out, 'clips')), [`${key(7)}.mp4`]);
  assert.ok(!existsSync(join(result.out, `${key(1)}.mp4`)));
  assert.deepEqual(result.members, [key(7)], 'AppleDouble junk is no member');
});

test('a plain tar under a .tar.gz name works', async () => {
  const archive = rawTar([{ path: `a/b/c/d/e/f/g/${key(1)}.mp4`, content: video }], { gzip: false });
  const result = await extract(archive, () => true, 100_000);
  assert.deepEqual(result.extracted, [join(result.out, 'clips', `${key(1)}.mp4`)]);
  assert.deepEqual(readFileSync(result.extracted[0]!), video);
});

test('a member listed twice counts once and keeps its best copy, whichever comes first', async () => {
  const truncated = video.subarray(0, video.length - 10);
  const good = (index: number) => ({ path: `${key(index)}.mp4`, content: video });
  const damaged = (index: number) => ({ path: `again/${key(index)}.mp4`, content: truncated });
  const otherGood = (index: number) => ({ path: `again/${key(index)}.mp4`, content: minimalMp4(9.5) });
  const archive = rawTar([good(1), damaged(1), damaged(2), good(2), good(3), otherGood(3), damaged(4), damaged(4)]);
  const result = await extract(archive, () => true, 4096);
  const clips = join(result.out, 'clips');
  assert.deepEqual(result.extracted.map((path) => path.slice(clips.length + 1)).sort(), [1, 2, 3, 4].map((index) => `${key(index)}.mp4`));
  assert.deepEqual(readdirSync(clips).sort(), [1, 2, 3, 4].map((index) => `${key(index)}.mp4`), 'no copy left aside');
  assert.deepEqual(readFileSync(join(clips, `${key(1)}.mp4`)), video, 'a damaged copy after a good one does not win');
  assert.deepEqual(readFileSync(join(clips, `${key(2)}.mp4`)), video, 'a good copy after a damaged one wins');
  assert.deepEqual(readFileSync(join(clips, `${key(3)}.mp4`)), video, 'between equals, the first stays');
  assert.deepEqual(readFileSync(join(clips, `${key(4)}.mp4`)), truncated);
  // The sum given for each path is that of the copy kept there.
  for (const path of result.extracted) assert.equal(result.sha256.get(path), createHash('sha256').update(readFileSync(path)).digest('hex'), path);
});

test('a directory whose header gives it a size (its stat size, as some packers write) is passed over', async () => {
  const archive = rawTar([
    { path: 'clips/', type: 'directory', claimedSize: 4096 },
    { path: `clips/${key(1)}.mp4`, content: video },
  ]);
  const result = await extract(archive, () => true);
  assert.deepEqual(result.members, [key(1)]);
  assert.deepEqual(readFileSync(join(result.out, 'clips', `${key(1)}.mp4`)), video);
});

for (const gzip of [true, false]) {
  test(`the caller may reuse a chunk's buffer once write resolves (${gzip ? 'tar.gz' : 'plain tar'})`, async () => {
    const contents = [1, 2, 3].map((index) => minimalMp4(10, randomBytes(700_000 + index)));
    const archive = rawTar(contents.map((content, index) => ({ path: `${key(index)}.mp4`, content })), { gzip });
    const result = await extract(archive, () => true, 1 << 16, true);
    for (const [index, content] of contents.entries()) assert.deepEqual(readFileSync(join(result.out, 'clips', `${key(index)}.mp4`)), content);
  });
}

test('bytes that are no archive fail clearly; a gzip stream broken inside is said to be one', async () => {
  await assert.rejects(extract(Buffer.from('<html>AccessDenied</html>'.repeat(40)), () => true), /test\.tar\.gz: not a readable tar archive/);
  const gz = rawTar([{ path: `${key(1)}.mp4`, content: minimalMp4(10, Buffer.alloc(1 << 16, 7)) }]);
  const broken = Buffer.from(gz);
  for (let at = 40; at < broken.length - 20; at += 5) broken[at] ^= 0xff;
  await assert.rejects(extract(broken, () => true), /^Error: test\.tar\.gz: not a readable gzip stream \(/);
  await assert.rejects(extract(gz.subarray(0, gz.length - 100), () => true), /^Error: test\.tar\.gz: cut off: the gzip stream ends before its end$/);
});

test('an archive broken after some members: those written whole are kept and reported, nothing half-written stays', async () => {
  const out = tempDir();
  const hooks = recordingHooks(out);
  const extractor = new MemberExtractor('broken.tar', hooks);
  const whole = rawTar([0, 1].map((index) => ({ path: `${key(index)}.mp4`, content: video })), { gzip: false });
  const last = rawTar([{ path: `${key(2)}.mp4`, content: video }], { gzip: false });
  // Two members, a header of junk (its checksum does not add up), then a third member the parser never reaches.
  const archive = Buffer.concat([whole.subarray(0, whole.length - 1024), randomBytes(512), last]);
  await assert.rejects(
    (async () => {
      for (let offset = 0; offset < archive.length; offset += 700) await extractor.write(archive.subarray(offset, offset + 700));
      await extractor.finish();
    })(),
    /broken\.tar: not a readable tar archive/,
  );
  await extractor.abandon();
  assert.deepEqual(hooks.seen.extracted.map((path) => path.slice(out.length + 1)).sort(), [`${key(0)}.mp4`, `${key(1)}.mp4`]);
  assert.deepEqual(readdirSync(out).sort(), [`${key(0)}.mp4`, `${key(1)}.mp4`], 'no .extracting file, no third member');
  for (const index of [0, 1]) assert.deepEqual(readFileSync(join(out, `${key(index)}.mp4`)), video);
});

/** The bytes a member of `video` takes in a plain tar: its header and its content padded to whole blocks. */
const memberSpan = 512 + Math.ceil(video.length / 512) * 512;

for (const [cut, length] of [
  ['in the middle of the third member', 2 * memberSpan + 512 + 100],
  ['between two members, without the end-of-archive blocks', 2 * memberSpan],
] as const) {
  test(`a plain tar cut ${cut} fails; the members before the cut are kept, none after`, async () => {
    const tar = rawTar([0, 1, 2].map((index) => ({ path: `${key(index)}.mp4`, content: video })), { gzip: false }).subarray(0, length);
    const out = tempDir();
    const hooks = recordingHooks(out);
    const extractor = new MemberExtractor('cut.tar', hooks);
    await extractor.write(tar);
    await assert.rejects(extractor.finish(), /^Error: cut\.tar: (not a readable tar archive \(TAR_BAD_ARCHIVE: Truncated input|cut off: the archive ends without its end-of-archive blocks)/);
    await extractor.abandon();
    assert.deepEqual(readdirSync(out).sort(), [`${key(0)}.mp4`, `${key(1)}.mp4`]);
    assert.equal(hooks.seen.extracted.length, 2);
  });
}

test('a member that claims more bytes than any clip is refused by name before a byte of it is written', async () => {
  const out = tempDir();
  const hooks = recordingHooks(out);
  const extractor = new MemberExtractor('bomb.tar', hooks);
  // A header that says 600 MiB, followed by far fewer bytes: the refusal comes from the header alone.
  const tar = rawTar([{ path: `${key(0)}.mp4`, content: Buffer.alloc(512), claimedSize: 600 * 1024 * 1024 }], { gzip: false }).subarray(0, 1024);
  await extractor.write(tar).catch(() => {});
  await extractor.abandon();
  assert.deepEqual(hooks.seen.refused.map(({ member, reason }) => `${member}: ${reason}`), [`${key(0)}.mp4: ${600 * 1024 * 1024} bytes, more than any Kinetics clip (536870912): never written`]);
  assert.deepEqual(readdirSync(out), []);
});
