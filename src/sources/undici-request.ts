import type { request as undiciRequest } from 'undici';

let loaded: Promise<typeof undiciRequest> | undefined;

/**
 * undici's `request`, imported on the first HTTP call: loading undici takes ~70 ms, which commands that only read
 * the catalog (and the TUI's first frame) should not pay.
 */
export async function request(...args: Parameters<typeof undiciRequest>): ReturnType<typeof undiciRequest> {
  loaded ??= import('undici').then((undici) => undici.request);
  return (await loaded)(...args);
}
