import { mkdirSync, utimesSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { minimalMp4, minimalWebm } from '../../src/util/mp4-fixture.js';

export type FixtureKind = 'ok' | 'empty' | 'truncated' | 'no-moov' | 'short' | 'webm' | 'junk';

/** Real-shaped files: minimal valid MP4s and the ways users' files go wrong. */
export function fixtureBytes(kind: FixtureKind, seconds = 10): Buffer {
  const good = minimalMp4(seconds, 4096);
  switch (kind) {
    case 'ok':
      return good;
    case 'empty':
      return Buffer.alloc(0);
    case 'truncated':
      return good.subarray(0, Math.floor(good.length / 2));
    case 'no-moov': {
      const ftypSize = good.readUInt32BE(0);
      const moovSize = good.readUInt32BE(ftypSize);
      return Buffer.concat([good.subarray(0, ftypSize), good.subarray(ftypSize + moovSize)]);
    }
    case 'short':
      return minimalMp4(seconds * 0.3, 4096);
    case 'webm':
      return minimalWebm(seconds);
    case 'junk':
      return Buffer.from('not a video at all');
  }
}

/** A whole second, so tests can put a file's mtime back exactly. */
export const FIXTURE_MTIME = new Date('2024-01-02T03:04:05Z');

/** Writes files (relative path → kind) under root, each with mtime FIXTURE_MTIME. */
export function writeTree(root: string, files: Record<string, FixtureKind>): void {
  for (const [path, kind] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), fixtureBytes(kind));
    utimesSync(join(root, path), FIXTURE_MTIME, FIXTURE_MTIME);
  }
}
