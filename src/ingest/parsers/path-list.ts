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

/**
 * `k*_path.txt`: one absolute CVDF URL a line; names may hold literal spaces, parentheses and `'`. Every shard lies
 * in the list's own folder (`folder`, e.g. `400/val`), as in every list CVDF publishes: a URL elsewhere, with `..`
 * (plain or `%2e%2e`) or a control character is refused, so no entry can point outside the source.
 */
export async function parsePathList(
  input: Readable,
  file: string,
  folder: string,
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
    if (path !== `${folder}/${name}` || name === '..' || /[\\\x00-\x1f\x7f]/.test(path)) {
      throw new InputError(file, lineNumber, `expected the URL of a shard in ${folder}/, the list's own folder, found ${JSON.stringify(url)}`);
    }
    if (!SHARD_NAME.test(name)) {
      throw new InputError(file, lineNumber, `expected a .tar.gz shard URL, found "${url}"`);
    }
    onEntry({ path, name });
    count++;
  }
  // An empty list would say the split has no shards at all: refused, like an empty CSV, rather than forgetting them.
  if (count === 0) throw new InputError(file, 1, `expected one shard URL a line, found ${lineNumber === 0 ? 'an empty file' : 'only blank lines'}`);
  return count;
}
