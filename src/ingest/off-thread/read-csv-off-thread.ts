import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { InputError, KineticsError } from '../../errors.js';
import { packageRoot } from '../../util/package-root.js';
import type { CsvReadOptions } from '../parsers/csv-records.js';
import { FIELD_SEPARATOR, type FromCsvThread, type ToCsvThread } from './protocol.js';

/** Chunks of the file sent ahead of what the CSV thread has asked for. */
const CHUNKS_AHEAD = 4;

/**
 * The bundled thread, or under tsx (tests, benchmarks) its source: a worker does not inherit tsx's loader, so it
 * registers it before importing the source.
 */
function startCsvThread(): Worker {
  if (!import.meta.url.endsWith('.ts')) return new Worker(join(packageRoot, 'dist', 'ingest', 'off-thread', 'csv-thread.js'));
  const source = pathToFileURL(join(packageRoot, 'src', 'ingest', 'off-thread', 'csv-thread.ts')).href;
  const tsx = import.meta.resolve('tsx/esm/api');
  return new Worker(`import(${JSON.stringify(tsx)}).then(({ register }) => { register(); return import(${JSON.stringify(source)}); })`, {
    eval: true,
  });
}

/** CSV threads reading no file: one serves a whole ingest (its files load one at a time). */
const idle: Worker[] = [];
let reads = 0;

function takeCsvThread(): Worker {
  const reused = idle.pop();
  if (reused) return reused;
  const worker = startCsvThread();
  // A thread that ends while idle is no longer offered; while it reads, the read's own listeners report it.
  worker.on('error', () => {}).on('exit', () => {
    const at = idle.indexOf(worker);
    if (at >= 0) idle.splice(at, 1);
  });
  return worker;
}

/**
 * `readCsvRecords`, with csv-parse on a thread of its own: tokenizing is most of an ingest's JavaScript, and while
 * it runs there this thread checks the records and inserts them. Same contract: `onRecord(fields, line)` in file
 * order (`fields` is reused: valid during the call), synchronously per batch; csv-parse's errors and `onRecord`'s
 * stop the read with `file:line`, whichever comes first in the file.
 */
export function readCsvRecordsOffThread(
  input: Readable,
  file: string,
  onRecord: (fields: string[], line: number) => void,
  options: CsvReadOptions = {},
): Promise<void> {
  return new Promise((resolve, reject) => {
    const worker = takeCsvThread();
    worker.ref(); // while it reads: an idle thread does not keep the process alive
    const read = ++reads;
    const send = (message: ToCsvThread, transfer: ArrayBuffer[] = []) => worker.postMessage(message, transfer);
    let credit = CHUNKS_AHEAD;
    let wakeReader: (() => void) | undefined;
    let settled = false;

    /** A thread that read its file to the end (or refused it) serves the next read; one stopped midway is ended. */
    const settle = (error: Error | undefined, thread: 'reusable' | 'midway' | 'gone') => {
      if (settled) return;
      settled = true;
      worker.off('message', onMessage).off('error', onError).off('exit', onExit).unref();
      if (thread === 'reusable') idle.push(worker);
      else if (thread === 'midway') void worker.terminate();
      wakeReader?.();
      if (error) {
        input.destroy();
        reject(error);
      } else resolve();
    };
    const onError = (error: Error) => settle(new KineticsError(`${file}: the CSV thread failed: ${error.message}`), 'midway');
    const onExit = () => settle(new KineticsError(`${file}: the CSV thread stopped`), 'gone');
    const onMessage = (message: FromCsvThread) => {
      if (message.read !== read) return;
      if (message.type === 'more') {
        credit++;
        wakeReader?.();
      } else if (message.type === 'records') {
        try {
          deliver(message, onRecord);
        } catch (error) {
          settle(error as Error, 'midway');
        }
      } else if (message.type === 'done') {
        settle(undefined, 'reusable');
      } else if (message.inputError) {
        const { file: where, line, expected } = message.inputError;
        settle(new InputError(where, line, expected), 'reusable');
      } else {
        settle(new KineticsError(`${file}: ${message.message}`), 'midway');
      }
    };
    worker.on('message', onMessage).on('error', onError).on('exit', onExit);
    send({ type: 'start', read, file, options });

    void (async () => {
      try {
        for await (const chunk of input as AsyncIterable<Buffer | string>) {
          while (credit === 0 && !settled) await new Promise<void>((wake) => (wakeReader = wake));
          if (settled) return;
          credit--;
          // A buffer of its own, moved to the thread rather than copied again.
          const bytes = new Uint8Array(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
          send({ type: 'bytes', read, bytes }, [bytes.buffer]);
        }
        send({ type: 'end', read });
      } catch (error) {
        settle(error as Error, 'midway');
      }
    })();
  });
}

function deliver({ fields, shapes }: Extract<FromCsvThread, { type: 'records' }>, onRecord: (fields: string[], line: number) => void): void {
  const all = typeof fields === 'string' ? fields.split(FIELD_SEPARATOR) : fields;
  const record: string[] = [];
  for (let at = 0, next = 0; at < shapes.length; at += 2) {
    record.length = shapes[at]!;
    for (let field = 0; field < record.length; field++) record[field] = all[next++]!;
    onRecord(record, shapes[at + 1]!);
  }
}
