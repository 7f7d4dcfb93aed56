import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { InputError } from '../../errors.js';
import { bucketPathOf } from '../../sources/source.js';

export interface PathListEntry {
  /** Bucket-relative path, decoded: `600/train/acting in play.tar.gz`. */
  path: string;
  /** The shard's file name: `acting in play.tar.gz`. */
  name: string;
}

const SHARD_NAME = /\.(tar\.gz|tgz|tar)$/;

/** `k*_path.txt`: one absolute CVDF URL a line; names may hold literal spaces, parentheses and `'`. */
export async function parsePathList(
  input: Readable,
  file: string,
  onEntry: (entry: PathListEntry) => void,
): Promise<number> {
  let lineNumber = 0;
  let count = 0;
  for await (const rawLine of createInterface({ input, crlfDelay: Infinity })) {
    lineNumber++;
    const url = rawLine.trim();
    if (url === '') continue;
    const path = bucketPathOf(url);
    if (path === undefined) {
      throw new InputError(file, lineNumber, `expected a URL under https://s3.amazonaws.com/kinetics/, found "${url}"`);
    }
    const name = path.slice(path.lastIndexOf('/') + 1);
    if (!SHARD_NAME.test(name)) {
      throw new InputError(file, lineNumber, `expected a .tar.gz shard URL, found "${url}"`);
    }
    onEntry({ path, name });
    count++;
  }
  return count;
}
