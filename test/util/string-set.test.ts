import assert from 'node:assert/strict';
import { test } from 'node:test';
import { StringSet } from '../../src/util/string-set.js';

test('StringSet tells apart every string of a large set exactly, hash collisions included, and knows each again', () => {
  // 300,000 strings of 32-bit hashes share a hash about ten times (the birthday bound): each must still be added.
  const strings = Array.from({ length: 300_000 }, (_, index) => `${index.toString(36).padStart(11, '-')}_${String(index % 997).padStart(6, '0')}`);
  const set = new StringSet();
  assert.ok(strings.every((text) => set.add(text)), 'every distinct string is new');
  assert.equal(set.size, strings.length);
  assert.ok(strings.every((text) => !set.add(text)), 'and known the second time');
  assert.equal(set.size, strings.length);
});

test('StringSet: lengths, the empty string, prefixes and units beyond ASCII', () => {
  const set = new StringSet();
  for (const text of ['', 'a', 'ab', 'abc', 'b', 'é', 'e\u0301', '😀', 'a'.repeat(100_000)]) assert.equal(set.add(text), true, JSON.stringify(text.slice(0, 5)));
  for (const text of ['', 'ab', 'é', '😀', 'a'.repeat(100_000)]) assert.equal(set.add(text), false);
  assert.equal(set.add('a'.repeat(99_999)), true, 'a prefix of a string held');
  assert.equal(set.size, 10);
});
