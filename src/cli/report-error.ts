import { KineticsError, fromFileSystemError } from '../errors.js';

/** Says what went wrong on stderr, one line for an expected condition, and returns the exit code it calls for. */
export function reportError(caught: unknown): number {
  const error = fromFileSystemError(caught) ?? caught;
  if (error instanceof KineticsError) {
    process.stderr.write(`kinetics: ${error.message}\n`);
    return error.exitCode;
  }
  process.stderr.write(`kinetics: internal error: ${(error as Error).stack ?? String(error)}\n`);
  return 70;
}

/** `kinetics query ... | head` closes the pipe early: that is the reader's choice, not an error. */
export function exitQuietlyOnClosedPipe(): void {
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw error;
  });
}
