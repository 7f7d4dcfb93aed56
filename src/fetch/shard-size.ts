import { stat } from 'node:fs/promises';
import { request } from '../sources/undici-request.js';
import { isTransientNetworkError } from '../sources/http-source.js';
import { busyServerError, withRetry } from '../util/retry.js';

export const isRemote = (url: string) => /^https?:\/\//i.test(url);

/**
 * A shard's size (and ETag over HTTP) from the source: HEAD, or the file's size in a directory bucket. `absent` when
 * the source says it has no such file (403 from S3, 404, 410, no file); undefined when the size could not be learned otherwise.
 */
export async function shardSize(url: string): Promise<{ bytes: number; etag: string | null } | 'absent' | undefined> {
  if (!isRemote(url)) {
    const info = await stat(url).catch((error: NodeJS.ErrnoException) => (error.code === 'ENOENT' ? ('absent' as const) : undefined));
    if (info === 'absent' || info === undefined) return info;
    return info.isFile() ? { bytes: info.size, etag: null } : undefined;
  }
  return withRetry(async () => {
    const response = await request(url, { method: 'HEAD' });
    await response.body.dump();
    const busy = busyServerError(response.statusCode, response.headers);
    if (busy) throw busy;
    // S3 answers 403 rather than 404 for a missing key when listing is not allowed.
    if (response.statusCode === 403 || response.statusCode === 404 || response.statusCode === 410) return 'absent';
    if (response.statusCode !== 200) return undefined;
    const length = Number(response.headers['content-length']);
    const etag = response.headers.etag;
    if (!Number.isFinite(length)) return undefined;
    return { bytes: length, etag: (Array.isArray(etag) ? etag[0] : etag) ?? null };
  }, isTransientNetworkError);
}
