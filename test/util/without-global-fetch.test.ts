import assert from 'node:assert/strict';
import { test } from 'node:test';
import { withoutGlobalFetch } from '../../src/util/without-global-fetch.js';

test('withoutGlobalFetch hides fetch while loading, then restores the same property, also after a failure', async () => {
  const before = Object.getOwnPropertyDescriptor(globalThis, 'fetch');
  assert.ok(before, 'Node defines fetch');
  const seen = await withoutGlobalFetch(async () => typeof (globalThis as { fetch?: unknown }).fetch);
  assert.equal(seen, 'undefined');
  assert.deepEqual(Object.getOwnPropertyDescriptor(globalThis, 'fetch'), before);
  await assert.rejects(
    withoutGlobalFetch(async () => {
      throw new Error('load failed');
    }),
    /load failed/,
  );
  assert.deepEqual(Object.getOwnPropertyDescriptor(globalThis, 'fetch'), before);
  assert.equal(typeof fetch, 'function');
});
