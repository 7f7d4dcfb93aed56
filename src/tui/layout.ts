/** Text cut to `width` with an ellipsis when it does not fit, padded to it when it does. */
export function fit(text: string, width: number): string {
  if (width <= 0) return '';
  return text.length <= width ? text.padEnd(width) : `${text.slice(0, width - 1)}…`;
}

/** A name and a number on one line of `width`: the number whole at the right, the name cut before it. */
export function nameAndNumber(name: string, number: string, width: number): string {
  return `${fit(name, Math.max(0, width - number.length - 1))} ${number}`;
}

/** The first of the texts (longest first) that fits the width, else the last cut to it. */
export function firstThatFits(texts: string[], width: number): string {
  return (texts.find((text) => text.length <= width) ?? fit(texts.at(-1)!, width)).trimEnd();
}

const isNumber = (value: unknown) => typeof value === 'number' || typeof value === 'bigint';

/**
 * Widths for a table's columns within `width`: a column of numbers is never cut; the text columns share what is
 * left, the narrow ones whole and the widest cut (with an ellipsis) to what remains, evenly.
 */
export function columnWidths(columns: string[], rows: unknown[][], width: number): number[] {
  const natural = columns.map((column, index) => Math.max(column.length, ...rows.map((row) => cellText(row[index]).length)));
  const numeric = columns.map((_, index) => rows.length > 0 && rows.every((row) => row[index] === null || row[index] === undefined || isNumber(row[index])));
  const room = width - 2 * (columns.length - 1);
  if (natural.reduce((sum, size) => sum + size, 0) <= room) return natural;
  const widths = [...natural];
  let left = room - natural.reduce((sum, size, index) => sum + (numeric[index] ? size : 0), 0);
  const text = natural.map((size, index) => ({ size, index })).filter(({ index }) => !numeric[index]).sort((a, b) => a.size - b.size);
  text.forEach(({ size, index }, position) => {
    const fair = Math.floor(left / (text.length - position));
    widths[index] = Math.max(Math.min(size, 4), Math.min(size, fair));
    left -= widths[index]!;
  });
  return widths;
}

export function cellText(value: unknown): string {
  return value === null || value === undefined ? '' : String(value);
}

/** One table line: each cell fitted to its column, numbers at the right. */
export function tableLine(cells: unknown[], widths: number[]): string {
  return cells.map((value, index) => (isNumber(value) ? cellText(value).padStart(widths[index]!) : fit(cellText(value), widths[index]!))).join('  ');
}

/**
 * The three panes across the terminal: splits wide enough for `k600 holdout_test 12840`, classes and details
 * sharing the rest (details get more on wide terminals, where the paths fit).
 */
export function paneWidths(columns: number): { leftWidth: number; middleWidth: number; rightWidth: number } {
  const leftWidth = Math.min(26, Math.max(20, Math.floor(columns * 0.3)));
  const rest = columns - leftWidth;
  // Narrow: details keep room for a clip's id and status (22), classes take the rest.
  const middleWidth = columns < 100 ? Math.max(30, rest - 22) : Math.floor(rest * (columns < 120 ? 0.55 : 0.45));
  return { leftWidth, middleWidth, rightWidth: Math.max(10, rest - middleWidth) };
}
