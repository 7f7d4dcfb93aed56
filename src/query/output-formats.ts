import { UsageError } from '../errors.js';

export const OUTPUT_FORMATS = ['table', 'csv', 'tsv', 'json', 'nl', 'markdown'] as const;
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];

type Row = unknown[];

function cellText(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (Buffer.isBuffer(value)) return `<${value.length} bytes>`;
  return String(value);
}

function csvField(value: unknown): string {
  const text = cellText(value);
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

function tsvField(value: unknown): string {
  return cellText(value).replace(/[\t\n\r\\]/g, (char) => ({ '\t': '\\t', '\n': '\\n', '\r': '\\r', '\\': '\\\\' })[char]!);
}

/** JSON objects cannot hold a name twice: `select c.status, f.status` gives `status` and `status_2`. */
function uniqueKeys(columns: string[]): string[] {
  const taken = new Set<string>();
  return columns.map((column) => {
    let key = column;
    for (let suffix = 2; taken.has(key); suffix++) key = `${column}_${suffix}`;
    taken.add(key);
    return key;
  });
}

function jsonObject(columns: string[], row: Row): string {
  const object: Record<string, unknown> = Object.create(null); // a column may be named __proto__
  columns.forEach((column, index) => {
    const value = row[index];
    object[column] = typeof value === 'bigint' ? value.toString() : Buffer.isBuffer(value) ? value.toString('base64') : value;
  });
  return JSON.stringify(object);
}

function alignedTable(columns: string[], rows: Row[], markdown: boolean): string {
  const texts = rows.map((row) => row.map((value) => (markdown ? cellText(value).replaceAll('|', '\\|') : cellText(value))));
  const numeric = columns.map((_, index) => rows.length > 0 && rows.every((row) => row[index] === null || typeof row[index] === 'number'));
  const widths = columns.map((column, index) => Math.max(column.length, ...texts.map((row) => row[index]!.length)));
  const pad = (text: string, index: number) => (numeric[index] ? text.padStart(widths[index]!) : text.padEnd(widths[index]!));
  const line = (cells: string[]) => (markdown ? `| ${cells.join(' | ')} |` : cells.join('  ').trimEnd());
  const rule = markdown
    ? `|${widths.map((width, index) => (numeric[index] ? `${'-'.repeat(width + 1)}:` : '-'.repeat(width + 2))).join('|')}|`
    : widths.map((width) => '-'.repeat(width)).join('  ');
  return [line(columns.map(pad)), rule, ...texts.map((row) => line(row.map(pad)))].join('\n') + '\n';
}

/** Writes query results the way sqlite-utils users expect: csv/tsv/nl/json stream, table/markdown align. */
export function writeRows(
  format: OutputFormat,
  columns: string[],
  rows: Iterable<Row>,
  write: (text: string) => void,
): number {
  let count = 0;
  const keys = uniqueKeys(columns);
  switch (format) {
    case 'csv':
    case 'tsv': {
      const field = format === 'csv' ? csvField : tsvField;
      const separator = format === 'csv' ? ',' : '\t';
      write(`${columns.map(field).join(separator)}\n`);
      for (const row of rows) {
        write(`${row.map(field).join(separator)}\n`);
        count++;
      }
      return count;
    }
    case 'nl':
      for (const row of rows) {
        write(`${jsonObject(keys, row)}\n`);
        count++;
      }
      return count;
    case 'json':
      write('[');
      for (const row of rows) {
        write(`${count === 0 ? '' : ','}\n  ${jsonObject(keys, row)}`);
        count++;
      }
      write(count === 0 ? ']\n' : '\n]\n');
      return count;
    case 'table':
    case 'markdown': {
      const all = [...rows];
      write(alignedTable(columns, all, format === 'markdown'));
      return all.length;
    }
  }
}

export function chooseFormat(flags: Partial<Record<OutputFormat, boolean>>, isTty: boolean): OutputFormat {
  const chosen = OUTPUT_FORMATS.filter((format) => flags[format]);
  if (chosen.length > 1) throw new UsageError(`choose one output format, not ${chosen.map((f) => `--${f}`).join(' and ')}`);
  return chosen[0] ?? (isTty ? 'table' : 'json');
}
