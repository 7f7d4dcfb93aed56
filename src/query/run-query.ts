import { Catalog } from '../catalog/catalog.js';
import { type OutputFormat, RowWriter } from './output-formats.js';
import { type QueryParams, explainReadOnlyQuery, runReadOnlyQuery } from '../catalog/read-only-query.js';

export interface QueryRequest {
  db: string;
  sql: string;
  params: QueryParams;
  format: OutputFormat;
  /** Print SQLite's query plan instead of the rows. */
  explain: boolean;
}

/** `EXPLAIN QUERY PLAN` rows as the sqlite3 shell draws them: one line a step, indented under its parent. */
export function planTree(rows: { id: number; parent: number; detail: string }[]): string {
  const depth = new Map<number, number>([[0, -1]]);
  const lines = ['QUERY PLAN'];
  for (const row of rows) {
    const level = (depth.get(row.parent) ?? -1) + 1;
    depth.set(row.id, level);
    lines.push(`${'   '.repeat(level)}└─ ${row.detail}`);
  }
  return `${lines.join('\n')}\n`;
}

/** Runs a read-only query on the catalog and writes its rows (or its plan) as they come; returns the exit code. */
export function runQuery(request: QueryRequest, write: (text: string) => void): number {
  const catalog = Catalog.open(request.db, { readonly: true });
  try {
    if (request.explain) {
      write(planTree(explainReadOnlyQuery(catalog, request.sql, request.params)));
      return 0;
    }
    const result = runReadOnlyQuery(catalog, request.sql, request.params);
    const writer = new RowWriter(request.format, result.columns, write);
    // The first row goes out at once, later ones in batches (by count, or when 50 ms have passed as a row comes):
    // a write per row would cost more than the query on large results. Rows read before an error are still written,
    // except JSON, which is written only whole.
    const batch: unknown[][] = [];
    let flushedAt = performance.now();
    try {
      for (const row of result.rows) {
        batch.push(row);
        if (batch.length === 256 || writer.count === 0 || performance.now() - flushedAt > 50) {
          writer.add(batch.splice(0));
          flushedAt = performance.now();
        }
      }
    } catch (error) {
      writer.add(batch);
      if (request.format === 'json') writer.discard();
      else writer.end();
      throw error;
    }
    writer.add(batch);
    writer.end();
    return 0;
  } finally {
    void catalog.close();
  }
}
