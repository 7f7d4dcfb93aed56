/** Errors the CLI reports as one clear message; each carries the exit code it ends the process with. */
export class KineticsError extends Error {
  constructor(
    message: string,
    readonly exitCode: number = 1,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** The command line itself is wrong (sysexits EX_USAGE). */
export class UsageError extends KineticsError {
  constructor(message: string) {
    super(message, 64);
  }
}

/** A source file does not have the expected format (sysexits EX_DATAERR). */
export class InputError extends KineticsError {
  constructor(
    readonly file: string,
    readonly line: number | undefined,
    readonly expected: string,
  ) {
    super(`${file}${line === undefined ? '' : `:${line}`}: ${expected}`, 65);
  }
}

/** The source (bucket URL or directory) cannot be reached at all (sysexits EX_UNAVAILABLE). */
export class SourceUnreachableError extends KineticsError {
  constructor(source: string, cause: string) {
    super(
      `cannot reach the source ${source} (${cause}). ` +
        'Point --source (or KINETICS_SOURCE) at a reachable http(s) URL or a directory laid out like the bucket, ' +
        'e.g. --source data/sample-bucket',
      69,
    );
  }
}

/** A query would write to the catalog. */
export class ReadOnlyError extends KineticsError {
  constructor(reason: string) {
    super(`refused: ${reason}; \`kinetics query\` only reads the catalog`, 77);
  }
}

/** A failed write(2) names no file: the error with the file being written, for fromFileSystemError to report. */
export function writeErrorAt(error: unknown, path: string): unknown {
  if (typeof (error as NodeJS.ErrnoException)?.code !== 'string' || (error as NodeJS.ErrnoException).path) return error;
  return Object.assign(error as NodeJS.ErrnoException, { path, syscall: (error as NodeJS.ErrnoException).syscall ?? 'write' });
}

/** What the common failures mean for the path the user gave, by code (and call, where that decides). */
const PLAIN_REASONS: Record<string, string> = {
  ENOENT: 'no such file or folder',
  EISDIR: 'is a folder, where a file is expected',
  ENOTDIR: 'a part of this path is a file, where a folder is expected',
  'EEXIST mkdir': 'is a file, where a folder is expected',
};

const WRITING_SYSCALLS = new Set(['mkdir', 'rename', 'symlink', 'unlink', 'rmdir']);

/**
 * A file-system error on a path the user gave (a --classes-file that is not there, an --out that is a file) as a
 * one-line message and a sysexits code: 66 a file to read is missing, 73 an output cannot be created, 77 no
 * permission, 74 any other I/O failure. Undefined for errors that are not about a path.
 */
export function fromFileSystemError(error: unknown): KineticsError | undefined {
  const { code, path, syscall, message } = (error ?? {}) as NodeJS.ErrnoException;
  if (typeof code !== 'string' || typeof path !== 'string' || typeof syscall !== 'string') return undefined;
  const reason = /^[A-Z]+: ([^,]+)/.exec(message)?.[1] ?? code;
  const exitCode =
    code === 'EACCES' || code === 'EPERM' || code === 'EROFS'
      ? 77
      : code === 'EEXIST' || WRITING_SYSCALLS.has(syscall)
        ? 73
        : code === 'ENOENT' || code === 'EISDIR' || code === 'ENOTDIR'
          ? 66
          : 74;
  const hint = code === 'ENOSPC' || code === 'EDQUOT' ? '; free some space and run this again' : '';
  const words = PLAIN_REASONS[`${code} ${syscall}`] ?? PLAIN_REASONS[code];
  return new KineticsError(`${path}: ${words ?? `${reason} (${syscall})`}${hint}`, exitCode);
}
