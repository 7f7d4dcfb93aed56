import { linkSync, lstatSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { KineticsError } from '../errors.js';
import { THIS_PROCESS, mayStillRun, pidOf } from '../util/process-identity.js';
import { isProcessRunning } from '../util/process-running.js';

/** Locks this process holds: a lock naming this process's id but not among these was left by an earlier one. */
const held = new Set<string>();

const STOPPING_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

/**
 * Ctrl-C (or SIGTERM, SIGHUP) ends the process without running its `finally` blocks: the locks it holds are removed
 * first, then the signal takes its usual course. A lock left behind names a process that is gone; on a home shared
 * by several hosts, the others cannot tell, and would refuse to fetch until it was removed by hand. Where something
 * else listens for the signal too (the TUI), it decides whether the process ends, and the lock stays with it.
 */
function releaseOnSignal(signal: NodeJS.Signals): void {
  if (process.listenerCount(signal) > 1) return;
  for (const lock of [...held]) release(lock);
  process.stderr.write('kinetics: interrupted: the shards done stand, and the same command resumes the rest\n');
  process.kill(process.pid, signal);
}

/**
 * One process at a time streams shards into a home: two would append to the same part files and download the
 * same shards twice (the workers of a split fetch stream disjoint shares, each under a lock `name` of its own). The
 * lock names its process; one left by a process that is gone (kill -9) is taken over, by
 * one process only. Returns the release.
 */
export function lockHome(home: string, name = 'fetch.lock', conflictsWith: (other: string) => boolean = (other) => other !== name): () => void {
  mkdirSync(home, { recursive: true });
  const lock = join(home, name);
  const mine = `${lock}.${process.pid}`;
  writeFileSync(mine, `${THIS_PROCESS}\n`);
  try {
    for (;;) {
      try {
        linkSync(mine, lock); // atomic: the lock appears with its content, or not at all
        held.add(lock);
        if (held.size === 1) for (const signal of STOPPING_SIGNALS) process.on(signal, releaseOnSignal);
        refuseConflicts(home, lock, conflictsWith);
        removeStrayCopies(home, name);
        return () => release(lock);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      }
      const holder = readHolder(lock);
      if (holder === undefined) continue; // released meanwhile
      if (held.has(lock) || (holder !== THIS_PROCESS && isAlive(holder))) {
        throw new KineticsError(
          `another fetch (process ${holder}) is streaming shards into ${home}; wait for it to end, or stop it (remove ${lock} if no such process runs)`,
          75,
        );
      }
      takeOver(lock, holder, mine);
    }
  } finally {
    rmSync(mine, { force: true });
  }
}

/**
 * The copy a taker writes before linking it as the lock (`<lock>.<pid>`) is removed when it returns; a kill -9 in
 * between leaves it. The holder of the lock removes those of processes no longer running.
 */
function removeStrayCopies(home: string, name: string): void {
  for (const entry of readdirSync(home)) {
    const pid = entry.startsWith(`${name}.`) ? entry.slice(name.length + 1) : '';
    if (/^\d+$/.test(pid) && Number(pid) !== process.pid && !isProcessRunning(Number(pid))) rmSync(join(home, entry), { force: true });
  }
}

/** A lock file of the home, and which others' holders keep it from being taken. */
export interface HomeLock {
  name: string;
  conflictsWith: (other: string) => boolean;
  /** Taken already by the caller, who releases it (a worker holds its lock while it renews its catalog). */
  heldByCaller?: boolean;
}

/** A fetch's lock and each worker's (`fetch.worker-I-of-N.lock`). */
const FETCH_LOCK_NAMES = /^fetch(?:\.worker-\d+-of-\d+)?\.lock$/;

/** The lock of a fetch that is no worker's: it runs beside no other fetch of the home. */
export const PLAIN_FETCH_LOCK: HomeLock = { name: 'fetch.lock', conflictsWith: (other) => other !== 'fetch.lock' };

/** Gives `lock` up again when another live fetch holds a lock it conflicts with (a plain fetch and workers, or workers of another N). */
function refuseConflicts(home: string, lock: string, conflictsWith: (other: string) => boolean): void {
  for (const other of readdirSync(home).filter((entry) => FETCH_LOCK_NAMES.test(entry) && conflictsWith(entry))) {
    const holder = readHolder(join(home, other));
    if (holder !== undefined && holder !== THIS_PROCESS && isAlive(holder)) {
      release(lock);
      throw new KineticsError(
        `another fetch (process ${holder}, ${other}) is streaming shards into ${home}; wait for it to end, or stop it (remove ${join(home, other)} if no such process runs)`,
        75,
      );
    }
  }
}


/** What a lock names (`pid@host`, or a bare pid from older builds); '' for a lock that names nothing readable. */
function readHolder(lock: string): string | undefined {
  try {
    // A FIFO, a link, a folder: never read (it could block or point anywhere), and stale.
    if (!lstatSync(lock).isFile()) return '';
    return readFileSync(lock, 'utf8').trim();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

/**
 * Whether a lock's holder may still be running: a process of this host is asked; one of another host cannot be, so
 * it counts as running (its lock is removed by hand, as the message says); garbage names nothing and is stale.
 */
function isAlive(holder: string): boolean {
  // This process's own id, not among the locks it holds: left by an earlier process that had the id.
  return pidOf(holder) !== process.pid && mayStillRun(holder);
}

/** Removes a stale lock, if it still names the same dead process, under a second lock so two takers cannot race. */
function takeOver(lock: string, stale: string, mine: string): void {
  const taking = `${lock}.takeover`;
  try {
    linkSync(mine, taking);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    // Another process is taking over; a takeover left by a killed one goes after a few seconds.
    const started = statSync(taking, { throwIfNoEntry: false })?.mtimeMs;
    if (started !== undefined && Date.now() - started > 5_000) rmSync(taking, { force: true });
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 20);
    return;
  }
  try {
    if (readHolder(lock) === stale) rmSync(lock, { force: true, recursive: true });
  } finally {
    rmSync(taking, { force: true });
  }
}

function release(lock: string): void {
  held.delete(lock);
  // With no listener left, a signal has its default effect again (the re-raised one too: it ends the process).
  if (held.size === 0) for (const signal of STOPPING_SIGNALS) process.removeListener(signal, releaseOnSignal);
  if (readHolder(lock) === THIS_PROCESS) rmSync(lock, { force: true });
}
