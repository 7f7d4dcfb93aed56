import { UsageError } from '../../errors.js';
import { bindNamedQuery, listNamedQueries, loadNamedQuery } from '../../query/named-queries.js';
import { OUTPUT_OPTIONS, OUTPUT_USAGE, chooseFormat, writeRows } from '../../query/output-formats.js';
import { INTERRUPTED_EXIT, MAX_TIMEOUT_SECONDS, TIMED_OUT_EXIT, runQueryProcess } from '../../query/query-process.js';
import { type Command, extractParams, parseCommandArgs } from '../command.js';

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

export const queryCommand: Command = {
  usage,
  async run(args, globals) {
    const { rest, params } = extractParams(args);
    const { values, positionals } = parseCommandArgs(
      rest,
      { list: { type: 'boolean' }, explain: { type: 'boolean' }, timeout: { type: 'string' }, ...OUTPUT_OPTIONS },
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
    return runQueryProcess({ db: globals.db, sql, params: bound, format, explain: values.explain === true }, timeout, globals.io);
  },
};
