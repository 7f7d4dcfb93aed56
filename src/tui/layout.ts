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
 * Widths for a table's columns within `width`: all of each when they fit; else the narrow columns stay whole and the
 * widest are cut (with an ellipsis) to what remains, each down to its least: a number column never below its
 * numbers (its header may be cut), a text column not below ten characters (fewer columns, ←→ to the others, rather
 * than all of them cut to nothing).
 */
export function columnWidths(columns: string[], rows: unknown[][], width: number): number[] {
  const numeric = columns.map((_, index) => rows.length > 0 && rows.every((row) => row[index] === null || row[index] === undefined || isNumber(row[index])));
  const cells = columns.map((_, index) => Math.max(0, ...rows.map((row) => cellText(row[index]).length)));
  const natural = columns.map((column, index) => Math.max(column.length, cells[index]!));
  const least = columns.map((column, index) => (numeric[index] ? Math.max(cells[index]!, Math.min(column.length, 8)) : Math.min(natural[index]!, 10)));
  const room = width - 2 * (columns.length - 1);
  if (natural.reduce((sum, size) => sum + size, 0) <= room) return natural;
  // Each column at its least, then what is left goes to the narrowest first, each up to all of it.
  const widths = [...least];
  let left = room - least.reduce((sum, size) => sum + size, 0);
  for (const index of natural.map((_, index) => index).sort((a, b) => natural[a]! - natural[b]!)) {
    const more = Math.max(0, Math.min(natural[index]! - widths[index]!, left));
    widths[index]! += more;
    left -= more;
  }
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

/**
 * The columns a table shows, from `first` on, within `width`, and their widths: optional columns are left out first
 * when not all fit, then the rightmost ones (←/→ reach them); at least one column is shown.
 */
export function visibleColumns(columns: string[], rows: unknown[][], width: number, first = 0, optional: readonly string[] = []): { indices: number[]; widths: number[] } {
  let indices = columns.map((_, index) => index).slice(Math.max(0, Math.min(first, columns.length - 1)));
  for (;;) {
    const shownColumns = indices.map((index) => columns[index]!);
    const widths = columnWidths(shownColumns, rows.map((row) => indices.map((index) => row[index])), width);
    const whole = widths.every(
      (size, position) => optional.includes(shownColumns[position]!) || size >= Math.max(shownColumns[position]!.length, ...rows.map((row) => cellText(row[indices[position]!]).length)),
    );
    const fits = widths.reduce((sum, size) => sum + size, 0) + 2 * (indices.length - 1) <= width;
    // An optional column goes before another one is cut; then the rightmost go when even cut they do not fit.
    const droppable = [...indices].reverse().find((index) => optional.includes(columns[index]!));
    if ((fits && (whole || droppable === undefined)) || indices.length === 1) return { indices, widths };
    indices = indices.filter((index) => index !== (droppable ?? indices.at(-1)));
  }
}

/** Items joined with ` · ` into lines of `width`, an item never split across two lines (nor cut, if it fits one). */
export function joinIntoLines(items: string[], width: number): string[] {
  const lines: string[] = [];
  for (const item of items) {
    const last = lines.at(-1);
    if (last !== undefined && last.length + 3 + item.length <= width) lines[lines.length - 1] = `${last} · ${item}`;
    else lines.push(item);
  }
  return lines;
}

/** The end of a line being typed, when it is longer than the width: what the cursor is at stays in sight. */
export function tail(text: string, width: number): string {
  return text.length <= width ? text : `…${text.slice(text.length - width + 1)}`;
}
