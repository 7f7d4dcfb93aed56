import { Catalog } from '../../catalog/catalog.js';
import { inWords } from './in-words.js';
import { type Job, runJob } from './jobs.js';

/** The TUI's job process: its own connection to the catalog, one job at a time, told what to do over IPC. */
export type JobReply =
  | { id: number; kind: 'progress'; done: number; total: number }
  | { id: number; kind: 'done'; result: unknown }
  | { id: number; kind: 'failed'; message: string };

const PROGRESS_EVERY_MS = 50;

const db = process.argv[2]!;
const send = (reply: JobReply) => process.send!(reply);
// The TUI gone (even killed), nothing is left to answer to.
process.on('disconnect', () => process.exit(0));

let catalog: Catalog | undefined;
process.on('message', async ({ id, job }: { id: number; job: Job }) => {
  let lastSent = 0;
  const progress = (done: number, total: number) => {
    const now = Date.now();
    if (now - lastSent < PROGRESS_EVERY_MS && done < total) return;
    lastSent = now;
    send({ id, kind: 'progress', done, total });
  };
  try {
    catalog ??= Catalog.open(db, { mustExist: true });
    send({ id, kind: 'done', result: await runJob(catalog, job, progress) });
  } catch (error) {
    send({ id, kind: 'failed', message: inWords(error, db) });
  }
});
