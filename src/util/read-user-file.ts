import { readFileSync } from 'node:fs';

/** Reads a text file named on the command line; an error names that file even when the failing call does not. */
export function readUserFile(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    const failure = error as NodeJS.ErrnoException;
    failure.path ??= path;
    failure.syscall ??= 'read';
    throw failure;
  }
}
