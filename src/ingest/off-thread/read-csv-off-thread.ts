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

/** One CSV thread for a whole ingest (files load one at a time); it does not keep the process alive. */
let shared: Worker | undefined;

function csvThread(): Worker {
  if (!shared) {
    shared = startCsvThread();
    shared.unref();
  }
  return shared;
}

function stopCsvThread(): void {
  void shared?.terminate();
  shared = undefined;
}

/**
 * `readCsvRecords`, with csv-parse on a thread of its own: tokenizing is most of an ingest's JavaScript, and while
 * it runs there this thread checks the records and inserts them. Same contract: `onRecord(fields, line)` in file
 * order (`fields` is reused: valid during the call), synchronously per batch; csv-parse's errors and `onRecord`'s
 * stop the read with `file:line`.
 */
export function readCsvRecordsOffThread(
  input: Readable,
  file: string,
  onRecord: (fields: string[], line: number) => void,
  options: CsvReadOptions = {},
): Promise<void> {
  return new Promise((resolve, reject) => {
    const worker = csvThread();
    const send = (message: ToCsvThread, transfer: ArrayBuffer[] = []) => worker.postMessage(message, transfer);
    let credit = CHUNKS_AHEAD;
    let wakeReader: (() => void) | undefined;
    let settled = false;

    const settle = (error?: Error) => {
      if (settled) return;
      settled = true;
      worker.off('message', onMessage).off('error', onError).off('exit', onExit);
      wakeReader?.();
      if (error) reject(error);
      else resolve();
    };
    const onError = (error: Error) => {
      stopCsvThread();
      settle(new KineticsError(`${file}: the CSV thread failed: ${error.message}`));
    };
    const onExit = () => {
      shared = undefined;
      settle(new KineticsError(`${file}: the CSV thread stopped`));
    };
    const onMessage = (message: FromCsvThread) => {
      if (message.type === 'more') {
        credit++;
        wakeReader?.();
      } else if (message.type === 'records') {
        try {
          deliver(message, onRecord);
        } catch (error) {
          // The thread is mid-file and this file is abandoned: the next file starts a fresh thread.
          stopCsvThread();
          settle(error as Error);
        }
      } else if (message.type === 'done') {
        settle();
      } else {
        settle(message.input ? new InputError(message.input.file, message.input.line, message.input.expected) : new KineticsError(message.message));
      }
    };
    worker.on('message', onMessage).on('error', onError).on('exit', onExit);
    send({ type: 'start', file, options });

    void (async () => {
      try {
        for await (const chunk of input as AsyncIterable<Buffer>) {
          while (credit === 0 && !settled) await new Promise<void>((wake) => (wakeReader = wake));
          if (settled) return;
          credit--;
          const bytes = new Uint8Array(chunk); // a buffer of its own, moved to the thread rather than copied again
          send({ type: 'bytes', bytes }, [bytes.buffer]);
        }
        send({ type: 'end' });
      } catch (error) {
        stopCsvThread();
        settle(error as Error);
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
