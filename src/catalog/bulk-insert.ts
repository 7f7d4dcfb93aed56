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

/**
 * Rows of `table` gathered in a TEMP table of the same columns, then moved into it by one statement. Inside a
 * transaction SQLite keeps an undo of each page a statement changes, once per statement: many-row inserts into a
 * table with its indexes live kept the index pages they touched again and again (8.2 GB written for a scan of 200k
 * files after another scan, 61 GB for the full bucket ingested after the sample); one statement keeps each once.
 */
export class StagingTable {
  /** Where the rows go: insert into it (a BulkInserter), then moveIn. */
  readonly name: string;
  private readonly create: string;
  private readonly move: Statement;
  private readonly clear: Statement;

  /** `conflictClause` ends the moving statement (e.g. an upsert's ON CONFLICT). */
  constructor(
    private readonly db: Database,
    table: string,
    columns: readonly string[],
    conflictClause = '',
  ) {
    const list = columns.join(', ');
    this.name = `temp.staged_${table}`;
    this.create = `CREATE TEMP TABLE IF NOT EXISTS staged_${table} AS SELECT ${list} FROM main.${table} WHERE false`;
    db.exec(this.create);
    // In the order staged (sorted by the table's key: no faster). `WHERE true` tells an upsert's ON from a join's.
    this.move = db.prepare(`INSERT INTO main.${table} (${list}) SELECT ${list} FROM ${this.name} WHERE true ${conflictClause}`);
    this.clear = db.prepare(`DELETE FROM ${this.name}`);
  }

  /** Stages what `fill` inserts, moves every staged row in, and leaves the table empty, also when either fails. */
  moveIn(fill: () => void = () => {}): void {
    // Again each time: a transaction rolled back since (a caller's: fetch's shard) took the TEMP table with it.
    this.db.exec(this.create);
    try {
      fill();
      this.move.run();
    } finally {
      this.clear.run();
    }
  }
}
