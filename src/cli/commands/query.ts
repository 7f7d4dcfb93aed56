import { Catalog } from '../../catalog/catalog.js';
import { unknownClassProblem } from '../../catalog/clip-selection.js';
import { findSubset } from '../../catalog/subsets.js';
import { UsageError } from '../../errors.js';
import { bindNamedQuery, listNamedQueries, loadNamedQuery } from '../../query/named-queries.js';
import { OUTPUT_OPTIONS, OUTPUT_USAGE, chooseFormat, writeRows } from '../../query/output-formats.js';
import { INTERRUPTED_EXIT, MAX_TIMEOUT_SECONDS, TIMED_OUT_EXIT, runQueryProcess } from '../../query/query-process.js';
import { type Command, type OptionSpecs, extractParams, parseCommandArgs } from '../command.js';

const usage = [
  `kinetics query SQL|@name|- [-p name value ...] ${OUTPUT_USAGE} [--explain] [--timeout SECONDS] [--home DIR] [--db FILE]`,
  '       kinetics query --list',
  `Rows stream as they come (JSON is written once complete). --timeout and Ctrl-C stop a query at once: exit ${TIMED_OUT_EXIT} and ${INTERRUPTED_EXIT}.`,
].join('\n');

function seconds(text: string | undefined): number | null {
  if (text === undefined) return null;
  const value = Number(text);
  if (!/^\d+(\.\d+)?$/.test(text) || value <= 0 || value > MAX_TIMEOUT_SECONDS) {
    throw new UsageError(`--timeout takes a number of seconds above 0 and at most ${MAX_TIMEOUT_SECONDS}, not "${text}"`);
  }
  return value;
}

/**
 * A named query's label and subset parameters name classes and subsets of the catalog: a misspelt one is an error
 * (with the closest labels), not an empty result.
 */
async function checkNames(query: string, bound: Record<string, string | null>, db: string): Promise<void> {
  const labels = Object.entries(bound).filter(([name, value]) => /(^|_)label$/.test(name) && value !== null);
  const subset = bound.subset ?? null;
  if (labels.length === 0 && subset === null) return;
  const catalog = Catalog.open(db, { readonly: true });
  try {
    if (subset !== null) findSubset(catalog, subset);
    for (const [name, label] of labels) {
      const version = bound[name.replace(/label$/, 'version')] ?? bound.version ?? null;
      const problem = unknownClassProblem(catalog, label!, version);
      if (problem) throw new UsageError(`@${query}: ${problem}`);
    }
  } finally {
    await catalog.close();
  }
}

const options = {
  list: { type: 'boolean', description: 'the named queries in queries/, with their parameters' },
  explain: { type: 'boolean', description: "SQLite's query plan instead of the rows" },
  timeout: { type: 'string', value: 'SECONDS', description: 'stop the query after this long (exit 124)' },
  ...OUTPUT_OPTIONS,
} as const satisfies OptionSpecs;

export const queryCommand: Command = {
  usage,
  options,
  examples: [
    "kinetics query \"select label, count(*) n from clips where version = 'k400' group by 1 order by n desc limit 5\"",
    'kinetics query @class-counts -p version k700-2020 --csv',
    'kinetics query --list',
  ],
  async run(args, globals) {
    const { rest, params } = extractParams(args);
    const { values, positionals } = parseCommandArgs(
      rest,
      options,
      usage,
    );
    const format = chooseFormat(values as Record<string, boolean>, globals.io.stdout.isTTY === true);
    if (values.list) {
      const queries = listNamedQueries().map((query) => [`@${query.name}`, query.params, query.description]);
      writeRows(format, ['name', 'params', 'description'], queries, (text) => globals.io.stdout.write(text));
      return 0;
    }
    if (positionals.length !== 1) throw new UsageError(`give one query\nusage: ${usage}`);
    const timeout = seconds(values.timeout);
    const text = positionals[0]!;
    const named = text.startsWith('@') ? loadNamedQuery(text.slice(1)) : undefined;
    const sql = text === '-' ? globals.io.readStdin() : (named?.sql ?? text);
    const bound = named ? bindNamedQuery(named, params) : params;
    if (named) await checkNames(named.name, bound, globals.db);
    return runQueryProcess({ db: globals.db, sql, params: bound, format, explain: values.explain === true }, timeout, globals.io);
  },
};
