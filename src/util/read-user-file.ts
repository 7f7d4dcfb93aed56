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

/** A text named on the command line, as read: its name for errors (`stdin` for `-`) and its text. */
export interface UserInput {
  name: string;
  text: string;
}

/** A file named on the command line, or stdin when it is `-`. */
export function readUserInput(path: string, readStdin: () => string): UserInput {
  return path === '-' ? { name: 'stdin', text: readStdin() } : { name: path, text: readUserFile(path) };
}
