import { formatCount } from '../../util/words.js';

/** Long work under way: what it is, since when, how far (when it can tell), and whether esc was pressed. */
export interface Busy {
  label: string;
  /** What the job does, for what a cancel leaves behind. */
  kind: 'subset' | 'plan' | 'export' | 'query';
  started: number;
  done?: number;
  total?: number;
  cancelling: boolean;
}

const SPINNER = '⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏';

/** The status line while work runs: a spinner, what it is doing, how far, for how long, and how to stop it. */
export function busyLine(busy: Busy, now: number): string {
  const seconds = (now - busy.started) / 1000;
  const frame = SPINNER[Math.floor(seconds * 10) % SPINNER.length];
  const far = busy.total === undefined ? '' : ` ${formatCount(busy.done ?? 0)} of ${formatCount(busy.total)}`;
  return busy.cancelling ? `${frame} cancelling ${busy.label}…` : `${frame} ${busy.label}${far} · ${seconds.toFixed(1)} s · esc cancels`;
}

/** What a cancelled job leaves: an export's folder may hold the files laid out so far; the others change nothing. */
export function cancelledLine(busy: Busy): string {
  return `cancelled ${busy.label}: ${busy.kind === 'export' ? 'its folder may hold part of it; export into it again to finish it' : 'nothing of it was kept'}`;
}
