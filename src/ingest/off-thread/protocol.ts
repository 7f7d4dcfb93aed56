import type { CsvReadOptions } from '../parsers/csv-records.js';

/** Main thread → CSV thread. */
export type ToCsvThread =
  | { type: 'start'; file: string; options: CsvReadOptions }
  | { type: 'bytes'; bytes: Uint8Array }
  | { type: 'end' };

/**
 * CSV thread → main thread. Records travel in batches: their fields joined by NUL into one string (or, when a field
 * holds a NUL, as a list) and an Int32Array of [field count, line] per record. A structured clone of one string and
 * a moved buffer costs far less than one of thousands of arrays.
 */
export type FromCsvThread =
  | { type: 'more' }
  | { type: 'records'; fields: string | string[]; shapes: Int32Array }
  | { type: 'done' }
  | { type: 'failed'; input?: { file: string; line: number | undefined; expected: string }; message: string };

export const FIELD_SEPARATOR = '\0';
