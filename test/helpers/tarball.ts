import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { create } from 'tar';
import { tempDir } from './temp.js';

/** Writes the members to a staging folder and packs them with the real tar package (gzip unless told not to). */
export async function makeTarball(members: Record<string, string | Buffer>, options: { gzip?: boolean } = {}): Promise<string> {
  const dir = tempDir('kinetics-tar-');
  const staging = join(dir, 'staging');
  for (const [path, content] of Object.entries(members)) {
    mkdirSync(dirname(join(staging, path)), { recursive: true });
    writeFileSync(join(staging, path), content);
  }
  const file = join(dir, 'archive.tar.gz');
  await create({ gzip: options.gzip ?? true, cwd: staging, file, portable: true }, Object.keys(members));
  return file;
}
