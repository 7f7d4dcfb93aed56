import { existsSync, lstatSync, readFileSync, readdirSync, realpathSync, rmSync, rmdirSync, statSync } from 'node:fs';
import { dirname, join, resolve, sep } from 'node:path';
import { KineticsError } from '../errors.js';

/**
 * What an earlier export wrote into `out` (its lists, manifest and tree of clips, as its manifest and tree.tsv name
 * them), as paths relative to `out`. A folder that holds other files and no export is refused: the new files would
 * mix with unknown ones. Hidden files (`.DS_Store`) do not count.
 */
export function earlierExport(out: string): string[] {
  if (!existsSync(out) || !statSync(out).isDirectory() || readdirSync(out).every((name) => name.startsWith('.'))) return [];
  const manifest = readEarlierManifest(join(out, 'manifest.json'));
  if (!manifest) {
    throw new KineticsError(`${out} is not empty and holds no kinetics export (no manifest.json); export into a new or empty folder`, 73);
  }
  const names = manifest.files.map((file) => file?.name).filter((name): name is string => typeof name === 'string');
  const clips =
    names.includes('tree.tsv') && existsSync(join(out, 'tree.tsv'))
      ? readFileSync(join(out, 'tree.tsv'), 'utf8')
          .split('\n')
          .map((line) => line.split('\t')[0]!)
          .filter(Boolean)
      : [];
  return [...clips, ...names, 'manifest.json'];
}

/**
 * Once a new export is complete, removes what the earlier one wrote and the new one did not (and each folder that
 * leaves empty), so no stale list or clip stays beside the new ones. Nothing outside `out` is touched, even through
 * a link; only files and links are removed.
 */
export function removeStale(out: string, earlier: string[], written: Set<string>): void {
  const root = realpathSync(out);
  for (const path of earlier) {
    if (written.has(path)) continue;
    const target = resolve(out, path);
    let parent: string;
    try {
      parent = realpathSync(dirname(target));
    } catch {
      continue; // its folder is gone already
    }
    if (parent !== root && !parent.startsWith(root + sep)) continue;
    const entry = join(parent, target.slice(dirname(target).length + 1));
    const info = lstatSync(entry, { throwIfNoEntry: false });
    if (!info || info.isDirectory()) continue;
    rmSync(entry);
    for (let folder = parent; folder !== root && folder.startsWith(root + sep); folder = dirname(folder)) {
      try {
        rmdirSync(folder);
      } catch {
        break;
      }
    }
  }
}

function readEarlierManifest(file: string): { files: { name?: unknown }[] } | undefined {
  try {
    const manifest = JSON.parse(readFileSync(file, 'utf8')) as { tool?: unknown; files?: unknown };
    return manifest.tool === 'kinetics' && Array.isArray(manifest.files) ? (manifest as { files: { name?: unknown }[] }) : undefined;
  } catch {
    return undefined;
  }
}
