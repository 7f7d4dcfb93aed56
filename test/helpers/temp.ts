import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after } from 'node:test';
import { packageRoot } from '../../src/util/package-root.js';

export const sampleBucket = join(packageRoot, 'data', 'sample-bucket');

/** A temp folder removed after the test file's tests. */
export function tempDir(prefix = 'kinetics-test-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** A writable copy of the bundled sample bucket. */
export function copyOfSampleBucket(): string {
  const dir = join(tempDir('kinetics-bucket-'), 'bucket');
  cpSync(sampleBucket, dir, { recursive: true });
  return dir;
}
