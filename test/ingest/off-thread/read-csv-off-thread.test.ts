import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { test } from 'node:test';
import { InputError } from '../../../src/errors.js';
import { readCsvRecordsOffThread } from '../../../src/ingest/off-thread/read-csv-off-thread.js';
import { readCsvRecords } from '../../../src/ingest/parsers/csv-records.js';
import { streamOf } from '../../helpers/collect.js';

type Record = { fields: string[]; line: number };

async function recordsOf(read: typeof readCsvRecords, input: Readable, onRecord?: (record: Record) => void): Promise<Record[]> {
  const records: Record[] = [];
  await read(input, 'test.csv', (fields, line) => {
    const record = { fields: [...fields], line };
    onRecord?.(record);
    records.push(record);
  });
  return records;
}

/** A large file in many small chunks: quoted fields with commas, CRLF and LF, blank lines, a NUL inside a field. */
function largeFile(): Buffer {
  const lines = ['label,youtube_id,time_start,time_end'];
  for (let row = 0; row < 30_000; row++) {
    const label = row % 3 === 0 ? `"class, ${row % 700}"` : row === 12_344 ? 'odd\0label' : `class ${row % 700}`;
    lines.push(`${label},id${String(row).padStart(9, '0')},${row},${row + 10}${row % 5 === 0 ? '\r' : ''}`);
    if (row % 1000 === 999) lines.push('');
  }
  return Buffer.from(`${lines.join('\n')}\n`);
}

function inChunks(bytes: Buffer, size: number): Readable {
  const chunks: Buffer[] = [];
  for (let at = 0; at < bytes.length; at += size) chunks.push(bytes.subarray(at, at + size));
  return Readable.from(chunks);
}

test('off the thread, every record and its line number is what the same read on this thread gives, in order', async () => {
  const bytes = largeFile();
  const here = await recordsOf(readCsvRecords, inChunks(bytes, 4093));
  const there = await recordsOf(readCsvRecordsOffThread, inChunks(bytes, 4093));
  assert.equal(there.length, 30_001);
  assert.deepEqual(there, here);
  assert.ok(there.some((record) => record.fields[0] === 'odd\0label'), 'a field holding the separator arrives whole');
  assert.ok(there.some((record) => record.fields[0] === 'class, 3'), 'quoted commas stay in their field');
});

test("csv-parse's error on the thread comes back as file:line", async () => {
  const input = streamOf('label,youtube_id,time_start,time_end\nabseiling,aaaaaaaaaaa,1,11\n"broken,bbbbbbbbbbb,2,12\n');
  await assert.rejects(readCsvRecordsOffThread(input, 'bad.csv', () => {}), (error: unknown) => {
    assert.ok(error instanceof InputError);
    assert.match(error.message, /^bad\.csv:3: expected a closing quote/);
    return true;
  });
});

test("an error thrown for a record stops the read there, and the next file reads whole", async () => {
  const seen: number[] = [];
  await assert.rejects(
    recordsOf(readCsvRecordsOffThread, inChunks(largeFile(), 1 << 14), (record) => {
      seen.push(record.line);
      if (record.line === 20_000) throw new InputError('test.csv', record.line, 'expected no line 20000');
    }),
    /test\.csv:20000: expected no line 20000/,
  );
  assert.equal(seen.at(-1), 20_000);
  const next = await recordsOf(readCsvRecordsOffThread, streamOf('a,b\n1,2\n'));
  assert.deepEqual(next, [
    { fields: ['a', 'b'], line: 1 },
    { fields: ['1', '2'], line: 2 },
  ]);
});

test('a source that fails midway fails the read with its own error', async () => {
  const failing = new Readable({
    read() {
      this.push(Buffer.from('a,b\n1,2\n'));
      this.destroy(new Error('connection reset'));
    },
  });
  await assert.rejects(readCsvRecordsOffThread(failing, 'test.csv', () => {}), /connection reset/);
});

test('two files read at once in one process each get their own records', async () => {
  const bytes = largeFile();
  const other = Buffer.from(bytes.toString().replaceAll('class', 'other'));
  const [first, second] = await Promise.all([
    recordsOf(readCsvRecordsOffThread, inChunks(bytes, 8191)),
    recordsOf(readCsvRecordsOffThread, inChunks(other, 5000)),
  ]);
  assert.deepEqual(first, await recordsOf(readCsvRecords, inChunks(bytes, 8191)));
  assert.deepEqual(second, await recordsOf(readCsvRecords, inChunks(other, 5000)));
});

test("the records before a CSV error are checked first: the first error in the file is the one reported", async () => {
  const text = 'label,youtube_id\nabseiling,a\nzumba,bad\nyoga,c\n"unterminated,d\n';
  const checked: number[] = [];
  await assert.rejects(
    readCsvRecordsOffThread(streamOf(text), 'test.csv', (fields, line) => {
      checked.push(line);
      if (fields[1] === 'bad') throw new InputError('test.csv', line, 'expected a good id');
    }),
    /^InputError: test\.csv:3: expected a good id/,
  );
  const lines: number[] = [];
  await assert.rejects(readCsvRecordsOffThread(streamOf(text), 'test.csv', (_fields, line) => lines.push(line)), /test\.csv:5: expected a closing quote/);
  assert.deepEqual(lines, [1, 2, 3, 4]);
});

test('a refused file whose source ends later cannot end the next read of its thread early', async () => {
  async function* refused() {
    yield Buffer.from('a,b\n1,2,3\n4,5\n');
    await sleep(150);
  }
  async function* slow() {
    yield Buffer.from('a,b\n');
    for (let row = 0; row < 20; row++) {
      await sleep(20);
      yield Buffer.from(`${row},x\n`);
    }
  }
  await assert.rejects(readCsvRecordsOffThread(Readable.from(refused()), 'refused.csv', () => {}), /refused\.csv:2: expected 2 columns/);
  const records = await recordsOf(readCsvRecordsOffThread, Readable.from(slow()));
  assert.equal(records.length, 21);
});

test('a stream of text reads as its bytes would', async () => {
  const records = await recordsOf(readCsvRecordsOffThread, Readable.from(['a,b\n', '1,2\n']));
  assert.deepEqual(records, await recordsOf(readCsvRecords, Readable.from(['a,b\n', '1,2\n'])));
  assert.equal(records.length, 2);
});
