import { useEffect, useRef } from 'react';
import { useSettledValue } from './use-settled-value.js';

/** Longer than the interval of a repeating key (25–30 a second), short enough to read as at once. */
export const DETAILS_AFTER_MS = 50;

/**
 * The details of the class under the cursor, by key. Details read already are shown with the frame that moves the
 * cursor; others once the cursor has stood DETAILS_AFTER_MS, so that a repeating key reads none of the classes it
 * passes. Once the cursor stands, the classes beside it are read ahead: the next key down or up shows them at once.
 * What was read is kept until `generation` changes (the catalog refreshed after a job, another pane height).
 */
export function useClassDetails<T>(
  focused: string | undefined,
  beside: (string | undefined)[],
  read: (key: string) => T,
  generation: unknown,
): { key: string | undefined; details: T | undefined } {
  const cache = useRef({ generation, read: new Map<string, T>() });
  if (cache.current.generation !== generation) cache.current = { generation, read: new Map() };
  const known = cache.current.read;
  const detailsOf = (key: string) => {
    let details = known.get(key);
    if (details === undefined) known.set(key, (details = read(key)));
    return details;
  };
  const settled = useSettledValue(focused, DETAILS_AFTER_MS);
  // Until the cursor stands on a class not read yet, the pane keeps what it showed.
  const lastShown = useRef<string | undefined>(undefined);
  const standing = focused === undefined || known.has(focused) || settled === focused;
  const key = standing ? focused : lastShown.current;
  lastShown.current = key;
  const details = key === undefined ? undefined : detailsOf(key);

  const besideKey = beside.join('\n');
  useEffect(() => {
    if (key === undefined || key !== focused) return;
    const timer = setTimeout(() => beside.forEach((next) => next !== undefined && detailsOf(next)), DETAILS_AFTER_MS);
    return () => clearTimeout(timer);
  }, [key, focused, besideKey, generation]);
  return { key, details };
}
