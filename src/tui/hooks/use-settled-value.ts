import { useEffect, useState } from 'react';

/**
 * The value once it has stood for a turn of the event loop (the first one at once). What is derived from it (a
 * pane read from the catalog) is drawn in a frame after the key that changed it, and not at all for values that a
 * next key already replaced: the cursor moves at once while keys repeat, and the pane follows when they stop.
 */
export function useSettledValue<T>(value: T): T {
  const [settled, setSettled] = useState(value);
  useEffect(() => {
    if (Object.is(value, settled)) return;
    const timer = setTimeout(() => setSettled(value), 0);
    return () => clearTimeout(timer);
  }, [value, settled]);
  return settled;
}
