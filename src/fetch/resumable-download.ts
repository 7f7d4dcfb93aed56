import { open, stat, truncate } from 'node:fs/promises';
import { request } from '../sources/undici-request.js';
import { endsAt, isBodyCutShort, isTransientNetworkError } from '../sources/http-source.js';
import { CHUNK_BYTES, readChunks } from './read-chunks.js';
import { RetryableError, type RetryPolicy, busyServerError, defaultRetryPolicy, withRetry } from '../util/retry.js';

export interface DownloadOptions {
  url: string;
  /** `<archive>.part`: the bytes so far; a later run resumes from its length. */
  partFile: string;
  /** The ETag the shard had when its size was learned; sent as If-Range so a changed file restarts cleanly. */
  etag: string | null;
  /** Every byte of the shard, in order, once: the part file's bytes first, then the network's. The chunk's buffer
   * is reused once the promise resolves. */
  sink(chunk: Buffer): Promise<void>;
  /** The server sent the whole file again (it changed, or ignores Range): the sink must start over. */
  onRestart(): Promise<void>;
  onBytes?(bytes: number): void;
  retry?: RetryPolicy;
  signal?: AbortSignal;
}

export interface DownloadResult {
  bytes: number;
  etag: string | null;
  /** Bytes that came over the network in this run (the rest came from the part file). */
  transferred: number;
}

class RestartNeeded extends Error {}

async function partSize(file: string): Promise<number> {
  return (await stat(file).catch(() => undefined))?.size ?? 0;
}

/**
 * GET with resume: replays `<file>.part` into the sink, then asks for the rest with Range; appends what arrives to
 * the part file and the sink together. 5xx, 429 (Retry-After honoured), resets and short bodies are retried with
 * backoff from where the part file ends; the total is checked against Content-Range / Content-Length.
 */
/** The source has no such file: asking again will not help until the source changes. */
export class AbsentFromSourceError extends Error {}

export async function downloadResumable(options: DownloadOptions): Promise<DownloadResult> {
  let offset = await partSize(options.partFile);
  if (offset > 0) {
    await readChunks(options.partFile, options.sink);
    options.onBytes?.(offset);
  }
  let etag = options.etag;
  let transferred = 0;
  const handle = await open(options.partFile, 'a');
  try {
    return await withRetry(
      async () => {
        offset = await partSize(options.partFile);
        const headers: Record<string, string> = {};
        if (offset > 0) {
          headers.range = `bytes=${offset}-`;
          if (etag) headers['if-range'] = etag;
        }
        const response = await request(options.url, { method: 'GET', headers, highWaterMark: CHUNK_BYTES, signal: options.signal });
        const { statusCode } = response;
        if (statusCode === 416 && offset > 0) {
          await response.body.dump();
          // The part file is the whole shard (a run stopped after its last byte).
          if (endsAt(response, offset, etag)) return { bytes: offset, etag, transferred };
          // The part file is longer than the file is, or it changed: start over.
          await truncate(options.partFile, 0);
          await options.onRestart();
          throw new RestartNeeded();
        }
        const busy = busyServerError(statusCode, response.headers);
        if (busy) {
          await response.body.dump();
          throw busy;
        }
        if (statusCode !== 200 && statusCode !== 206) {
          await response.body.dump();
          // S3 answers 403 rather than 404 for a missing key when listing is not allowed.
          if (statusCode === 403 || statusCode === 404 || statusCode === 410) throw new AbsentFromSourceError(`HTTP ${statusCode} for ${options.url}`);
          throw new Error(`HTTP ${statusCode} for ${options.url}`);
        }
        const responseEtag = headerText(response.headers.etag);
        if (statusCode === 200 && offset > 0) {
          // The whole file again: it changed, or the server ignores Range. Start over from byte 0.
          await response.body.dump();
          await truncate(options.partFile, 0);
          await options.onRestart();
          throw new RestartNeeded();
        }
        let total: number | undefined;
        if (statusCode === 206) {
          const range = /^bytes (\d+)-\d+\/(\d+|\*)$/.exec(headerText(response.headers['content-range']) ?? '');
          if (!range || Number(range[1]) !== offset) {
            await response.body.dump();
            throw new Error(`${options.url}: the server answered another range (${response.headers['content-range']})`);
          }
          if (range[2] !== '*') total = Number(range[2]);
        } else {
          const length = headerText(response.headers['content-length']);
          if (length !== null) total = Number(length);
        }
        etag = responseEtag ?? etag;
        for await (const chunk of response.body) {
          await Promise.all([handle.write(chunk as Buffer), options.sink(chunk as Buffer)]);
          offset += (chunk as Buffer).length;
          transferred += (chunk as Buffer).length;
          options.onBytes?.((chunk as Buffer).length);
        }
        if (total !== undefined && offset !== total) {
          throw new RetryableError(`${options.url}: body ended at byte ${offset} of ${total}`);
        }
        return { bytes: offset, etag, transferred };
      },
      (error) => !options.signal?.aborted && (error instanceof RestartNeeded || isTransientNetworkError(error) || isBodyCutShort(error)),
      options.retry ?? defaultRetryPolicy,
    );
  } finally {
    await handle.close();
  }
}

function headerText(value: string | string[] | undefined): string | null {
  if (value === undefined) return null;
  return Array.isArray(value) ? (value[0] ?? null) : value;
}
