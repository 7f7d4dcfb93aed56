/**
 * Downloads URLs into a folder, 4 at a time like `xargs -P 4 curl`, with undici's `request` and nothing else: no
 * extraction, no part file, no catalog. bench:fetch runs it in a child process, as the ceiling of any fetch built
 * on undici. Usage: undici-download.ts DIR URL... ; prints `{"seconds": s, "bytes": n}`.
 */
import { createWriteStream } from 'node:fs';
import { basename, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { request } from 'undici';
import { eachLimited } from '../src/util/each-limited.js';

const [dir, ...urls] = process.argv.slice(2);
const start = process.hrtime.bigint();
let bytes = 0;
await eachLimited(urls, 4, async (url) => {
  const { statusCode, body } = await request(url, { highWaterMark: 1 << 20 });
  if (statusCode !== 200) throw new Error(`HTTP ${statusCode} for ${url}`);
  const out = createWriteStream(join(dir!, basename(url)));
  await pipeline(body, out);
  bytes += out.bytesWritten;
});
console.log(JSON.stringify({ seconds: Number(process.hrtime.bigint() - start) / 1e9, bytes }));
