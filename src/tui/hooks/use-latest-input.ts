import { type Key, useInput } from 'ink';
import { useRef } from 'react';

/**
 * useInput, always with the handler of the latest render. Ink subscribes a render's handler in an effect that runs
 * after the frame is drawn: a key that came in between was handled by the render before, against what was no longer
 * on screen (space selected a class of the split the cursor had just left).
 */
export function useLatestInput(handler: (input: string, key: Key) => void): void {
  const latest = useRef(handler);
  latest.current = handler;
  useInput((input, key) => latest.current(input, key));
}
