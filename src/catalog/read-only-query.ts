import { type Database, SqliteError, type Statement } from 'better-sqlite3';
import { KineticsError, ReadOnlyError, UsageError } from '../errors.js';
import type { Catalog } from './catalog.js';
import { fromDatabaseError } from './catalog-errors.js';

export type QueryParams = Record<string, string | null>;

export interface QueryResult {
  columns: string[];
  rows: IterableIterator<unknown[]>;
}

const WRITING_WORDS = new Set(['INSERT', 'UPDATE', 'DELETE', 'REPLACE', 'CREATE', 'DROP', 'ALTER', 'VACUUM', 'REINDEX', 'ANALYZE']);

/**
 * Prepares a statement on a read-only connection and refuses anything that is not a plain reading statement:
 * DML and DDL, writing PRAGMAs, ATTACH/DETACH (which would create or open other files), transaction control.
 */
export function runReadOnlyQuery({ sqlite: db, file }: Catalog, sql: string, params: QueryParams = {}): QueryResult {
  const statement = prepareReadOnly(db, sql, params);
  try {
    const columns = statement.columns().map((column) => column.name);
    return { columns, rows: sqlErrorsInWords(statement.raw(true).iterate(params) as IterableIterator<unknown[]>, file) };
  } catch (error) {
    const missing = /Missing named parameter "(\w+)"/.exec((error as Error).message);
    if (missing) throw new UsageError(`the query needs a value for :${missing[1]}; pass -p ${missing[1]} VALUE`);
    throw new UsageError(`SQL error: ${(error as Error).message}`);
  }
}

/**
 * An error SQLite meets while rows stream is the query's (a malformed JSON argument: exit 1), unless it is a
 * condition of the catalog or the disk (busy, full, an I/O error), said as every command says it.
 */
function* sqlErrorsInWords(rows: IterableIterator<unknown[]>, file: string): IterableIterator<unknown[]> {
  try {
    yield* rows;
  } catch (error) {
    if (!(error instanceof SqliteError)) throw error;
    throw fromDatabaseError(error, file) ?? new KineticsError(`SQL error: ${error.message}`, 1);
  }
}

/** SQLite's plan for a statement runReadOnlyQuery would run, as `EXPLAIN QUERY PLAN` rows. */
export function explainReadOnlyQuery({ sqlite: db }: Catalog, sql: string, params: QueryParams = {}): { id: number; parent: number; detail: string }[] {
  prepareReadOnly(db, sql, params);
  try {
    return db.prepare(`EXPLAIN QUERY PLAN ${sql.trim().replace(/;+$/, '')}`).all(params) as { id: number; parent: number; detail: string }[];
  } catch (error) {
    throw new UsageError(`SQL error: ${(error as Error).message}`);
  }
}

/**
 * PRAGMAs that only report a setting when given no value. SQLite calls every such statement a writer (a value
 * would change the setting); others with no value still write (`optimize`, `wal_checkpoint`, `incremental_vacuum`).
 */
const SETTING_PRAGMAS = new Set([
  'application_id', 'auto_vacuum', 'busy_timeout', 'cache_size', 'encoding', 'foreign_keys', 'freelist_count',
  'journal_mode', 'journal_size_limit', 'locking_mode', 'mmap_size', 'page_count', 'page_size', 'query_only',
  'schema_version', 'synchronous', 'temp_store', 'user_version', 'wal_autocheckpoint',
]);

function isSettingQuery(sql: string): boolean {
  const name = /^[\s;]*(?:(?:--[^\n]*\n|\/\*[\s\S]*?\*\/)[\s;]*)*pragma\s+(?:\w+\.)?(\w+)\s*;?\s*$/i.exec(sql)?.[1]?.toLowerCase();
  return name !== undefined && SETTING_PRAGMAS.has(name);
}

/** Prepares a statement only if it is a plain reading statement (see runReadOnlyQuery). */
export function prepareReadOnly(db: Database, sql: string, params: QueryParams = {}): Statement {
  const leadingWord = /^[\s;]*(?:(?:--[^\n]*\n|\/\*[\s\S]*?\*\/)[\s;]*)*(\w+)/.exec(sql)?.[1]?.toUpperCase();
  if (leadingWord === 'ATTACH' || leadingWord === 'DETACH') {
    throw new ReadOnlyError(`${leadingWord} would open or create another database file`);
  }
  if (leadingWord !== undefined && WRITING_WORDS.has(leadingWord)) {
    throw new ReadOnlyError(`${leadingWord} would change the catalog`);
  }
  let statement;
  try {
    statement = db.prepare(sql);
  } catch (error) {
    if (/readonly|read-only/i.test((error as Error).message)) throw new ReadOnlyError('the statement would write');
    throw new UsageError(`SQL error: ${(error as Error).message}`);
  }
  if (!statement.readonly && !isSettingQuery(sql)) throw new ReadOnlyError(`this ${leadingWord ?? ''} statement would write`.replace('  ', ' '));
  if (!statement.reader) throw new ReadOnlyError(`${leadingWord ?? 'the'} statement returns no rows`);
  const used = new Set([...sql.matchAll(/[:@$]([A-Za-z_][A-Za-z0-9_]*)/g)].map((match) => match[1]!));
  const unused = Object.keys(params).filter((name) => !used.has(name));
  if (unused.length > 0) throw new UsageError(`parameter ${unused.join(', ')} is not used by the query`);
  return statement;
}
