import { type ChildProcess, fork } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { packageRoot } from '../../util/package-root.js';
import type { JobReply } from './job-process.js';
import type { Job, JobResult } from './jobs.js';

/** The job process's script: the bundled file, or its source under tsx (whose loader a forked child inherits). */
function jobScript(): string {
  return import.meta.url.endsWith('.ts') ? join(packageRoot, 'src', 'tui', 'work', 'job-process.ts') : join(packageRoot, 'dist', 'tui', 'work', 'job-process.js');
}

export class JobCancelled extends Error {
  constructor() {
    super('cancelled');
  }
}

interface Pending {
  id: number;
  resolve(result: JobResult): void;
  reject(error: Error): void;
  progress(done: number, total: number): void;
}

/**
 * Runs the TUI's jobs off its render loop, one at a time, in a process of their own started on first use. A
 * process, not a thread: SQLite cannot be interrupted from JavaScript, and a thread cannot be stopped while SQLite
 * runs, but a process can be killed at once (what it had not committed is rolled back). The next job starts another.
 */
export class JobRunner {
  private child: ChildProcess | undefined;
  private nextId = 0;
  private pending: Pending | undefined;
  private stderr = '';

  constructor(private readonly db: string) {}

  run(job: Job, progress: (done: number, total: number) => void = () => {}): Promise<JobResult> {
    if (this.pending) return Promise.reject(new Error('a job is already running'));
    const child = this.ensureChild();
    const id = this.nextId++;
    // A job in flight keeps this process up; an idle job process does not.
    child.ref();
    child.channel?.ref();
    return new Promise<JobResult>((resolve, reject) => {
      this.pending = { id, resolve, reject, progress };
      child.send({ id, job });
    });
  }

  /** Kills the job process; resolves once it is gone, so that nothing it would have written lands after. */
  async cancel(): Promise<void> {
    const child = this.child;
    this.child = undefined;
    this.settle((pending) => pending.reject(new JobCancelled()));
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = once(child, 'exit');
    child.kill('SIGKILL');
    await exited;
  }

  close(): Promise<void> {
    return this.cancel();
  }

  private ensureChild(): ChildProcess {
    if (this.child) return this.child;
    this.stderr = '';
    const child = fork(jobScript(), [this.db], { stdio: ['ignore', 'ignore', 'pipe', 'ipc'], serialization: 'advanced' });
    child.stderr!.setEncoding('utf8').on('data', (text: string) => (this.stderr = (this.stderr + text).slice(-2000)));
    child.on('message', (reply: JobReply) => {
      if (reply.id !== this.pending?.id) return;
      if (reply.kind === 'progress') this.pending.progress(reply.done, reply.total);
      else if (reply.kind === 'done') this.settle((pending) => pending.resolve(reply.result as JobResult));
      else this.settle((pending) => pending.reject(new Error(reply.message)));
    });
    child.on('exit', (code, signal) => {
      if (this.child !== child) return;
      this.child = undefined;
      const why = this.stderr.trim().split('\n').at(-1);
      this.settle((pending) => pending.reject(new Error(`the job process stopped (${signal ?? `exit ${code}`})${why ? `: ${why}` : ''}`)));
    });
    child.on('error', () => {});
    this.child = child;
    return child;
  }

  private settle(with_: (pending: Pending) => void): void {
    const pending = this.pending;
    this.pending = undefined;
    this.child?.unref();
    this.child?.channel?.unref();
    if (pending) with_(pending);
  }
}
