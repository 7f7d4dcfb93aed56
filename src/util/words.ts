/** `1 clip`, `2 clips`; `1 class`, `3 classes` (nouns ending in s, x, ch or sh take -es). */
export function plural(count: number, noun: string): string {
  return `${count} ${count === 1 ? noun : /(s|x|ch|sh)$/.test(noun) ? `${noun}es` : `${noun}s`}`;
}

const SHOWN = 8;

/** The items, or the first of them and how many more: a line that stays readable for 700 classes. */
export function someOf(items: string[], shown = SHOWN): string {
  return items.length <= shown ? items.join(', ') : `${items.slice(0, shown).join(', ')} … and ${items.length - shown} more`;
}
