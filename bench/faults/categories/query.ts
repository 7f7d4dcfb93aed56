/**
 * `kinetics query` on a copy of the template catalog: statements that would write (DML, DDL, ATTACH, writing
 * PRAGMAs, transaction control, VACUUM INTO), parameters named like Object's own properties, runtime errors
 * part-way, a runaway query stopped by --timeout and by Ctrl-C.
 *
 * README: queries run on a connection opened read-only; a statement that would write is refused with exit 77; an
 * error part-way is exit 1 (`SQL error: …`) and leaves no half a JSON document; --timeout is 124, Ctrl-C 130, one
 * line each; a query never creates files. So the catalog file is byte for byte what it was, and home holds the same
 * entries.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { useTemplate } from '../fixtures.js';
import { type CliRun, type Try, type TryContext, expectExit, expectIntegrity, expectOneErrorLine, listTree, sha256File } from '../lib.js';

interface QueryCase {
  name: string;
  /** The SQL (or `-` with `input` on stdin); `args` adds options such as `-p name value` or `--csv`. */
  sql: string;
  args?: string[];
  input?: string;
  codes: number[];
  /** What stdout may hold when the query fails: nothing (json), or only whole lines (csv, nl). */
  output?: 'none' | 'whole lines' | 'any';
  /** A signal sent after 1.5 s (Ctrl-C). */
  signal?: NodeJS.Signals;
}

const REFUSED = [77];
const writes = (name: string, sql: string, codes = REFUSED): QueryCase => ({ name, sql, codes, output: 'none' });

const RUNAWAY = 'WITH RECURSIVE r(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM r) SELECT count(*) FROM r';
const FAILS_PART_WAY = "SELECT clip_key, CASE WHEN rowid > 1500 THEN json('{not json') END AS broken FROM clip_annotations ORDER BY rowid";

function queryCases(): QueryCase[] {
  return [
    // DML
    writes('INSERT', "INSERT INTO subsets (name, definition, created_at) VALUES ('x', '{}', 'now')"),
    writes('INSERT … RETURNING', "INSERT INTO subsets (name, definition, created_at) VALUES ('x', '{}', 'now') RETURNING name"),
    writes('UPDATE', "UPDATE clip_annotations SET label = 'x'"),
    writes('DELETE', 'DELETE FROM clip_annotations'),
    writes('REPLACE', "REPLACE INTO catalog_settings VALUES ('source', 'elsewhere')"),
    writes('lower-case delete with leading blanks', '  \n\t delete from subset_members'),
    writes('WITH … INSERT', "WITH x AS (SELECT 1) INSERT INTO subsets (name, definition, created_at) SELECT 'w', '{}', 'now' FROM x"),
    writes('WITH … DELETE', 'WITH x AS (SELECT 1) DELETE FROM subset_members'),
    writes('a block comment before DELETE', '/* harmless */ DELETE FROM subset_members'),
    writes('semicolons before DELETE', ';;DELETE FROM subset_members'),
    { name: 'a line comment before DELETE (stdin)', sql: '-', input: '-- just a comment\nDELETE FROM subset_members', codes: REFUSED, output: 'none' },
    { name: 'SELECT; DELETE (two statements)', sql: 'SELECT 1; DELETE FROM subset_members', codes: [64, 77], output: 'none' },
    // DDL
    writes('CREATE TABLE', 'CREATE TABLE t (x)'),
    writes('CREATE TEMP TABLE', 'CREATE TEMP TABLE t AS SELECT 1'),
    writes('CREATE INDEX', 'CREATE INDEX i ON clip_annotations (label)'),
    writes('CREATE VIEW', 'CREATE VIEW v AS SELECT 1'),
    writes('CREATE TRIGGER', 'CREATE TRIGGER tr AFTER INSERT ON subsets BEGIN SELECT 1; END'),
    writes('DROP TABLE', 'DROP TABLE subset_members'),
    writes('DROP VIEW', 'DROP VIEW clips'),
    writes('ALTER TABLE', 'ALTER TABLE subsets ADD COLUMN x'),
    writes('VACUUM', 'VACUUM'),
    writes('VACUUM INTO a file', "VACUUM INTO 'copy.db'"),
    writes('REINDEX', 'REINDEX'),
    writes('ANALYZE', 'ANALYZE'),
    // Other files and transactions
    writes('ATTACH a new file', "ATTACH DATABASE 'other.db' AS other"),
    writes('ATTACH :memory:', "ATTACH ':memory:' AS m"),
    writes('DETACH', 'DETACH DATABASE main'),
    ...['BEGIN IMMEDIATE', 'COMMIT', 'SAVEPOINT s', 'END'].map((sql) => writes(sql, sql)),
    // PRAGMAs that write
    ...[
      'PRAGMA journal_mode = WAL',
      'PRAGMA user_version = 7',
      'PRAGMA main.application_id = 1',
      'PRAGMA query_only = 0',
      'PRAGMA writable_schema = 1',
      'PRAGMA wal_checkpoint(TRUNCATE)',
      'PRAGMA incremental_vacuum',
      '/* c */ PRAGMA journal_mode = DELETE',
    ].map((sql) => writes(sql, sql)),
    // Reading PRAGMAs and plain reads stay allowed
    { name: 'PRAGMA user_version (reads)', sql: 'PRAGMA user_version', codes: [0] },
    { name: 'PRAGMA table_info(clips) (reads)', sql: 'PRAGMA table_info(clips)', codes: [0] },
    { name: 'a plain count', sql: 'SELECT count(*) FROM clips', codes: [0] },
    // Functions that reach outside
    { name: 'load_extension()', sql: "SELECT load_extension('/nonexistent/ext.so')", codes: [1, 64, 77], output: 'none' },
    { name: 'writefile()', sql: "SELECT writefile('written.txt', 'x')", codes: [1, 64, 77], output: 'none' },
    // Parameters named like Object's own properties
    ...['__proto__', 'constructor', 'toString'].map((name) => ({ name: `-p ${name}`, sql: `SELECT :${name} AS v`, args: ['-p', name, 'x'], codes: [0, 64] })),
    { name: '-p __proto__ not used by the query', sql: 'SELECT 1', args: ['-p', '__proto__', 'x'], codes: [64], output: 'none' as const },
    { name: 'a named query given -p __proto__', sql: '@class-counts', args: ['-p', 'version', 'k400', '-p', '__proto__', 'x'], codes: [64], output: 'none' as const },
    { name: 'a parameter never given', sql: 'SELECT :missing', codes: [64], output: 'none' },
    // Runtime errors
    { name: 'an error part-way, --json', sql: FAILS_PART_WAY, args: ['--json'], codes: [1], output: 'none' },
    { name: 'an error part-way, --csv', sql: FAILS_PART_WAY, args: ['--csv'], codes: [1], output: 'whole lines' },
    { name: 'an error part-way, --nl', sql: FAILS_PART_WAY, args: ['--nl'], codes: [1], output: 'whole lines' },
    { name: 'integer overflow', sql: 'SELECT abs(-9223372036854775808)', codes: [1], output: 'none' },
    { name: 'a blob too big', sql: 'SELECT zeroblob(2000000000)', codes: [1, 64], output: 'none' },
    { name: 'runaway query, --timeout 1', sql: RUNAWAY, args: ['--timeout', '1', '--json'], codes: [124], output: 'none' },
    { name: 'runaway query, Ctrl-C', sql: RUNAWAY, args: ['--json'], codes: [130], output: 'none', signal: 'SIGINT' },
  ];
}

function expectOutput(t: TryContext, run: CliRun, output: QueryCase['output']): void {
  if (output === 'none') t.check(run.stdout === '', `a failed query wrote to stdout: ${run.stdout.slice(0, 120)}`);
  if (output === 'whole lines') {
    t.check(run.stdout === '' || run.stdout.endsWith('\n'), `a failed query left half a line on stdout: …${run.stdout.slice(-80)}`);
  }
}

function queryTry(query: QueryCase): Try {
  return {
    name: `query: ${query.name}`,
    category: 'query',
    async run(t) {
      await useTemplate(t);
      const before = { sha: sha256File(t.db), entries: listTree(t.home).map((entry) => entry.path).sort().join() };
      const args = ['query', ...(query.args ?? []), '--home', t.home, ...(query.sql.startsWith('-') && query.sql !== '-' ? ['--'] : []), query.sql];
      let run: CliRun;
      if (query.signal) {
        const running = t.start(args, { input: query.input });
        await sleep(1500);
        running.signal(query.signal);
        run = await running.done;
      } else {
        run = await t.cli(args, { input: query.input });
      }
      expectExit(t, run, ...query.codes);
      if (run.code !== 0) {
        expectOneErrorLine(t, run);
        expectOutput(t, run, query.output);
      }
      t.check(sha256File(t.db) === before.sha, 'the catalog file changed (a query must not write it)');
      const entries = listTree(t.home).map((entry) => entry.path).sort().join();
      t.check(entries === before.entries, `home holds other files after the query: ${entries}`);
      expectIntegrity(t, t.db);
    },
  };
}

export function queryTries(): Try[] {
  return queryCases().map(queryTry);
}
