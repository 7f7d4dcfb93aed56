import { UsageError } from '../errors.js';

/** A whole-number option as given (`--limit 20`): null when left out; anything but digits, or under `min`, is a usage error. */
export function wholeNumberOption(option: string, text: string | undefined, min = 0): number | null {
  if (text === undefined) return null;
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(Number(text)) || Number(text) < min) {
    throw new UsageError(`${option} takes a whole number${min > 0 ? ` ≥ ${min}` : ''}, not "${text}"`);
  }
  return Number(text);
}

/** `--jobs N`: how many shards at once, at least 1; `fallback` when left out. */
export function jobsOption(text: string | undefined, fallback = 4): number {
  return wholeNumberOption('--jobs', text, 1) ?? fallback;
}
