import type { Output } from '../util/output.js';
import type { FileOutcome } from './ingest-file.js';

/** Live counters of the file being read; reporters sample them. */
export interface FileProgress {
  path: string;
  bytes: number;
  totalBytes: number | undefined;
  rows: number;
}

export interface IngestReporter {
  fileStarted(progress: FileProgress): void;
  fileFinished(outcome: FileOutcome): void;
  close(): void;
}

export function formatBytes(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${unit === 0 ? value : value.toFixed(1)} ${units[unit]}`;
}

function outcomeLine(outcome: FileOutcome): string {
  switch (outcome.status) {
    case 'loaded':
      return `loaded     ${outcome.path}  ${outcome.rows.toLocaleString('en-US')} rows, ${formatBytes(outcome.bytes)}${
        outcome.notes.length > 0 ? ` (${outcome.notes.join('; ')})` : ''
      }`;
    case 'unchanged':
      return `unchanged  ${outcome.path}`;
    case 'missing':
      return `missing    ${outcome.path}  (not in the source; skipped)`;
    case 'failed':
      return `failed     ${outcome.error}`;
  }
}

/** One line per finished file: for logs and pipes. */
export class PlainReporter implements IngestReporter {
  constructor(private readonly stream: Output) {}
  fileStarted(): void {}
  fileFinished(outcome: FileOutcome): void {
    this.stream.write(`${outcomeLine(outcome)}\n`);
  }
  close(): void {}
}

/** On a terminal: a live line with bytes and rows of the file being read, replaced by its outcome. */
export class TerminalReporter implements IngestReporter {
  private current: FileProgress | undefined;
  private readonly timer: NodeJS.Timeout;

  constructor(private readonly stream: Output) {
    this.timer = setInterval(() => this.render(), 100);
    this.timer.unref();
  }

  fileStarted(progress: FileProgress): void {
    this.current = progress;
    this.render();
  }

  fileFinished(outcome: FileOutcome): void {
    this.current = undefined;
    this.stream.write(`\r\x1b[2K${outcomeLine(outcome)}\n`);
  }

  close(): void {
    clearInterval(this.timer);
  }

  private render(): void {
    const progress = this.current;
    if (!progress) return;
    const total = progress.totalBytes ? ` / ${formatBytes(progress.totalBytes)}` : '';
    const line = `reading    ${progress.path}  ${formatBytes(progress.bytes)}${total}, ${progress.rows.toLocaleString('en-US')} rows`;
    this.stream.write(`\r\x1b[2K${line.slice(0, (this.stream.columns ?? 100) - 1)}`);
  }
}

/** Silent: for --json, where only the summary is printed. */
export class SilentReporter implements IngestReporter {
  fileStarted(): void {}
  fileFinished(): void {}
  close(): void {}
}
