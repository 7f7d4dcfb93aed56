import type { request as undiciRequest } from 'undici';

let loaded: Promise<typeof undiciRequest> | undefined;

/**
 * undici's `request`, imported on the first HTTP call: loading undici takes ~70 ms, which commands that only read
 * the catalog (and the TUI's first frame) should not pay.
 */
export async function request(...args: Parameters<typeof undiciRequest>): ReturnType<typeof undiciRequest> {
  // `default` is undici's module.exports both under Node's CommonJS interop and in the esbuild bundle, which
  // gives a CommonJS chunk no named exports.
  loaded ??= import('undici').then(
    (undici) => undici.default.request,
    (error: unknown) => {
      loaded = undefined; // the next request tries again
      throw error;
    },
  );
  return (await loaded)(...args);
}
