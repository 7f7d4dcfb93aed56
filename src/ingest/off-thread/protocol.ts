import type { CsvReadOptions } from '../parsers/csv-records.js';

/**
 * Main thread → CSV thread. Every message names its read, so that nothing a read sent after it ended (bytes, the
 * end) can reach the next read the thread serves.
 */
export type ToCsvThread =
  | { type: 'start'; read: number; file: string; options: CsvReadOptions }
  | { type: 'bytes'; read: number; bytes: Uint8Array }
  | { type: 'end'; read: number };

/**
 * CSV thread → main thread. Records travel in batches: their fields joined by NUL into one string (or, when a field
 * holds a NUL, as a list) and an Int32Array of [field count, line] per record. A structured clone of one string and
 * a moved buffer costs far less than one of thousands of arrays.
 */
export type FromCsvThread = { read: number } & (
  | { type: 'more' }
  | { type: 'records'; fields: string | string[]; shapes: Int32Array }
  | { type: 'done' }
  | { type: 'failed'; inputError?: { file: string; line: number | undefined; expected: string }; message: string }
);

export const FIELD_SEPARATOR = '\0';
