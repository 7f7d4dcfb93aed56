import { join } from 'node:path';
import { REPLACEMENT_FOLDER } from '../sources/bucket-layout.js';
import { canonicalPath } from '../util/canonical-path.js';

/** The tool's own video folder: `--home/videos`. */
export function videosRoot(home: string): string {
  // Canonical: a videos folder that is a link records the same paths as a scan of its real folder.
  return canonicalPath(join(home, 'videos'));
}

/** torchvision's class-folder rule: spaces become `_`; `'`, `(` and `)` are dropped. No label: `_unlabeled`. */
export function classFolder(label: string | null): string {
  if (label === null) return '_unlabeled';
  return safeFolderName(label.replaceAll(' ', '_').replace(/['()]/g, ''));
}

/** A label as one path segment: never a separator, never `.` or `..`. */
export function safeFolderName(label: string): string {
  const name = label.replace(/[/\\\x00]/g, '_');
  return name === '.' || name === '..' || name === '' ? '_' : name;
}

/**
 * Where the tool puts a clip: `<videos>/<version>/<split>/<class folder>/<clip>.<ext>`, no whitespace anywhere.
 * A copy from K400's replacement archive goes under `<videos>/k400/replacement_for_corrupted_k400/<class folder>/`,
 * beside the original it supersedes rather than over it.
 */
export function clipDestination(
  videosRoot: string,
  clip: { version: string; split: string; label: string | null },
  fileName: string,
  fromReplacementArchive = false,
): string {
  return join(clipFolder(videosRoot, clip, fromReplacementArchive), fileName);
}

export function clipFolder(videosRoot: string, clip: { version: string; split: string; label: string | null }, fromReplacementArchive = false): string {
  return join(videosRoot, clip.version, fromReplacementArchive ? REPLACEMENT_FOLDER : clip.split, classFolder(clip.label));
}
