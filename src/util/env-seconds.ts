/** The environment variables that hold a number of seconds: each one's default and largest value. */
export const SECONDS_VARIABLES = {
  KINETICS_PROGRESS_SECONDS: { fallback: 10, max: 86_400, what: 'seconds between progress lines in a log or a pipe' },
  KINETICS_HTTP_TIMEOUT: { fallback: 30, max: 3600, what: 'seconds without a byte before a request to the source is retried' },
  KINETICS_BUSY_WAIT: { fallback: 30, max: 86_400, what: 'seconds a writer waits for another to finish with the catalog' },
} as const;

type SecondsVariable = keyof typeof SECONDS_VARIABLES;

/** A plain decimal above 0 and at most the variable's largest value; unset or empty is its default. */
function readSeconds(name: SecondsVariable, text: string | undefined): number | undefined {
  const { fallback, max } = SECONDS_VARIABLES[name];
  if (text === undefined || text === '') return fallback;
  const seconds = Number(text);
  return /^\d+(\.\d+)?$/.test(text) && seconds > 0 && seconds <= max ? seconds : undefined;
}

/** The variable's seconds; an unreadable value counts as its default (the CLI refuses one before any command). */
export function secondsFromEnv(name: SecondsVariable, env: NodeJS.ProcessEnv = process.env): number {
  return readSeconds(name, env[name]) ?? SECONDS_VARIABLES[name].fallback;
}

/** What is wrong with the first unreadable seconds variable, for a usage error; undefined when all are readable. */
export function unreadableSeconds(env: NodeJS.ProcessEnv): string | undefined {
  for (const name of Object.keys(SECONDS_VARIABLES) as SecondsVariable[]) {
    if (readSeconds(name, env[name]) === undefined) {
      return `${name} must be a number of seconds above 0 and at most ${SECONDS_VARIABLES[name].max} (such as 30 or 2.5), found "${env[name]}"`;
    }
  }
  return undefined;
}
