/**
 * Downloads URLs into a folder, 4 at a time like `xargs -P 4 curl`, with undici's `request` and nothing else: no
 * extraction, no part file, no catalog. bench:fetch times it as a child process, start-up included, as the
 * ceiling of any fetch built on undici. Plain JavaScript, so that no TypeScript loader adds to its start-up.
 * Usage: node undici-download.mjs DIR URL...
 */
import { createWriteStream } from 'node:fs';
import { basename, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { request } from 'undici';

const [dir, ...urls] = process.argv.slice(2);
let next = 0;
async function worker() {
  while (next < urls.length) {
    const url = urls[next++];
    const { statusCode, body } = await request(url, { highWaterMark: 1 << 20 });
    if (statusCode !== 200) throw new Error(`HTTP ${statusCode} for ${url}`);
    await pipeline(body, createWriteStream(join(dir, basename(url))));
  }
}
await Promise.all([worker(), worker(), worker(), worker()]);
