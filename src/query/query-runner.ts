// Runs one read-only query in a process of its own and writes its rows to the stdout it shares with `kinetics
// query`, which starts it: only ending a process stops a statement SQLite is in the middle of (better-sqlite3 has
// no interrupt, and a worker thread inside a statement cannot be terminated, nor can a process exit while one runs).
import { readFileSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import { exitQuietlyOnClosedPipe, reportError } from '../cli/report-error.js';
import { type QueryRequest, runQuery } from './run-query.js';

exitQuietlyOnClosedPipe();
// Ctrl-C reaches this process too; `kinetics query` ends it and says so in one line.
process.on('SIGINT', () => {});
// Should `kinetics query` itself be killed outright, this process must not go on holding the catalog: a thread
// (which runs while SQLite holds the main one) ends it once its parent is gone.
new Worker(
  `const { workerData } = require('node:worker_threads');
   setInterval(() => { if (process.ppid !== workerData) process.kill(process.pid, 'SIGKILL'); }, 200);`,
  { eval: true, workerData: process.ppid },
).unref();
try {
  const request = JSON.parse(readFileSync(0, 'utf8')) as QueryRequest;
  process.exitCode = runQuery(request, (text) => process.stdout.write(text));
} catch (caught) {
  process.exitCode = reportError(caught);
}
