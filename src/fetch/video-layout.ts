import { join } from 'node:path';

/** The tool's own video folder: `--home/videos`. */
export function videosRoot(home: string): string {
  return join(home, 'videos');
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

/** Where the tool puts a clip: `<videos>/<version>/<split>/<class folder>/<clip>.<ext>`, no whitespace anywhere. */
export function clipDestination(videosRoot: string, clip: { version: string; split: string; label: string | null }, fileName: string): string {
  return join(videosRoot, clip.version, clip.split, classFolder(clip.label), fileName);
}
