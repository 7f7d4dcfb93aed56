import { open } from 'node:fs/promises';

export const CHUNK_BYTES = 1 << 20;

/**
 * Passes a file's bytes to `consume` in chunks read into one reused buffer. A fresh 1 MiB buffer per read, as
 * createReadStream allocates, costs ten times the reads themselves in page faults on new memory. `consume` must
 * be done with a chunk when the promise it returns resolves.
 */
export async function readChunks(path: string, consume: (chunk: Buffer) => Promise<void>): Promise<void> {
  const handle = await open(path, 'r');
  const buffer = Buffer.allocUnsafe(CHUNK_BYTES);
  try {
    for (;;) {
      const { bytesRead } = await handle.read(buffer, 0, CHUNK_BYTES, null);
      if (bytesRead === 0) return;
      await consume(buffer.subarray(0, bytesRead));
    }
  } finally {
    await handle.close();
  }
}
