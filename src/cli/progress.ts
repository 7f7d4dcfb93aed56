import { formatBytes, formatCount, pluralNoun } from '../util/words.js';
import { secondsFromEnv } from '../util/env-seconds.js';
import type { CommandIo } from './command.js';
import type { Output } from '../util/output.js';

/** Where long work stands: items done (of how many, when known), bytes moved, and what it is on now. */
export interface ProgressCounts {
  /** Undefined while the work cannot count yet (a fetch planning). */
  done?: number;
  total?: number;
  /** The item's noun, singular: file, shard, clip. */
  unit: string;
  bytes?: number;
  totalBytes?: number;
  detail?: string;
}

/** live: one line redrawn in place (a terminal); lines: a status line now and then (logs, pipes); silent: nothing. */
export type ProgressMode = 'live' | 'lines' | 'silent';

const LIVE_EVERY_MS = 100;

export function formatDuration(seconds: number): string {
  const whole = Math.ceil(seconds);
  if (whole < 60) return `${whole} s`;
  if (whole < 3600) return `${Math.floor(whole / 60)} min${whole % 60 > 0 ? ` ${whole % 60} s` : ''}`;
  return `${Math.floor(whole / 3600)} h${Math.floor((whole % 3600) / 60) > 0 ? ` ${Math.floor((whole % 3600) / 60)} min` : ''}`;
}

/**
 * One status line: counts, rate and, when the total is known, the time left. The rate and ETA follow bytes when
 * the work counts them (items of very different sizes make an item rate lie), else items.
 */
export function statusLine(label: string, counts: ProgressCounts, seconds: number): string {
  const parts =
    counts.done === undefined ? [] : [`${formatCount(counts.done)}${counts.total === undefined ? '' : ` of ${formatCount(counts.total)}`} ${pluralNoun(counts.total ?? counts.done, counts.unit)}`];
  if (counts.bytes !== undefined) parts.push(counts.totalBytes === undefined ? formatBytes(counts.bytes) : `${formatBytes(counts.bytes)} of ${formatBytes(counts.totalBytes)}`);
  const elapsed = Math.max(seconds, 0.001);
  const [moved, total] = counts.bytes !== undefined ? [counts.bytes, counts.totalBytes] : [counts.done ?? 0, counts.total];
  const rate = moved / elapsed;
  if (seconds >= 1 && moved > 0) parts.push(counts.bytes !== undefined ? `${formatBytes(rate)}/s` : `${formatCount(Math.round(rate))} ${pluralNoun(2, counts.unit)}/s`);
  if (seconds >= 1 && rate > 0 && total !== undefined && total > moved) parts.push(`ETA ${formatDuration((total - moved) / rate)}`);
  if (counts.detail) parts.push(counts.detail);
  return `${label}  ${parts.join(' · ')}`;
}

/**
 * The one progress renderer of ingest, scan, fetch, extract, repair and export. Work hands it a sampler of its
 * counters; the renderer draws from it on a timer (async work) and on `tick()` (synchronous loops), at most every
 * 100 ms on a terminal and every KINETICS_PROGRESS_SECONDS (10) otherwise. Lines that stay (an item's outcome) go
 * above the live line.
 */
export class ProgressRenderer {
  private sampler: (() => ProgressCounts) | undefined;
  private started = 0;
  private lastDrawn = 0;
  private live = false;
  private lastCounts = '';
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly stream: Output,
    readonly mode: ProgressMode,
    private readonly label: string,
    private readonly everyMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Starts drawing the counters `sampler` reads. */
  watch(sampler: () => ProgressCounts): void {
    this.sampler = sampler;
    this.started = this.lastDrawn = this.now();
    if (this.mode !== 'silent' && this.timer === undefined) {
      this.timer = setInterval(() => this.tick(), Math.min(this.everyMs, 1000));
      this.timer.unref();
    }
  }

  /** Draws if it is time to. */
  tick(): void {
    if (this.mode === 'silent' || !this.sampler || this.now() - this.lastDrawn < this.everyMs) return;
    this.lastDrawn = this.now();
    const counts = this.sampler();
    const line = statusLine(this.label, counts, (this.lastDrawn - this.started) / 1000);
    if (this.mode === 'lines') {
      // A log gets a line when the work moved, not when only time did (the rate and ETA change while it stalls).
      const moved = JSON.stringify(counts);
      if (moved !== this.lastCounts) this.stream.write(`${line}\n`);
      this.lastCounts = moved;
    } else {
      this.stream.write(`\r\x1b[2K${line.slice(0, (this.stream.columns ?? 100) - 1)}`);
      this.live = true;
    }
  }

  /** A line that stays: one item's outcome. */
  line(text: string): void {
    if (this.mode === 'silent') return;
    this.clearLive();
    this.stream.write(`${text}\n`);
  }

  /** Stops drawing and clears the live line, so that the summary starts on a clean line. */
  close(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    this.sampler = undefined;
    this.clearLive();
  }

  private clearLive(): void {
    if (!this.live) return;
    this.stream.write('\r\x1b[2K');
    this.live = false;
  }
}

/** The renderer a command's flags and stderr ask for: silent with --json or --quiet, live on a terminal. */
export function progressFor(io: CommandIo, label: string, flags: { json?: boolean; quiet?: boolean }): ProgressRenderer {
  const mode: ProgressMode = flags.json || flags.quiet ? 'silent' : io.stderr.isTTY ? 'live' : 'lines';
  const everyMs = mode === 'live' ? LIVE_EVERY_MS : secondsFromEnv('KINETICS_PROGRESS_SECONDS', io.env) * 1000;
  return new ProgressRenderer(io.stderr, mode, label, everyMs);
}
