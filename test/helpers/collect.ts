import { Readable } from 'node:stream';
import type { Split } from '../../src/sources/bucket-layout.js';

export function streamOf(text: string | Buffer): Readable {
  return Readable.from([typeof text === 'string' ? Buffer.from(text) : text]);
}

/** Runs a streaming parser over text and returns what it emitted. */
export async function collect<Row, Result>(
  parse: (input: Readable, file: string, split: Split, onRow: (row: Row) => void) => Promise<Result>,
  text: string | Buffer,
  split: Split = 'val',
): Promise<{ rows: Row[]; result: Result }> {
  const rows: Row[] = [];
  const result = await parse(streamOf(text), 'test.csv', split, (row) => rows.push(row));
  return { rows, result };
}
