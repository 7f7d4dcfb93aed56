import { setTimeout as sleep } from 'node:timers/promises';

export interface RetryPolicy {
  attempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

/**
 * Six tries over ~8–16 s (0.5, 1, 2, 4, 8 s, each between half and all of it, so parallel jobs do not retry in step):
 * long enough for the bursts of 503 SlowDown S3 sends when a bucket is busy.
 */
export const defaultRetryPolicy: RetryPolicy = { attempts: 6, baseDelayMs: 500, maxDelayMs: 20_000 };

/** Thrown by an attempt to ask for another try; `retryAfterMs` honours a server's Retry-After. */
export class RetryableError extends Error {
  constructor(
    message: string,
    readonly retryAfterMs?: number,
  ) {
    super(message);
  }
}

/** Runs `attempt` until it succeeds, retrying RetryableErrors (and errors `isTransient` accepts) with backoff. */
export async function withRetry<T>(
  attempt: (attemptNumber: number) => Promise<T>,
  isTransient: (error: unknown) => boolean,
  policy: RetryPolicy = defaultRetryPolicy,
): Promise<T> {
  for (let attemptNumber = 1; ; attemptNumber++) {
    try {
      return await attempt(attemptNumber);
    } catch (error) {
      const retryable = error instanceof RetryableError || isTransient(error);
      if (!retryable) throw error;
      if (attemptNumber >= policy.attempts) throw gaveUp(error, attemptNumber);
      const backoff = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attemptNumber - 1)) * (0.5 + Math.random() / 2);
      // A server's Retry-After lengthens the wait, never shortens it: `Retry-After: 0` would spend every try at once.
      const serverDelay = error instanceof RetryableError ? (error.retryAfterMs ?? 0) : 0;
      await sleep(Math.min(policy.maxDelayMs, Math.max(serverDelay, backoff)));
    }
  }
}

/** The last error, saying that it was tried enough and what to do; its code stays for callers that look at it. */
function gaveUp(error: unknown, attempts: number): Error {
  const message = `${(error as Error).message} (after ${attempts} tries; run the same command again later: what finished is kept)`;
  return Object.assign(new Error(message, { cause: error }), { code: (error as { code?: unknown }).code });
}

/**
 * A busy server's answer (429, or any 5xx: S3's 503 SlowDown) as the error that asks for another try, after its
 * Retry-After; undefined for any other status.
 */
export function busyServerError(
  statusCode: number,
  headers: Record<string, string | string[] | undefined>,
  message = `HTTP ${statusCode}`,
): RetryableError | undefined {
  return statusCode === 429 || statusCode >= 500 ? new RetryableError(message, parseRetryAfter(headers['retry-after'])) : undefined;
}

/** Retry-After as seconds or an HTTP date → milliseconds. */
export function parseRetryAfter(value: string | string[] | undefined): number | undefined {
  const text = Array.isArray(value) ? value[0] : value;
  if (!text) return undefined;
  const seconds = Number(text);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(text);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}
