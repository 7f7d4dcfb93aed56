import { PassThrough, type Readable } from 'node:stream';
import { Parser, type ReadEntry } from 'tar';
import { InputError } from '../../errors.js';

/** Reads one member's bytes; the member's stream must be consumed. */
export type MemberReader = (member: Readable, memberPath: string) => Promise<void>;

/**
 * Streams a tar or tar.gz and hands the regular-file members that `readerFor(basename)` accepts to their reader,
 * as the bytes arrive. Folders inside the archive do not matter: members are found by basename. macOS `._*`
 * AppleDouble files are never members of interest. Returns the member paths read.
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
  const wanted = (path: string, type: string) => {
    const basename = path.slice(path.replace(/\/+$/, '').lastIndexOf('/') + 1);
    if (type !== 'File' && type !== 'OldFile') return undefined;
    if (basename.startsWith('._')) return undefined;
    return readerFor(basename);
  };
  await new Promise<void>((resolve, reject) => {
    fail = (error) => {
      failure ??= error;
      reject(error);
      input.destroy();
    };
    const parser = new Parser({
      strict: true,
      filter: (path, entry) => wanted(path, (entry as ReadEntry).type) !== undefined,
      onReadEntry: (entry: ReadEntry) => {
        const reader = wanted(entry.path, entry.type)!;
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
