import { closeSync, mkdtempSync, openSync, readSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UsageError } from '../errors.js';

export const OUTPUT_FORMATS = ['table', 'csv', 'tsv', 'json', 'nl', 'markdown'] as const;
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];

/** The output flags every command that prints rows takes, as parseArgs declares them (one set, as sqlite-utils has). */
export const OUTPUT_OPTIONS = {
  table: { type: 'boolean', description: 'rows as an aligned table (the default on a terminal)' },
  csv: { type: 'boolean', description: 'rows as CSV with a header' },
  tsv: { type: 'boolean', description: 'rows as TSV with a header (tabs and newlines escaped)' },
  json: { type: 'boolean', description: 'an array of objects (the default when piped)' },
  nl: { type: 'boolean', description: 'one JSON object a line' },
  markdown: { type: 'boolean', description: 'a Markdown table' },
} as const satisfies Record<OutputFormat, { type: 'boolean'; description: string }>;
export const OUTPUT_USAGE = `[${OUTPUT_FORMATS.map((format) => `--${format}`).join('|')}]`;

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

/** A table's column widths and alignment, fixed from its first rows: later rows stream and may overflow them. */
interface TableLayout {
  widths: number[];
  numeric: boolean[];
}

function tableLayout(columns: string[], texts: string[][], rows: Row[]): TableLayout {
  return {
    numeric: columns.map((_, index) => rows.length > 0 && rows.every((row) => row[index] === null || typeof row[index] === 'number')),
    widths: columns.map((column, index) => Math.max(column.length, ...texts.map((row) => row[index]!.length))),
  };
}

function tableLines(layout: TableLayout, texts: string[][], markdown: boolean): string {
  const pad = (text: string, index: number) => (layout.numeric[index] ? text.padStart(layout.widths[index]!) : text.padEnd(layout.widths[index]!));
  const line = (cells: string[]) => (markdown ? `| ${cells.map(pad).join(' | ')} |` : cells.map(pad).join('  ').trimEnd());
  return texts.map((row) => `${line(row)}\n`).join('');
}

function tableHead(columns: string[], layout: TableLayout, markdown: boolean): string {
  const { widths, numeric } = layout;
  const rule = markdown
    ? `|${widths.map((width, index) => (numeric[index] ? `${'-'.repeat(width + 1)}:` : '-'.repeat(width + 2))).join('|')}|`
    : widths.map((width) => '-'.repeat(width)).join('  ');
  return `${tableLines(layout, [columns], markdown)}${rule}\n`;
}

/** Rows a table waits for before it fixes its column widths and starts to print. */
const TABLE_LAYOUT_ROWS = 1000;
/** JSON held in memory before it goes to a temporary file (it is written out only once the query completes). */
const JSON_IN_MEMORY = 16 << 20;

/** JSON text kept until the query completes: in memory, then in a temporary file, so any result size fits. */
class HeldText {
  private parts: string[] = [];
  private length = 0;
  private spill: number | undefined;

  add(text: string): void {
    this.parts.push(text);
    this.length += text.length;
    if (this.length > JSON_IN_MEMORY) this.spillParts();
  }

  /** Writes everything held, in order, and lets it go. */
  release(write: (text: string) => void): void {
    if (this.spill !== undefined) {
      this.spillParts();
      const buffer = Buffer.alloc(1 << 20);
      let read: number;
      let position = 0;
      while ((read = readSync(this.spill, buffer, 0, buffer.length, position)) > 0) {
        write(buffer.toString('utf8', 0, read));
        position += read;
      }
    }
    write(this.parts.join(''));
    this.discard();
  }

  discard(): void {
    this.parts = [];
    this.length = 0;
    if (this.spill !== undefined) {
      closeSync(this.spill);
      this.spill = undefined;
    }
  }

  private spillParts(): void {
    if (this.spill === undefined) {
      // Removed from its folder at once: the open file lives until it is closed, or the process ends, however.
      const dir = mkdtempSync(join(tmpdir(), 'kinetics-json-'));
      this.spill = openSync(join(dir, 'rows.json'), 'w+');
      rmSync(dir, { recursive: true, force: true });
    }
    writeSync(this.spill, this.parts.join(''));
    this.parts = [];
    this.length = 0;
  }
}

/**
 * Writes rows as they come, the way sqlite-utils users expect: csv, tsv and nl line by line; a table or markdown
 * once its first rows fix the column widths; JSON only at `end()`, so an error part-way leaves no half a document.
 */
export class RowWriter {
  count = 0;
  private readonly keys: string[];
  private held: Row[] = [];
  private layout: TableLayout | undefined;
  private readonly json = new HeldText();

  constructor(
    private readonly format: OutputFormat,
    private readonly columns: string[],
    private readonly write: (text: string) => void,
  ) {
    this.keys = uniqueKeys(columns);
    if (format === 'csv' || format === 'tsv') {
      const field = format === 'csv' ? csvField : tsvField;
      write(`${columns.map(field).join(format === 'csv' ? ',' : '\t')}\n`);
    }
  }

  add(rows: Iterable<Row>): void {
    const { format } = this;
    let text = '';
    for (const row of rows) {
      this.count++;
      switch (format) {
        case 'csv':
          text += `${row.map(csvField).join(',')}\n`;
          break;
        case 'tsv':
          text += `${row.map(tsvField).join('\t')}\n`;
          break;
        case 'nl':
          text += `${jsonObject(this.keys, row)}\n`;
          break;
        case 'json':
          this.json.add(`${this.count === 1 ? '[\n  ' : ',\n  '}${jsonObject(this.keys, row)}`);
          break;
        case 'table':
        case 'markdown':
          this.held.push(row);
          if (this.held.length >= TABLE_LAYOUT_ROWS) text += this.releaseTableRows();
          break;
      }
      if (text.length > 1 << 16) {
        this.write(text);
        text = '';
      }
    }
    if (text !== '') this.write(text);
  }

  /** Lets go of what is held back without writing it (the query failed). */
  discard(): void {
    this.json.discard();
    this.held = [];
  }

  /** Writes what is held back; returns how many rows were written in all. */
  end(): number {
    if (this.format === 'json') {
      if (this.count === 0) this.write('[]\n');
      else {
        this.json.release(this.write);
        this.write('\n]\n');
      }
    } else if (this.format === 'table' || this.format === 'markdown') {
      this.write(this.releaseTableRows());
    }
    return this.count;
  }

  private releaseTableRows(): string {
    const markdown = this.format === 'markdown';
    const texts = this.held.map((row) => row.map((value) => (markdown ? cellText(value).replaceAll('|', '\\|') : cellText(value))));
    let head = '';
    if (!this.layout) {
      this.layout = tableLayout(this.columns, texts, this.held);
      head = tableHead(this.columns, this.layout, markdown);
    }
    this.held = [];
    return head + tableLines(this.layout, texts, markdown);
  }
}

/** Writes every row in one of the output formats (see RowWriter); returns how many. */
export function writeRows(format: OutputFormat, columns: string[], rows: Iterable<Row>, write: (text: string) => void): number {
  const writer = new RowWriter(format, columns, write);
  writer.add(rows);
  return writer.end();
}

export function chooseFormat(flags: Partial<Record<OutputFormat, boolean>>, isTty: boolean): OutputFormat {
  const chosen = OUTPUT_FORMATS.filter((format) => flags[format]);
  if (chosen.length > 1) throw new UsageError(`choose one output format, not ${chosen.map((f) => `--${f}`).join(' and ')}`);
  return chosen[0] ?? (isTty ? 'table' : 'json');
}
