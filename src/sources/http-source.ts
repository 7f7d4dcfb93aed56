import { once } from 'node:events';
import { PassThrough, type Readable } from 'node:stream';
import { request } from './undici-request.js';
import { SourceUnreachableError } from '../errors.js';
import { RetryableError, busyServerError, withRetry } from '../util/retry.js';
import type { KnownFile, OpenResult, Source } from './source.js';

const UNREACHABLE_CODES = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'UND_ERR_CONNECT_TIMEOUT',
]);
const TRANSIENT_CODES = new Set(['ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'UND_ERR_SOCKET', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT']);

function errorCode(error: unknown): string | undefined {
  const withCode = error as { code?: string; cause?: { code?: string } };
  return withCode?.code ?? withCode?.cause?.code;
}

export function isTransientNetworkError(error: unknown): boolean {
  const code = errorCode(error);
  return code !== undefined && TRANSIENT_CODES.has(code);
}

/** A body that ended before its Content-Length, or a connection that closed under it. */
export function isBodyCutShort(error: unknown): boolean {
  const code = (error as { code?: string })?.code;
  return code === 'UND_ERR_RES_CONTENT_LENGTH_MISMATCH' || code === 'UND_ERR_ABORTED' || (error as Error)?.message === 'terminated';
}

/**
 * Whether an answer to `Range: bytes=OFFSET-` says the file ends there: S3's 416 gives the file's size
 * (`Content-Range: bytes *\/SIZE`), and an ETag, where it gives one, still the one asked for.
 */
export function endsAt(response: { statusCode: number; headers: Record<string, string | string[] | undefined> }, offset: number, etag: string | null): boolean {
  const size = /^bytes \*\/(\d+)$/.exec(headerValue(response.headers['content-range']) ?? '')?.[1];
  return response.statusCode === 416 && Number(size) === offset && [null, etag].includes(headerValue(response.headers.etag));
}

/**
 * The body of a GET as one stream, which resumes where it was cut (reset, stalled, closed early) with `Range` and
 * `If-Range`, as often as the retry policy allows; a server that answers anything but the rest of the same file
 * ends the stream with an error.
 */
function resumingBody(url: string, first: Readable, etag: string | null, total: number | undefined, onSize: (bytes: number) => void): Readable {
  const out = new PassThrough({ highWaterMark: 1 << 20 });
  let offset = 0;
  let current = first;
  // A reader that stops early (a parse error) ends the transfer too.
  out.on('close', () => current.destroy());
  const copy = async (body: Readable) => {
    current = body;
    for await (const chunk of body) {
      offset += (chunk as Buffer).length;
      if (!out.write(chunk)) await Promise.race([once(out, 'drain'), once(out, 'close')]);
    }
    if (total !== undefined && offset < total) throw new RetryableError(`the body ended at byte ${offset} of ${total}`);
  };
  const rest = async () => {
    // A reader that has stopped wants no more: a retry (a RetryableError is always one) ends here.
    if (out.destroyed) throw new Error('the reader stopped');
    const response = await request(url, { method: 'GET', headers: { range: `bytes=${offset}-`, ...(etag ? { 'if-range': etag } : {}) } });
    // A busy server (S3's 503 SlowDown) is asked again, as for the first request.
    const busy = busyServerError(response.statusCode, response.headers, `HTTP ${response.statusCode} when asked for the rest from byte ${offset}`);
    if (busy) {
      await response.body.dump();
      throw busy;
    }
    // Nothing after the last byte received: the first answer's length was wrong.
    if (endsAt(response, offset, etag)) {
      await response.body.dump();
      onSize(offset);
      return;
    }
    const range = /^bytes (\d+)-\d+\/(\d+|\*)$/.exec(headerValue(response.headers['content-range']) ?? '');
    if (response.statusCode !== 206 || range === null || Number(range[1]) !== offset) {
      await response.body.dump();
      throw new Error(`the transfer was cut at byte ${offset}, and the server would not send the rest (HTTP ${response.statusCode})`);
    }
    await copy(response.body);
  };
  withRetry(
    (attemptNumber) => (attemptNumber === 1 ? copy(first) : rest()),
    (error) => !out.destroyed && (error instanceof RetryableError || isTransientNetworkError(error) || isBodyCutShort(error)),
  ).then(
    () => out.end(),
    (error: unknown) => out.destroy(error as Error),
  );
  return out;
}

/** A bucket served over http(s), e.g. https://s3.amazonaws.com/kinetics or a mirror. */
export class HttpSource implements Source {
  readonly location: string;

  constructor(url: string) {
    this.location = url.replace(/\/+$/, '');
  }

  locate(path: string): string {
    return `${this.location}/${path.split('/').map(encodeURIComponent).join('/')}`;
  }

  async open(path: string, known?: KnownFile): Promise<OpenResult> {
    const headers: Record<string, string> = {};
    if (known?.etag) headers['if-none-match'] = known.etag;
    try {
      return await withRetry(async () => {
        const response = await request(this.locate(path), { method: 'GET', headers });
        const { statusCode } = response;
        if (statusCode === 200) {
          const etag = headerValue(response.headers.etag);
          if (known?.etag && etag === known.etag) {
            await response.body.dump();
            return { kind: 'unchanged' };
          }
          const length = headerValue(response.headers['content-length']);
          const bytes = length === null ? undefined : Number(length);
          // A length the server corrects later (its first answer was wrong) is the one the reader checks at the end.
          const body = resumingBody(this.locate(path), response.body, etag, bytes, (size) => (opened.bytes = size));
          const opened = { kind: 'body' as const, body, bytes, etag, mtimeMs: null };
          return opened;
        }
        await response.body.dump();
        if (statusCode === 304) return { kind: 'unchanged' };
        if (statusCode === 404 || statusCode === 403) return { kind: 'missing' };
        throw busyServerError(statusCode, response.headers) ?? new Error(`HTTP ${statusCode}`);
      }, isTransientNetworkError);
    } catch (error) {
      const code = errorCode(error);
      if (code !== undefined && UNREACHABLE_CODES.has(code)) throw new SourceUnreachableError(this.location, code);
      throw error;
    }
  }
}

function headerValue(value: string | string[] | undefined): string | null {
  if (value === undefined) return null;
  return Array.isArray(value) ? (value[0] ?? null) : value;
}
