import { fromDatabaseError } from '../../catalog/catalog-errors.js';

/** What went wrong, in the words the CLI would use (a busy or read-only catalog is one line, not a driver code). */
export function inWords(error: unknown, catalogFile: string): string {
  return (fromDatabaseError(error, catalogFile) ?? (error as Error)).message;
}
