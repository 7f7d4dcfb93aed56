import { PassThrough, type Readable } from 'node:stream';
import { Parser, type ReadEntry } from 'tar';
import { InputError } from '../../errors.js';

/** Reads one member's bytes; the member's stream must be consumed. */
export type MemberReader = (member: Readable, memberPath: string) => Promise<void>;

/**
 * Streams a tar or tar.gz and hands the regular-file members that `readerFor(basename)` accepts to their reader,
 * as the bytes arrive. Folders inside the archive do not matter: members are found by basename. macOS `._*`
 * AppleDouble files are never members of interest. A member named with `..` or an absolute path, or a member of
 * interest found twice (its rows would load twice), refuses the archive with the member's name. Returns the member
 * paths read.
 */
export async function readTarMembers(
  input: Readable,
  file: string,
  readerFor: (basename: string) => MemberReader | undefined,
): Promise<string[]> {
  const reads: Promise<void>[] = [];
  const read: string[] = [];
  let failure: unknown;
  let fail: (error: unknown) => void = () => {};
  const seen = new Map<string, string>();
  const readers = new WeakMap<ReadEntry, MemberReader>();
  const wanted = (path: string, type: string) => {
    const basename = path.slice(path.replace(/\/+$/, '').lastIndexOf('/') + 1);
    if (path.startsWith('/') || path.split('/').includes('..')) {
      fail(new InputError(file, undefined, `expected member paths inside the archive, found the member "${path}"`));
      return undefined;
    }
    if (type !== 'File' && type !== 'OldFile') return undefined;
    if (basename.startsWith('._')) return undefined;
    const reader = readerFor(basename);
    const earlier = seen.get(basename);
    if (reader && earlier !== undefined) {
      fail(new InputError(file, undefined, `expected each member once, found "${basename}" twice ("${earlier}" and "${path}")`));
      return undefined;
    }
    if (reader) seen.set(basename, path);
    return reader;
  };
  await new Promise<void>((resolve, reject) => {
    fail = (error) => {
      failure ??= error;
      reject(error);
      input.destroy();
    };
    const parser = new Parser({
      strict: true,
      filter: (path, entry) => {
        const reader = wanted(path, (entry as ReadEntry).type);
        if (reader) readers.set(entry as ReadEntry, reader);
        return reader !== undefined;
      },
      onReadEntry: (entry: ReadEntry) => {
        const reader = readers.get(entry)!;
        read.push(entry.path);
        // Piped as the entry arrives: the parser may emit the whole member before the next tick.
        const member = new PassThrough({ highWaterMark: 1 << 20 });
        entry.pipe(member);
        reads.push(reader(member, entry.path).catch(fail));
      },
    });
    parser.on('error', (error: Error) => reject(new InputError(file, undefined, `expected a tar or tar.gz archive (${error.message})`)));
    parser.on('end', () => resolve());
    input.on('error', reject);
    input.pipe(parser as unknown as NodeJS.WritableStream);
  });
  await Promise.all(reads);
  if (failure !== undefined) throw failure;
  return read;
}
