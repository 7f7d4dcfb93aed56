import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { CsvError, parse } from 'csv-parse';
import { InputError } from '../../errors.js';

export interface CsvReadOptions {
  /** Accept records whose field count differs from the first record's (the caller checks each). */
  relaxColumnCount?: boolean;
  delimiter?: string;
}

/**
 * Streams a CSV file to `onRecord(fields, line)`, synchronously per record, without building a record stream.
 * LF and CRLF alike; csv-parse's own errors and any error `onRecord` throws stop the read with `file:line`.
 */
export async function readCsvRecords(
  input: Readable,
  file: string,
  onRecord: (fields: string[], line: number) => void,
  options: CsvReadOptions = {},
): Promise<void> {
  const parser = parse({
    bom: true,
    skip_empty_lines: true,
    relax_column_count: options.relaxColumnCount ?? false,
    delimiter: options.delimiter ?? ',',
    // Both, in any mix: a file edited on two systems ends some lines with CRLF and others with LF.
    record_delimiter: ['\r\n', '\n'],
  });
  // A record is emitted synchronously while csv-parse sits at its last line, so info.lines is that record's line;
  // cheaper than on_record, which builds an info object per record.
  let lastLine = 0;
  parser.on('data', (fields: string[]) => {
    lastLine = parser.info.lines;
    try {
      onRecord(fields, lastLine);
    } catch (error) {
      parser.destroy(error as Error);
    }
  });
  try {
    await pipeline(input, parser);
  } catch (error) {
    throw asInputError(error, file, lastLine);
  }
}

function asInputError(error: unknown, file: string, lastLine: number): unknown {
  if (!(error instanceof CsvError)) return error;
  // csv-parse finds an unclosed quote at the end of the file, and counts the lines after it its own way (CRLF twice):
  // the field opens in the record after the last one read.
  if (error.code === 'CSV_QUOTE_NOT_CLOSED') {
    return new InputError(file, lastLine + 1, 'expected a closing quote: the quoted field that opens on this line runs to the end of the file');
  }
  const details = error as CsvError & { lines?: number; record?: string[] };
  if (error.code === 'CSV_RECORD_INCONSISTENT_FIELDS_LENGTH') {
    const match = /expect (\d+), got (\d+)/.exec(error.message);
    return new InputError(
      file,
      details.lines,
      `expected ${match?.[1] ?? 'the same number of'} columns as the header, found ${match?.[2] ?? 'another count'}`,
    );
  }
  return new InputError(file, details.lines, `expected well-formed CSV (${error.message})`);
}

/** Checks a header record against the column names a format knows; returns each known column's index. */
export function mapHeader<Column extends string>(
  header: string[],
  known: readonly Column[],
  required: readonly Column[],
  file: string,
  expectedText: string,
): Map<Column, number> {
  const columns = new Map<Column, number>();
  header.forEach((name, index) => {
    const column = name.trim().toLowerCase() as Column;
    if (!known.includes(column)) {
      throw new InputError(file, 1, `expected a header of ${expectedText}, found unknown column "${name}"`);
    }
    columns.set(column, index);
  });
  const missing = required.filter((column) => !columns.has(column));
  if (missing.length > 0) {
    throw new InputError(file, 1, `expected a header of ${expectedText}, missing ${missing.join(', ')}`);
  }
  return columns;
}

export function parseWholeNumber(text: string, file: string, line: number, column: string): number {
  if (!/^\d+$/.test(text)) throw new InputError(file, line, `expected a whole number for ${column}, found "${text}"`);
  return Number(text);
}

export function parseDecimal(text: string, file: string, line: number, column: string): number {
  const value = Number(text);
  if (text.trim() === '' || !Number.isFinite(value)) {
    throw new InputError(file, line, `expected a number for ${column}, found "${text}"`);
  }
  return value;
}
