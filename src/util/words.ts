/** `clip` for 1, `clips` otherwise; `class`, `classes` (nouns ending in s, x, ch or sh take -es). */
export function pluralNoun(count: number, noun: string): string {
  return count === 1 ? noun : /(s|x|ch|sh)$/.test(noun) ? `${noun}es` : `${noun}s`;
}

/** `1,200`: every count a message gives, grouped the same way. */
export function formatCount(count: number): string {
  return count.toLocaleString('en-US');
}

/** `1 clip`, `2 clips`, `1,200 clips`; `1 class`, `3 classes`. */
export function plural(count: number, noun: string): string {
  return `${formatCount(count)} ${pluralNoun(count, noun)}`;
}

const SHOWN = 8;

/** The items, or the first of them and how many more: a line that stays readable for 700 classes. */
export function someOf(items: string[], shown = SHOWN): string {
  return items.length <= shown ? items.join(', ') : `${items.slice(0, shown).join(', ')} … and ${items.length - shown} more`;
}

/** 1,536 bytes as `1.5 KiB`. */
export function formatBytes(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${unit === 0 ? Math.round(value) : value.toFixed(1)} ${units[unit]}`;
}

/** `is` for one, `are` for any other count. */
export function isAre(count: number): string {
  return count === 1 ? 'is' : 'are';
}
