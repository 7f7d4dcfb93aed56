import type { Database, Statement } from 'better-sqlite3';

/**
 * Inserts rows many at a time with one prepared multi-row statement: far fewer calls into SQLite. Columns whose
 * value is the same in every row (`constants`) are bound once per statement, as named parameters.
 */
export class BulkInserter {
  private pending: unknown[] = [];
  private readonly width: number;
  private readonly batch: Statement;
  private readonly single: Statement;
  private readonly bound: unknown[];
  private readonly rowsPerStatement: number;
  inserted = 0;

  constructor(
    db: Database,
    table: string,
    columns: readonly string[],
    {
      rowsPerStatement = 256,
      constants = {},
    }: {
      rowsPerStatement?: number;
      constants?: Record<string, unknown>;
    } = {},
  ) {
    this.rowsPerStatement = rowsPerStatement;
    this.width = columns.length;
    const fixed = Object.keys(constants);
    this.bound = fixed.length > 0 ? [constants] : [];
    const row = `(${[...fixed.map((column) => `@${column}`), ...columns.map(() => '?')].join(',')})`;
    const head = `INSERT INTO ${table} (${[...fixed, ...columns].join(',')}) VALUES `;
    this.batch = db.prepare(`${head}${Array.from({ length: rowsPerStatement }, () => row).join(',')}`);
    this.single = db.prepare(`${head}${row}`);
  }

  add(...values: unknown[]): void {
    for (const value of values) this.pending.push(value);
    if (this.pending.length === this.width * this.rowsPerStatement) {
      this.batch.run(...this.bound, this.pending);
      this.pending = [];
    }
    this.inserted++;
  }

  flush(): number {
    for (let offset = 0; offset < this.pending.length; offset += this.width) {
      this.single.run(...this.bound, this.pending.slice(offset, offset + this.width));
    }
    this.pending = [];
    return this.inserted;
  }
}
