import { statSync } from 'node:fs';
import { join } from 'node:path';
import { SourceUnreachableError } from '../errors.js';
import { DirectorySource } from './directory-source.js';
import { HttpSource } from './http-source.js';
import type { Source } from './source.js';

/** An http(s) URL or a directory laid out like the bucket. */
export function openSource(location: string): Source {
  if (/^https?:\/\//i.test(location)) return new HttpSource(location);
  const info = statSync(location, { throwIfNoEntry: false });
  if (!info?.isDirectory()) {
    throw new SourceUnreachableError(location, info ? 'not a directory' : 'no such directory');
  }
  // The bucket's parent (`aws s3 sync s3://kinetics DIR/kinetics`): said at once, rather than every file missing.
  const holdsBucket = (dir: string) => VERSION_FOLDERS.some((folder) => statSync(join(dir, folder), { throwIfNoEntry: false })?.isDirectory());
  if (!holdsBucket(location) && holdsBucket(join(location, 'kinetics'))) {
    throw new SourceUnreachableError(location, `it holds no 400/, 600/ or 700_2020/ folder, but its kinetics/ folder does: --source ${join(location, 'kinetics')}`);
  }
  return new DirectorySource(location);
}

const VERSION_FOLDERS = ['400', '600', '700_2020'];
