import { Readable } from 'node:stream';
import { parentPort } from 'node:worker_threads';
import { InputError } from '../../errors.js';
import { readCsvRecords } from '../parsers/csv-records.js';
import { FIELD_SEPARATOR, type FromCsvThread, type ToCsvThread } from './protocol.js';

// The CSV thread: tokenizes one file at a time from the bytes the main thread sends, and sends back its records.

const RECORDS_PER_BATCH = 4096;
const port = parentPort!;
const send = (message: FromCsvThread, transfer: ArrayBuffer[] = []) => port.postMessage(message, transfer);

/** The read being served, and the stream its bytes go into. */
let current: { read: number; input: Readable } | undefined;

port.on('message', (message: ToCsvThread) => {
  if (message.type === 'start') void tokenize(message);
  else if (message.read !== current?.read) return; // sent for a read that has ended
  else if (message.type === 'bytes') current.input.push(Buffer.from(message.bytes.buffer, message.bytes.byteOffset, message.bytes.byteLength));
  else current.input.push(null);
});

async function tokenize({ read, file, options }: Extract<ToCsvThread, { type: 'start' }>): Promise<void> {
  const input = new Readable({ read: () => send({ read, type: 'more' }) });
  current = { read, input };
  let fields: string[] = [];
  let hasSeparator = false;
  const shapes = new Int32Array(RECORDS_PER_BATCH * 2);
  let records = 0;
  const flush = () => {
    if (records === 0) return;
    const used = shapes.slice(0, records * 2);
    send({ read, type: 'records', fields: hasSeparator ? fields : fields.join(FIELD_SEPARATOR), shapes: used }, [used.buffer]);
    fields = [];
    hasSeparator = false;
    records = 0;
  };
  try {
    await readCsvRecords(
      input,
      file,
      (record, line) => {
        for (const field of record) {
          if (field.includes(FIELD_SEPARATOR)) hasSeparator = true;
          fields.push(field);
        }
        shapes[records * 2] = record.length;
        shapes[records * 2 + 1] = line;
        if (++records === RECORDS_PER_BATCH) flush();
      },
      options,
    );
    flush();
    send({ read, type: 'done' });
  } catch (error) {
    // The records before the bad one go first: an error the main thread finds in them comes first in the file.
    flush();
    input.destroy();
    const inputError = error instanceof InputError ? { file: error.file, line: error.line, expected: error.expected } : undefined;
    send({ read, type: 'failed', inputError, message: (error as Error).message });
  } finally {
    if (current?.read === read) current = undefined;
  }
}
