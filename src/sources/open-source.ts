import { statSync } from 'node:fs';
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
  return new DirectorySource(location);
}
