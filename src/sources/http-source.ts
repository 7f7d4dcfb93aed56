import { request } from './undici-request.js';
import { SourceUnreachableError } from '../errors.js';
import { RetryableError, parseRetryAfter, withRetry } from '../util/retry.js';
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
          return {
            kind: 'body',
            body: response.body,
            bytes: length === null ? undefined : Number(length),
            etag,
            mtimeMs: null,
          };
        }
        await response.body.dump();
        if (statusCode === 304) return { kind: 'unchanged' };
        if (statusCode === 404 || statusCode === 403) return { kind: 'missing' };
        if (statusCode === 429 || statusCode >= 500) {
          throw new RetryableError(`HTTP ${statusCode} for ${path}`, parseRetryAfter(response.headers['retry-after']));
        }
        throw new Error(`HTTP ${statusCode} for ${this.locate(path)}`);
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
