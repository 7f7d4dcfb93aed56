import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { type WriteStream, createWriteStream, existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { dirname } from 'node:path';
import { Transform } from 'node:stream';
import { type Gunzip, type ZlibOptions, createGunzip } from 'node:zlib';
import { Parser, type ReadEntry } from 'tar';
import { BEING_EXTRACTED } from '../scan/file-record.js';
import { parseClipFileName } from '../util/clip-key.js';

export interface ExtractHooks {
  /** Where to write this clip's member, or undefined to pass it over. */
  destinationOf(clipKey: string, fileName: string): string | undefined;
  onMember(clipKey: string, bytes: number): void;
  /** A member was placed at `path` (again, when a better copy of it replaced the first), with its bytes' sha256. */
  onExtracted(clipKey: string, path: string, sha256: string): void;
  onRefused(memberPath: string, reason: string): void;
  /** Orders the copies of a member the archive holds more than once: lower is better. */
  rankCopy(path: string, fileName: string): number;
}

const SAFE_TYPES = new Set(['File', 'OldFile', 'ContiguousFile']);

/** Far above any 10-second Kinetics clip (the largest are tens of MB): a bigger member is a bomb, not a clip. */
export const MAX_CLIP_BYTES = 512 * 1024 * 1024;

/**
 * Ends the name of the file a member replaced (a damaged copy being repaired): kept until the new one is verified,
 * then removed, or put back when it was the better of the two (see settleSetAside in fetch-shards).
 */
export const SET_ASIDE = '.bad';

/** The bytes are no tar or tar.gz: an error page, junk, a cut-off or corrupted archive. */
export class UnreadableArchiveError extends Error {}

/**
 * A tar / tar.gz consumer that writes only wanted members, placed by basename (the archive's folders are never
 * trusted). Links, devices, absolute paths and `..` are refused and reported; AppleDouble `._*` files are junk.
 * Feed it with write(); `finish()` ends the input and resolves once every member is on disk.
 */
export class MemberExtractor {
  private readonly parser: Parser;
  /** gzip is undone here with 1 MiB chunks, twice as fast as tar's own small ones; a plain tar skips it. */
  private gunzip: Gunzip | null | undefined;
  private readonly writes: Promise<void>[] = [];
  /** Members whose bytes are still coming: abandon() closes them (one whose bytes all came is left to finish). */
  private readonly incomplete = new Set<WriteStream>();
  private readonly ended: Promise<void>;
  private failure: Error | undefined;
  private fail: (reason: string) => void = () => {};
  /** Each destination written so far, with the copy that holds it and that copy's rank (taken once a second comes). */
  private readonly placed = new Map<string, { copy: number; rank?: number }>();

  /**
   * `archiveName` is the file read, named in the errors; null for a stream from the source, which the caller names
   * (the shard) where it reports them.
   */
  constructor(
    private readonly archiveName: string | null,
    private readonly hooks: ExtractHooks,
  ) {
    this.parser = new Parser({ strict: true, onReadEntry: (entry: ReadEntry) => this.onEntry(entry) });
    // Every packer ends a tar with zero blocks; a plain tar cut between two members ends without them.
    let sawEndBlocks = false;
    this.parser.on('nullBlock', () => (sawEndBlocks = true));
    this.ended = new Promise((resolve, reject) => {
      this.fail = (reason: string) => reject((this.failure ??= new UnreadableArchiveError(this.named(reason))));
      this.parser.on('end', () => (sawEndBlocks ? resolve() : this.fail('cut off: the archive ends without its end-of-archive blocks')));
      this.parser.on('error', (error: Error) => this.fail(`not a readable tar archive (${error.message})`));
    });
    this.ended.catch(() => {});
  }

  /** Resolves when the extractor can take more and is done with `chunk`, whose buffer the caller may then reuse. */
  async write(chunk: Buffer): Promise<void> {
    if (this.failure) throw this.failure;
    if (this.gunzip === undefined) this.gunzip = chunk[0] === 0x1f && chunk[1] === 0x8b ? this.startGunzip() : null;
    const gunzip = this.gunzip;
    if (gunzip) {
      // zlib calls back once it has inflated all of the chunk.
      await Promise.race([new Promise<void>((resolve, reject) => gunzip.write(chunk, (error) => (error ? reject(error) : resolve()))), this.ended]);
    } else if (!this.parser.write(Buffer.from(chunk))) {
      // tar's entries hand out slices of their input, hence the copy.
      await Promise.race([once(this.parser, 'drain'), this.ended]);
    }
    if (this.failure) throw this.failure;
  }

  async finish(): Promise<void> {
    (this.gunzip ?? this.parser).end();
    await this.ended;
    await Promise.all(this.writes);
  }

  /**
   * After a failure: members written whole are kept (and reported by onExtracted), the one cut off is removed, and
   * nothing `.extracting` stays behind.
   */
  async abandon(): Promise<void> {
    for (const file of this.incomplete) file.destroy();
    await Promise.allSettled(this.writes);
  }

  /** The first copy of a member is placed; a later one replaces it only when it ranks better. */
  private place(temporary: string, destination: string, copy: number, fileName: string, clipKey: string, sha256: string): void {
    const earlier = this.placed.get(destination);
    if (earlier === undefined) {
      // One set aside by an interrupted repair is the older copy: it stays, and the file it left is replaced.
      if (existsSync(destination) && !existsSync(destination + SET_ASIDE)) renameSync(destination, destination + SET_ASIDE);
      renameSync(temporary, destination);
      this.placed.set(destination, { copy });
      return this.hooks.onExtracted(clipKey, destination, sha256);
    }
    earlier.rank ??= this.hooks.rankCopy(destination, fileName);
    const rank = this.hooks.rankCopy(temporary, fileName);
    // Copies may finish out of order: among equals, the one earlier in the archive stays.
    if (rank < earlier.rank || (rank === earlier.rank && copy < earlier.copy)) {
      renameSync(temporary, destination);
      this.placed.set(destination, { copy, rank });
      this.hooks.onExtracted(clipKey, destination, sha256);
    } else rmSync(temporary);
  }

  private startGunzip(): Gunzip {
    // A deep buffer on both sides lets reading, inflating (on libuv's pool) and tar parsing overlap.
    const gunzip = createGunzip({ chunkSize: 1 << 20, highWaterMark: 8 << 20 } as ZlibOptions);
    gunzip.on('data', (data: Buffer) => {
      if (!this.parser.write(data)) gunzip.pause();
    });
    this.parser.on('drain', () => gunzip.resume());
    gunzip.on('end', () => this.parser.end());
    gunzip.on('error', (error: NodeJS.ErrnoException) =>
      this.fail(error.code === 'Z_BUF_ERROR' ? 'cut off: the gzip stream ends before its end' : `not a readable gzip stream (${error.message})`),
    );
    return gunzip;
  }

  private named(reason: string): string {
    return this.archiveName === null ? reason : `${this.archiveName}: ${reason}`;
  }

  private onEntry(entry: ReadEntry): void {
    // tar reads on past a broken header within the bytes it holds: nothing after the break is trusted.
    if (this.failure) return void entry.resume();
    const path = entry.path;
    const segments = path.split('/');
    const basename = segments.filter(Boolean).at(-1) ?? '';
    if (entry.type === 'Directory') return void entry.resume();
    if (!SAFE_TYPES.has(entry.type)) {
      this.hooks.onRefused(path, `a ${entry.type} member is never followed or written`);
      return void entry.resume();
    }
    if (path.startsWith('/') || /^[A-Za-z]:/.test(path) || segments.includes('..')) {
      this.hooks.onRefused(path, 'an absolute or parent-relative path is never written');
      return void entry.resume();
    }
    if (basename.startsWith('._')) return void entry.resume();
    const clip = parseClipFileName(basename);
    if (!clip) return void entry.resume();
    if ((entry.size ?? 0) > MAX_CLIP_BYTES) {
      this.hooks.onRefused(path, `${entry.size} bytes, more than any Kinetics clip (${MAX_CLIP_BYTES}): never written`);
      return void entry.resume();
    }
    this.hooks.onMember(clip.clipKey, entry.size ?? 0);
    const destination = this.hooks.destinationOf(clip.clipKey, basename);
    if (destination === undefined) return void entry.resume();
    mkdirSync(dirname(destination), { recursive: true });
    // One name per entry: an archive may hold the same member twice.
    const copy = this.writes.length;
    const temporary = `${destination}.${copy}${BEING_EXTRACTED}`;
    // Piped as the entry arrives: the parser may emit the whole member before the next tick.
    const file = createWriteStream(temporary, { highWaterMark: 1 << 20 });
    this.incomplete.add(file);
    let whole = false;
    entry.on('end', () => {
      // tar ends a member cut off by the end of the input after it reported the archive truncated.
      whole = !this.failure;
      this.incomplete.delete(file);
    });
    // Hashed on the way to the file, in one consumer: a 'data' listener of its own would take the bytes tar had
    // buffered for this entry away from the file.
    const hash = createHash('sha256');
    const hashing = new Transform({
      transform(chunk: Buffer, _encoding, done) {
        hash.update(chunk);
        done(null, chunk);
      },
    });
    entry.pipe(hashing).pipe(file);
    const write = new Promise<void>((resolve, reject) => {
      file.on('close', resolve);
      file.on('error', reject);
      entry.on('error', reject);
    })
      .then(() => {
        if (!whole) throw new Error(this.named(`${path} was cut off`));
        this.place(temporary, destination, copy, basename, clip.clipKey, hash.digest('hex'));
      })
      .catch((error: unknown) => {
        rmSync(temporary, { force: true });
        throw error;
      });
    write.catch(() => {});
    this.writes.push(write);
  }
}
