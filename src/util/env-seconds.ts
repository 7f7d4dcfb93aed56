/** A number of seconds from an environment variable: a plain decimal above 0 and at most `max`, else `fallback`. */
export function secondsFromEnv(text: string | undefined, fallback: number, max: number): number {
  const seconds = Number(text);
  return text !== undefined && /^\d+(\.\d+)?$/.test(text) && seconds > 0 && seconds <= max ? seconds : fallback;
}
