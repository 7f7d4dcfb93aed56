import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type ParseArgsConfig, parseArgs } from 'node:util';
import { UsageError } from '../errors.js';
import { canonicalPath } from '../util/canonical-path.js';
import { closestNames } from '../util/closest-names.js';
import type { Output } from '../util/output.js';

/** What a command reads and writes besides its files, so that tests can run commands in-process. */
export interface CommandIo {
  stdout: Output;
  stderr: Output;
  readStdin(): string;
  env: NodeJS.ProcessEnv;
}

export const processIo: CommandIo = {
  stdout: process.stdout,
  stderr: process.stderr,
  readStdin: () => readFileSync(0, 'utf8'),
  env: process.env,
};

export interface GlobalOptions {
  home: string;
  db: string;
  io: CommandIo;
}

export interface Command {
  usage: string;
  run(args: string[], globals: GlobalOptions): Promise<number>;
}

/** A command as `kinetics --help` lists it; its module (and what that imports) loads only when it runs. */
export interface CommandEntry {
  name: string;
  /** The task it serves, as `kinetics --help` groups the commands. */
  task: 'get data' | 'ask' | 'select and use' | 'try it';
  summary: string;
  load(): Promise<Command>;
}

export const GLOBAL_OPTIONS = {
  home: { type: 'string' },
  db: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const satisfies ParseArgsConfig['options'];

/** --home (KINETICS_HOME, ./kinetics-data) holds catalog.db unless --db names another file. */
export function resolveGlobals(values: { home?: string; db?: string }, io: CommandIo): GlobalOptions {
  const home = canonicalPath(values.home ?? io.env.KINETICS_HOME ?? 'kinetics-data');
  return { home, db: canonicalPath(values.db ?? io.env.KINETICS_DB ?? join(home, 'catalog.db')), io };
}

/** node's parseArgs with the global options merged in; its errors become usage errors. */
export function parseCommandArgs<Options extends NonNullable<ParseArgsConfig['options']>>(
  args: string[],
  options: Options,
  usage: string,
) {
  const all = { ...GLOBAL_OPTIONS, ...options };
  try {
    return parseArgs({ args, options: all, allowPositionals: true, allowNegative: true, strict: true });
  } catch (error) {
    throw new UsageError(`${argumentProblem(error as NodeJS.ErrnoException, Object.keys(all), usage)}\nusage: ${usage}`);
  }
}

/** node's parseArgs errors, said as the user typed them: `unknown option --tsv for status (did you mean --csv?)`. */
function argumentProblem(error: NodeJS.ErrnoException, known: string[], usage: string): string {
  const option = /'(-[^' ]+)/.exec(error.message)?.[1];
  const command = /^kinetics (\S+(?: [a-z-]+)?)/.exec(usage)?.[1] ?? 'this command';
  if (error.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' && option) {
    const near = closestNames(option.replace(/^-+/, ''), known, 1).map((name) => `--${name}`);
    return `unknown option ${option} for ${command.split(' ')[0]}${near.length > 0 ? ` (did you mean ${near[0]}?)` : ''}`;
  }
  if (error.code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE' && option) {
    return /ambiguous/.test(error.message)
      ? `${option} needs a value; one that starts with a dash is written ${option}=-1`
      : `${option} needs a value`;
  }
  return error.message;
}

/** `-p name value` (repeatable), as in sqlite-utils; returns the remaining arguments and the parameters. */
export function extractParams(args: string[]): { rest: string[]; params: Record<string, string> } {
  const rest: string[] = [];
  // A Map, then own properties: `-p __proto__ x` is a parameter like any other, not the object's prototype.
  const params = new Map<string, string>();
  for (let index = 0; index < args.length; index++) {
    const arg = args[index]!;
    if (arg === '-p' || arg === '--param') {
      const name = args[index + 1];
      const value = args[index + 2];
      if (name === undefined || value === undefined) throw new UsageError(`${arg} takes a name and a value: -p version k400`);
      params.set(name.replace(/^[:@$]/, ''), value);
      index += 2;
    } else {
      rest.push(arg);
    }
  }
  return { rest, params: Object.fromEntries(params) };
}
