import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { KnownFile, OpenResult, Source } from './source.js';

export const READ_CHUNK_BYTES = 1 << 20;

/** A bucket copied to disk: `DIR/400/annotations/val.csv`, ... */
export class DirectorySource implements Source {
  readonly location: string;

  constructor(directory: string) {
    this.location = resolve(directory);
  }

  locate(path: string): string {
    return join(this.location, ...path.split('/'));
  }

  async open(path: string, known?: KnownFile): Promise<OpenResult> {
    const file = this.locate(path);
    const info = await stat(file).catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT' || error.code === 'ENOTDIR') return undefined;
      throw error;
    });
    if (info === undefined || !info.isFile()) return { kind: 'missing' };
    const mtimeMs = Math.trunc(info.mtimeMs);
    if (known && known.bytes === info.size && known.mtimeMs === mtimeMs) return { kind: 'unchanged' };
    return {
      kind: 'body',
      body: createReadStream(file, { highWaterMark: READ_CHUNK_BYTES }),
      bytes: info.size,
      etag: null,
      mtimeMs,
    };
  }
}
