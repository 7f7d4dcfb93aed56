import { fromDatabaseError } from '../catalog/catalog-errors.js';
import { onCatalogNotice } from '../catalog/catalog-notice.js';
import { KineticsError, fromFileSystemError } from '../errors.js';
import type { Output } from '../util/output.js';

/** Says what went wrong on stderr, one line for an expected condition, and returns the exit code it calls for. */
export function reportError(caught: unknown, stderr: Output): number {
  const error = fromFileSystemError(caught) ?? fromDatabaseError(caught) ?? caught;
  if (error instanceof KineticsError) {
    stderr.write(`kinetics: ${error.message}\n`);
    return error.exitCode;
  }
  stderr.write(`kinetics: internal error: ${(error as Error).stack ?? String(error)}\n`);
  return 70;
}

/** What the catalog says of another process's bulk load, or of its upgrade (see catalog-notice), goes to stderr, as errors do. */
export function sayCatalogNotices(stderr: Output): void {
  onCatalogNotice((line) => stderr.write(`kinetics: ${line}\n`));
}

/** `kinetics query ... | head` closes the pipe early: that is the reader's choice, not an error. */
export function exitQuietlyOnClosedPipe(): void {
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw error;
  });
}
