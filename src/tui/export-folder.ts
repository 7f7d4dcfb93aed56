import { join, resolve } from 'node:path';

/** Where the TUI writes an export: a folder typed relative is under --home, never the working directory. */
export function exportFolder(home: string, typed: string): string {
  return resolve(home, typed.trim() === '' ? 'exports' : typed.trim());
}

/** The folder the export form offers for a subset. */
export function defaultExportFolder(home: string, subset: string): string {
  return join(home, 'exports', subset);
}
