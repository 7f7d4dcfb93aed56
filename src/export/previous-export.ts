import { existsSync, readFileSync, readdirSync, rmSync, rmdirSync, statSync } from 'node:fs';
import { dirname, join, resolve, sep } from 'node:path';
import { KineticsError } from '../errors.js';

/**
 * Removes what an earlier export wrote into `out` (its lists, manifest and tree of clips, as its manifest and
 * tree.tsv name them), so that a new export never leaves stale files beside its own; anything else stays. A
 * folder that is not empty and holds no export is refused: the new files would mix with unknown ones.
 */
export function clearPreviousExport(out: string): void {
  if (!existsSync(out) || !statSync(out).isDirectory() || readdirSync(out).length === 0) return;
  const manifestFile = join(out, 'manifest.json');
  const manifest = readManifest(manifestFile);
  if (!manifest) {
    throw new KineticsError(`${out} is not empty and holds no kinetics export (no manifest.json); export into a new or empty folder`, 73);
  }
  const names = manifest.files.map((file) => file.name);
  if (names.includes('tree.tsv') && existsSync(join(out, 'tree.tsv'))) {
    for (const line of readFileSync(join(out, 'tree.tsv'), 'utf8').split('\n')) {
      const path = line.split('\t')[0];
      if (path) removeWithEmptyParents(out, join(out, path));
    }
  }
  for (const name of [...names, 'manifest.json']) removeWithEmptyParents(out, join(out, name));
}

function readManifest(file: string): { files: { name: string }[] } | undefined {
  try {
    const manifest = JSON.parse(readFileSync(file, 'utf8')) as { tool?: unknown; files?: unknown };
    return manifest.tool === 'kinetics' && Array.isArray(manifest.files) ? (manifest as { files: { name: string }[] }) : undefined;
  } catch {
    return undefined;
  }
}

/** Removes a file the export wrote, then each folder above it that this leaves empty, up to `out`. */
function removeWithEmptyParents(out: string, path: string): void {
  const root = resolve(out);
  let target = resolve(path);
  if (!target.startsWith(root + sep)) return;
  rmSync(target, { force: true });
  for (target = dirname(target); target !== root && target.startsWith(root + sep); target = dirname(target)) {
    try {
      rmdirSync(target);
    } catch {
      return;
    }
  }
}
