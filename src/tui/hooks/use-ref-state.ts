import { useRef, useState } from 'react';

/**
 * State whose latest value is readable at once: keys can arrive faster than React renders (tmux, pastes), and
 * each must see what the previous one did.
 */
export function useRefState<T>(initial: T | (() => T)): [{ readonly current: T }, (next: T) => void] {
  const [first] = useState(initial);
  const ref = useRef(first);
  const [, setRendered] = useState(first);
  const set = (next: T) => {
    ref.current = next;
    setRendered(next);
  };
  return [ref, set];
}
