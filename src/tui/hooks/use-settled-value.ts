import { useEffect, useState } from 'react';

/**
 * The value once it has stood for `ms` (the first one at once). What is derived from it (a pane read from the
 * catalog) is drawn after the frame of the key that changed it, and not at all for values that a next key replaced
 * within `ms`: while a key repeats, the cursor moves at once and the pane follows when the keys stop.
 */
export function useSettledValue<T>(value: T, ms: number): T {
  const [settled, setSettled] = useState(value);
  useEffect(() => {
    if (Object.is(value, settled)) return;
    const timer = setTimeout(() => setSettled(value), ms);
    return () => clearTimeout(timer);
  }, [value, settled, ms]);
  return settled;
}
