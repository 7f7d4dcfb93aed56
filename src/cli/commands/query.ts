import { readFileSync } from 'node:fs';
import { Catalog } from '../../catalog/catalog.js';
import { SqliteError } from 'better-sqlite3';
import { KineticsError, UsageError } from '../../errors.js';
import { bindNamedQuery, listNamedQueries, loadNamedQuery } from '../../query/named-queries.js';
import { OUTPUT_FORMATS, chooseFormat, writeRows } from '../../query/output-formats.js';
import { runReadOnlyQuery } from '../../query/read-only-query.js';
import { type Command, extractParams, parseCommandArgs } from '../command.js';

const usage =
  'kinetics query SQL|@name|- [-p name value ...] [--table|--csv|--tsv|--json|--nl|--markdown] | kinetics query --list';

const formatOptions = Object.fromEntries(OUTPUT_FORMATS.map((format) => [format, { type: 'boolean' as const }]));

export const queryCommand: Command = {
  usage,
  async run(args, globals) {
    const { rest, params } = extractParams(args);
    const { values, positionals } = parseCommandArgs(rest, { list: { type: 'boolean' }, ...formatOptions }, usage);
    const format = chooseFormat(values as Record<string, boolean>, process.stdout.isTTY === true);
    if (values.list) {
      const queries = listNamedQueries().map((query) => [`@${query.name}`, query.params, query.description]);
      writeRows(format, ['name', 'params', 'description'], queries, (text) => process.stdout.write(text));
      return 0;
    }
    if (positionals.length !== 1) throw new UsageError(`give one query\nusage: ${usage}`);
    const text = positionals[0]!;
    const named = text.startsWith('@') ? loadNamedQuery(text.slice(1)) : undefined;
    const sql = text === '-' ? readFileSync(0, 'utf8') : (named?.sql ?? text);
    const bound = named ? bindNamedQuery(named, params) : params;
    const catalog = Catalog.open(globals.db, { readonly: true });
    try {
      const result = runReadOnlyQuery(catalog.sqlite, sql, bound);
      try {
        writeRows(format, result.columns, result.rows, (chunk) => process.stdout.write(chunk));
      } catch (error) {
        if (error instanceof SqliteError) throw new KineticsError(`SQL error: ${error.message}`, 1);
        throw error;
      }
    } finally {
      await catalog.close();
    }
    return 0;
  },
};
