import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { MemberExtractor } from '../../src/fetch/extract-members.js';
import { minimalMp4 } from '../../src/util/mp4-fixture.js';
import { rawTar } from '../helpers/raw-tar.js';
import { tempDir } from '../helpers/temp.js';

/** Feeds the archive `chunk` bytes at a time; with `reuse`, through one buffer overwritten for every chunk. */
async function extract(archive: Buffer, wanted: (clipKey: string) => boolean, chunk = 333, reuse = false) {
  const out = tempDir();
  const seen: { members: string[]; extracted: string[]; refused: { member: string; reason: string }[] } = { members: [], extracted: [], refused: [] };
  const extractor = new MemberExtractor('test.tar.gz', {
    destinationOf: (clipKey, fileName) => (wanted(clipKey) ? join(out, 'clips', fileName) : undefined),
    onMember: (clipKey) => seen.members.push(clipKey),
    onExtracted: (_clipKey, path) => seen.extracted.push(path),
    onRefused: (member, reason) => seen.refused.push({ member, reason }),
  });
  const scratch = Buffer.alloc(chunk);
  for (let offset = 0; offset < archive.length; offset += chunk) {
    const piece = archive.subarray(offset, offset + chunk);
    await extractor.write(reuse ? scratch.subarray(0, piece.copy(scratch)) : piece);
  }
  if (reuse) scratch.fill(0);
  await extractor.finish();
  return { out, ...seen };
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

test('a plain tar under a .tar.gz name and a member listed twice both work', async () => {
  const archive = rawTar(
    [
      { path: `a/b/c/d/e/f/g/${key(1)}.mp4`, content: video },
      { path: `${key(1)}.mp4`, content: video },
    ],
    { gzip: false },
  );
  const result = await extract(archive, () => true, 100_000);
  assert.equal(result.extracted.length, 2);
  assert.deepEqual(readdirSync(join(result.out, 'clips')), [`${key(1)}.mp4`]);
});

for (const gzip of [true, false]) {
  test(`the caller may reuse a chunk's buffer once write resolves (${gzip ? 'tar.gz' : 'plain tar'})`, async () => {
    const contents = [1, 2, 3].map((index) => minimalMp4(10, randomBytes(700_000 + index)));
    const archive = rawTar(contents.map((content, index) => ({ path: `${key(index)}.mp4`, content })), { gzip });
    const result = await extract(archive, () => true, 1 << 16, true);
    for (const [index, content] of contents.entries()) assert.deepEqual(readFileSync(join(result.out, 'clips', `${key(index)}.mp4`)), content);
  });
}

test('bytes that are no archive fail clearly', async () => {
  await assert.rejects(extract(Buffer.from('<html>AccessDenied</html>'.repeat(40)), () => true), /test\.tar\.gz: not a readable tar archive/);
});

test('an archive broken after some members: those written whole are kept and reported, nothing half-written stays', async () => {
  const out = tempDir();
  const extracted: string[] = [];
  const extractor = new MemberExtractor('broken.tar', {
    destinationOf: (_clipKey, fileName) => join(out, fileName),
    onMember: () => {},
    onExtracted: (_clipKey, path) => extracted.push(path),
    onRefused: () => {},
  });
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
  assert.deepEqual(extracted.map((path) => path.slice(out.length + 1)).sort(), [`${key(0)}.mp4`, `${key(1)}.mp4`]);
  assert.deepEqual(readdirSync(out).sort(), [`${key(0)}.mp4`, `${key(1)}.mp4`], 'no .extracting file, no third member');
  for (const index of [0, 1]) assert.deepEqual(readFileSync(join(out, `${key(index)}.mp4`)), video);
});

test('a member that claims more bytes than any clip is refused by name before a byte of it is written', async () => {
  const out = tempDir();
  const refused: string[] = [];
  const extractor = new MemberExtractor('bomb.tar', {
    destinationOf: (_clipKey, fileName) => join(out, fileName),
    onMember: () => {},
    onExtracted: () => {},
    onRefused: (member, reason) => refused.push(`${member}: ${reason}`),
  });
  // A header that says 600 MiB, followed by far fewer bytes: the refusal comes from the header alone.
  const tar = rawTar([{ path: `${key(0)}.mp4`, content: Buffer.alloc(512) }], { gzip: false }).subarray(0, 1024);
  const header = tar.subarray(0, 512);
  header.write(`${(600 * 1024 * 1024).toString(8).padStart(11, '0')}\0`, 124);
  header.write('        ', 148);
  let sum = 0;
  for (const byte of header) sum += byte;
  header.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148);
  await extractor.write(tar).catch(() => {});
  await extractor.abandon();
  assert.deepEqual(refused, [`${key(0)}.mp4: ${600 * 1024 * 1024} bytes, more than any Kinetics clip (536870912): never written`]);
  assert.deepEqual(readdirSync(out), []);
});
