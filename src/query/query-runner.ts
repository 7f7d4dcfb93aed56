// Runs one read-only query in a process of its own and writes its rows to the stdout it shares with `kinetics
// query`, which starts it: only ending a process stops a statement SQLite is in the middle of (better-sqlite3 has
// no interrupt, and a worker thread inside a statement cannot be terminated, nor can a process exit while one runs).
import { readFileSync, writeSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import { exitQuietlyOnClosedPipe, reportError, sayCatalogNotices } from '../cli/report-error.js';
import { type QueryRequest, runQuery } from './run-query.js';

exitQuietlyOnClosedPipe();
sayCatalogNotices(process.stderr);
// Ctrl-C reaches this process too; `kinetics query` ends it and says so in one line.
process.on('SIGINT', () => {});
// Should `kinetics query` itself be killed outright, this process must not go on holding the catalog: a thread
// (which runs while SQLite holds the main one) ends it once its parent is gone.
new Worker(
  `const { workerData } = require('node:worker_threads');
   setInterval(() => { if (process.ppid !== workerData) process.kill(process.pid, 'SIGKILL'); }, 200);`,
  { eval: true, workerData: process.ppid },
).unref();
const pause = new Int32Array(new SharedArrayBuffer(4));

/**
 * Writes to stdout synchronously, so that a reader gone (`| head`) ends the query at its next rows: process.stdout
 * would report the closed pipe only once the statement, which holds this thread, had finished. The pipe may be
 * non-blocking (the parent's Node made it so): a full pipe is waited on.
 */
function writeOut(text: string): void {
  let bytes = Buffer.from(text);
  while (bytes.length > 0) {
    try {
      bytes = bytes.subarray(writeSync(1, bytes));
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'EPIPE') process.exit(0);
      if (code !== 'EAGAIN') throw error;
      Atomics.wait(pause, 0, 0, 1);
    }
  }
}

try {
  const request = JSON.parse(readFileSync(0, 'utf8')) as QueryRequest;
  process.exitCode = runQuery(request, writeOut);
} catch (caught) {
  process.exitCode = reportError(caught, process.stderr);
}
