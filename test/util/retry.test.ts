import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RetryableError, busyServerError, withRetry } from '../../src/util/retry.js';

const policy = { attempts: 4, baseDelayMs: 40, maxDelayMs: 1000 };

/** When each try of an attempt that always fails started, in ms from the first. */
async function triesOf(error: () => Error): Promise<number[]> {
  const started: number[] = [];
  const first = performance.now();
  await assert.rejects(
    withRetry(async () => {
      started.push(performance.now() - first);
      throw error();
    }, () => false, policy),
    /after 4 tries/,
  );
  return started;
}

test("a server's Retry-After lengthens the wait between tries, and Retry-After: 0 does not shorten the backoff", async () => {
  const immediate = await triesOf(() => busyServerError(503, { 'retry-after': '0' })!);
  // Backoff: 40, 80, 160 ms, each between half and all of it: at least 20 + 40 + 80 ms in all.
  assert.ok(immediate[3]! >= 140, `tries at ${immediate.map(Math.round).join(', ')} ms`);
  const patient = await triesOf(() => new RetryableError('busy', 300));
  assert.ok(patient[3]! >= 900, `tries at ${patient.map(Math.round).join(', ')} ms`);
});
