import { useEffect, useRef, useState } from 'react';
import { useSettledValue } from './use-settled-value.js';

/** Longer than the interval of a repeating key (25–30 a second), short enough to read as at once. */
export const DETAILS_AFTER_MS = 50;

/**
 * The details of the class under the cursor, by key. Details read already are shown with the frame that moves the
 * cursor; others once the cursor has stood DETAILS_AFTER_MS, so that a repeating key reads none of the classes it
 * passes. Once the cursor stands, the classes beside it are read ahead (the next key down or up shows them at
 * once), and the class under it is read again if what is shown was read before the cursor came: another process
 * may have changed the catalog since. What was read is dropped when `generation` changes (the catalog refreshed
 * after a job, another pane height).
 */
export function useClassDetails<T>(
  focused: string | undefined,
  beside: (string | undefined)[],
  read: (key: string) => T,
  generation: unknown,
): { key: string | undefined; details: T | undefined } {
  const cache = useRef({ generation, read: new Map<string, { details: T; at: number }>() });
  if (cache.current.generation !== generation) cache.current = { generation, read: new Map() };
  const known = cache.current.read;
  const readNow = (key: string) => {
    const entry = { details: read(key), at: performance.now() };
    known.set(key, entry);
    return entry;
  };
  const settled = useSettledValue(focused, DETAILS_AFTER_MS);
  const arrived = useRef({ at: performance.now(), on: focused });
  if (arrived.current.on !== focused) arrived.current = { at: performance.now(), on: focused };
  // Until the cursor stands on a class not read yet, the pane keeps what it showed.
  const lastShown = useRef<string | undefined>(undefined);
  const standing = focused === undefined || known.has(focused) || settled === focused;
  const key = standing ? focused : lastShown.current;
  lastShown.current = key;
  const details = key === undefined ? undefined : (known.get(key) ?? readNow(key)).details;

  const [, setReadAgain] = useState(0);
  const besideKey = beside.join('\n');
  useEffect(() => {
    if (key === undefined || key !== focused) return;
    const since = arrived.current.at;
    const timer = setTimeout(() => {
      let shownAgain = false;
      for (const next of [key, ...beside]) {
        // Read since the cursor came here: as fresh as it needs to be.
        if (next === undefined || (known.get(next)?.at ?? -1) >= since) continue;
        try {
          readNow(next);
          shownAgain ||= next === key;
        } catch {
          // Reading ahead is a guess: a catalog busy or changing now is read when the class is shown.
        }
      }
      if (shownAgain) setReadAgain((count) => count + 1);
    }, DETAILS_AFTER_MS);
    return () => clearTimeout(timer);
  }, [key, focused, besideKey, generation]);
  return { key, details };
}
