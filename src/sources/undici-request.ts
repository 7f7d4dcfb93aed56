import type { request as undiciRequest } from 'undici';
import { secondsFromEnv } from '../util/env-seconds.js';

let loaded: Promise<typeof undiciRequest> | undefined;

/**
 * Seconds without a byte (waiting for the headers, or between two reads of the body) after which a request is
 * abandoned and retried: S3 answers in milliseconds, so a stalled connection is dead. KINETICS_HTTP_TIMEOUT sets it.
 */
export const HTTP_IDLE_SECONDS = secondsFromEnv('KINETICS_HTTP_TIMEOUT');

/**
 * undici's `request`, imported on the first HTTP call: loading undici takes ~70 ms, which commands that only read
 * the catalog (and the TUI's first frame) should not pay.
 */
export async function request(url: string, options: NonNullable<Parameters<typeof undiciRequest>[1]>): ReturnType<typeof undiciRequest> {
  // `default` is undici's module.exports both under Node's CommonJS interop and in the esbuild bundle, which
  // gives a CommonJS chunk no named exports.
  loaded ??= import('undici').then(
    (undici) => undici.default.request,
    (error: unknown) => {
      loaded = undefined; // the next request tries again
      throw error;
    },
  );
  const idle = HTTP_IDLE_SECONDS * 1000;
  return (await loaded)(url, { headersTimeout: idle, bodyTimeout: idle, ...options });
}
