import type { Readable } from 'node:stream';

/** What the catalog already knows of a file, so a source can tell it is unchanged without sending it. */
export interface KnownFile {
  bytes: number;
  etag: string | null;
  mtimeMs: number | null;
}

export type OpenResult =
  | { kind: 'missing' }
  | { kind: 'unchanged' }
  | { kind: 'body'; body: Readable; bytes: number | undefined; etag: string | null; mtimeMs: number | null };

/** A bucket laid out like CVDF's, over HTTP or in a directory. Paths are bucket-relative (`400/readme.md`). */
export interface Source {
  /** As the user gave it: a URL or an absolute directory path. */
  readonly location: string;
  open(path: string, known?: KnownFile): Promise<OpenResult>;
  /** Where a bucket path lives in this source: an encoded URL, or a file path. */
  locate(path: string): string;
}

const CVDF_PREFIXES = ['https://s3.amazonaws.com/kinetics/', 'http://s3.amazonaws.com/kinetics/', 's3://kinetics/'];

/** `https://s3.amazonaws.com/kinetics/600/train/acting in play.tar.gz` → `600/train/acting in play.tar.gz`. */
export function bucketPathOf(url: string): string | undefined {
  const prefix = CVDF_PREFIXES.find((candidate) => url.startsWith(candidate));
  if (prefix === undefined) return undefined;
  const path = url.slice(prefix.length);
  try {
    return decodeURIComponent(path);
  } catch {
    return path;
  }
}
