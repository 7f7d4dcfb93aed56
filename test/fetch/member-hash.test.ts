import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { MemberExtractor } from '../../src/fetch/extract-members.js';
import { makeTarball } from '../helpers/tarball.js';
import { tempDir } from '../helpers/temp.js';

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

// Members of clip sizes, fed in chunks as fetch feeds them (1 MiB of gzip) and larger: tar buffers a member's body
// while the one before it is still being written, the case where bytes could reach the hash and not the file.
for (const [gzip, chunk] of [[true, 1 << 20], [false, 4 << 20], [true, 64 << 10]] as const) {
  test(`every member is written whole and its sha256 is that of its bytes (${gzip ? 'tar.gz' : 'tar'}, ${chunk >> 10} KiB chunks)`, async () => {
    const members: Record<string, Buffer> = {};
    [3_000_000, 200_000, 1_500_000, 50_000, 2_200_000, 700_000, 30_000, 1_100_000].forEach((size, index) => {
      members[`abcdefghij${index}_000010_000020.mp4`] = randomBytes(size);
    });
    const archive = readFileSync(await makeTarball(members, { gzip }));
    const out = tempDir();
    const sums = new Map<string, string>();
    const extractor = new MemberExtractor('test.tar', {
      destinationOf: (_clipKey, name) => join(out, name),
      onMember: () => {},
      onExtracted: (_clipKey, path, sum) => sums.set(path, sum),
      onRefused: () => {},
      rankCopy: () => 0,
    });
    for (let at = 0; at < archive.length; at += chunk) await extractor.write(archive.subarray(at, at + chunk));
    await extractor.finish();
    for (const [name, bytes] of Object.entries(members)) {
      const path = join(out, name);
      assert.equal(readFileSync(path).length, bytes.length, `${name} written whole`);
      assert.equal(sha256(readFileSync(path)), sha256(bytes), name);
      assert.equal(sums.get(path), sha256(bytes), `${name}: the sum given`);
    }
  });
}
