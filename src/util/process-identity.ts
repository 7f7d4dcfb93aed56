import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { isProcessRunning } from './process-running.js';

/** When a process of this host started (clock ticks since boot, from /proc), where the system tells. */
function startOf(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
  } catch {
    return undefined;
  }
}

/**
 * This process as a lock or a load records it, `pid@host#start`: the host, since a catalog or home on a shared file
 * system is seen from many; when it started, so that a later process given the same id (after a reboot, in a
 * container where node is always pid 1) is not taken for it.
 */
export const THIS_PROCESS = ((start) => `${process.pid}@${hostname()}${start === undefined ? '' : `#${start}`}`)(startOf(process.pid));

/** The process id a record names (`pid`, `pid@host` or `pid@host#start`), or NaN for one that names nothing. */
export function pidOf(identity: string): number {
  const match = /^(\d+)(?:@[^#]+)?(?:#\d+)?$/.exec(identity);
  return match ? Number(match[1]) : Number.NaN;
}

/** The host a record names; none for a bare pid (older builds), which names a process of this host. */
export const hostOf = (identity: string): string | undefined => /^\d+@([^#]+)/.exec(identity)?.[1];

export function onThisHost(identity: string): boolean {
  const host = hostOf(identity);
  return host === undefined || host === hostname();
}

/**
 * Whether the process a record names may still run: one of this host is asked (and its start compared, when both
 * are known); one of another host cannot be, so it counts as running; a record that names nothing does not.
 */
export function mayStillRun(identity: string): boolean {
  const match = /^(\d+)(?:@([^#]+))?(?:#(\d+))?$/.exec(identity);
  const pid = Number(match?.[1]);
  if (!match || pid <= 0) return false;
  if (!onThisHost(identity)) return true;
  if (!isProcessRunning(pid)) return false;
  const recordedStart = match[3];
  const start = recordedStart === undefined ? undefined : startOf(pid);
  return start === undefined || start === recordedStart;
}
