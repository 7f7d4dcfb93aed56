import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { UsageError } from '../errors.js';
import { canonicalPath } from '../util/canonical-path.js';
import { nearestName } from '../util/closest-names.js';
import { SECONDS_VARIABLES } from '../util/env-seconds.js';
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

/** One option as parseArgs reads it and as `--help` explains it: declared once, so the two cannot drift. */
export interface OptionSpec {
  type: 'string' | 'boolean';
  multiple?: boolean;
  short?: string;
  /** parseArgs' default (a boolean that is on unless `--no-…`). */
  default?: boolean;
  /** The value's name in help: N, DIR, FILE, V:S. */
  value?: string;
  description: string;
  /** What it is when left out, in words. */
  defaultText?: string;
  env?: string;
}

export type OptionSpecs = Record<string, OptionSpec>;

export interface Command {
  usage: string;
  options: OptionSpecs;
  /** Real command lines, shown by `--help`. */
  examples?: string[];
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

/** `--json` on a command that prints a summary (not rows): the same words everywhere. */
export const SUMMARY_JSON = { json: { type: 'boolean', description: 'the summary as JSON on stdout' } } as const satisfies OptionSpecs;

/** `--quiet` on a command that shows progress: the same words everywhere. */
export const QUIET = {
  quiet: { type: 'boolean', short: 'q', description: 'no progress and no line per item: the summary and errors only' },
} as const satisfies OptionSpecs;

/** `--jobs N` on a command that streams shards. */
export const JOBS = { jobs: { type: 'string', short: 'j', value: 'N', description: 'shards streamed at once', defaultText: '4' } } as const satisfies OptionSpecs;

export const GLOBAL_OPTIONS = {
  home: { type: 'string', value: 'DIR', description: 'the folder that holds the catalog, videos/ and archives/', env: 'KINETICS_HOME', defaultText: './kinetics-data' },
  db: { type: 'string', value: 'FILE', description: 'the catalog file, when not --home/catalog.db', env: 'KINETICS_DB' },
  help: { type: 'boolean', short: 'h', description: 'this help' },
} as const satisfies OptionSpecs;

/** --home (KINETICS_HOME, ./kinetics-data) holds catalog.db unless --db names another file. */
export function resolveGlobals(values: { home?: string; db?: string }, io: CommandIo): GlobalOptions {
  const home = canonicalPath(values.home ?? io.env.KINETICS_HOME ?? 'kinetics-data');
  return { home, db: canonicalPath(values.db ?? io.env.KINETICS_DB ?? join(home, 'catalog.db')), io };
}

/**
 * node's parseArgs with the global options merged in; its errors become usage errors. The specs' help fields
 * (description, value, …) are not parseArgs', which passes them over.
 */
export function parseCommandArgs<Options extends OptionSpecs>(
  args: string[],
  options: Options,
  usage: string,
) {
  const all: OptionSpecs = { ...GLOBAL_OPTIONS, ...options };
  let parsed;
  try {
    parsed = parseArgs({ args, options: all as Options & typeof GLOBAL_OPTIONS, allowPositionals: true, allowNegative: true, strict: true, tokens: true });
  } catch (error) {
    throw new UsageError(`${argumentProblem(error as NodeJS.ErrnoException, all, usage, args)}\nusage: ${usage}`);
  }
  refuseRepeated(parsed.tokens, all, usage);
  return { values: parsed.values, positionals: parsed.positionals };
}

/** An option that takes one value, given twice with two values: which one was meant is not for the tool to guess. */
function refuseRepeated(tokens: ReturnType<typeof parseArgs>['tokens'] & object, specs: OptionSpecs, usage: string): void {
  const seen = new Map<string, string>();
  for (const token of tokens) {
    if (token.kind !== 'option' || token.value === undefined || specs[token.name]?.multiple) continue;
    const earlier = seen.get(token.name);
    if (earlier !== undefined && earlier !== token.value) {
      throw new UsageError(`--${token.name} is given twice ("${earlier}" and "${token.value}"); it takes one value\nusage: ${usage}`);
    }
    seen.set(token.name, token.value);
  }
}

/** node's parseArgs errors, said as the user typed them: `unknown option --tsv for status (did you mean --csv?)`. */
function argumentProblem(error: NodeJS.ErrnoException, specs: OptionSpecs, usage: string, args: string[]): string {
  const known = Object.keys(specs);
  // node names an option `'-j, --jobs <value>'`: the long name is the one to show.
  const option = /--[\w-]+/.exec(error.message)?.[0] ?? /'(-[^' ,]+)/.exec(error.message)?.[1];
  const command = /^kinetics (\S+(?: [a-z-]+)?)/.exec(usage)?.[1] ?? 'this command';
  if (error.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' && option) {
    const near = nearestName(option.replace(/^-+/, ''), known);
    return `unknown option ${option} for ${command.split(' ')[0]}${near ? ` (did you mean --${near}?)` : ''}`;
  }
  if (error.code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE' && option) {
    if (/does not take an argument/.test(error.message)) return `${option} takes no value`;
    // The word after the option starts with a dash: a negative number meant as its value, or the next option.
    const short = specs[option.replace(/^-+/, '')]?.short;
    const at = args.findIndex((arg) => arg === option || (short !== undefined && arg === `-${short}`));
    const next = at === -1 ? undefined : args[at + 1];
    return /ambiguous/.test(error.message) && next !== undefined && /^-\d/.test(next) ? `${option} needs a value; one that starts with a dash is written ${option}=${next}` : `${option} needs a value`;
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
      const key = name.replace(/^[:@$]/, '');
      const earlier = params.get(key);
      if (earlier !== undefined && earlier !== value) throw new UsageError(`-p ${key} is given twice ("${earlier}" and "${value}"); a parameter takes one value`);
      params.set(key, value);
      index += 2;
    } else {
      rest.push(arg);
    }
  }
  return { rest, params: Object.fromEntries(params) };
}

/** The environment variables every command reads (those of one option are shown with it). */
const ENVIRONMENT: [string, string][] = Object.entries(SECONDS_VARIABLES).map(([name, { what, fallback }]) => [name, `${what} (default ${fallback})`]);

export const environmentLines = (): string[] => {
  const width = Math.max(...ENVIRONMENT.map(([name]) => name.length));
  return ENVIRONMENT.map(([name, what]) => `  ${name.padEnd(width)}  ${what}`);
};

/** A command's help: usage, what it does, each option with its value, default and environment variable, examples. */
export function commandHelp(command: Command, summary: string): string {
  const describe = (specs: OptionSpecs) => {
    const rows = Object.entries(specs).map(([name, spec]) => {
      const flag = `${spec.short ? `-${spec.short}, ` : ''}--${name}${spec.value ? ` ${spec.value}` : ''}${spec.multiple ? ' …' : ''}`;
      const notes = [spec.defaultText && `default ${spec.defaultText}`, spec.env && `env ${spec.env}`].filter(Boolean).join('; ');
      return [flag, `${spec.description}${notes ? ` (${notes})` : ''}`] as const;
    });
    const width = Math.max(...rows.map(([flag]) => flag.length));
    return rows.map(([flag, text]) => `  ${flag.padEnd(width)}  ${text}`);
  };
  return [
    `usage: ${command.usage}`,
    '',
    summary,
    ...(Object.keys(command.options).length > 0 ? ['', 'options:', ...describe(command.options)] : []),
    '',
    'global options:',
    ...describe(GLOBAL_OPTIONS),
    '',
    'environment:',
    ...environmentLines(),
    ...(command.examples ? ['', 'examples:', ...command.examples.map((line) => `  ${line}`)] : []),
  ].join('\n');
}
