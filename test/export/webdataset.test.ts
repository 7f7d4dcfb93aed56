import assert from 'node:assert/strict';
import { test } from 'node:test';
import { balancedOrder, parseShardSize } from '../../src/export/webdataset.js';

test('--shard-size: a whole number is clips, a size with a unit is bytes; anything else is no size', () => {
  assert.deepEqual(parseShardSize('500'), { clips: 500 });
  assert.deepEqual(parseShardSize('512MiB'), { bytes: 512 * 1024 ** 2 });
  assert.deepEqual(parseShardSize('2GB'), { bytes: 2e9 });
  assert.deepEqual(parseShardSize('1.5kb'), { bytes: 1500 });
  for (const bad of ['0', '-3', 'lots', '10 MiBs', '']) assert.equal(parseShardSize(bad), undefined, bad);
});

test('balancedOrder spreads each class evenly, in the seed\'s order within a class; another seed, another order', () => {
  const items = [
    ...Array.from({ length: 60 }, (_, index) => ({ clipKey: `a${index}`, label: 'a' })),
    ...Array.from({ length: 30 }, (_, index) => ({ clipKey: `b${index}`, label: 'b' })),
    ...Array.from({ length: 10 }, (_, index) => ({ clipKey: `c${index}`, label: 'c' })),
  ];
  const order = balancedOrder(items, 7);
  assert.equal(order.length, 100);
  assert.equal(new Set(order.map((item) => item.clipKey)).size, 100);
  for (let start = 0; start < 100; start += 10) {
    const counts = new Map<string, number>();
    for (const item of order.slice(start, start + 10)) counts.set(item.label, (counts.get(item.label) ?? 0) + 1);
    const off = [6, 3, 1].map((expected, index) => Math.abs((counts.get('abc'[index]!) ?? 0) - expected));
    assert.ok(Math.max(...off) <= 1, `samples ${start}–${start + 9}: ${[...counts].join(' ')}`);
  }
  assert.deepEqual(balancedOrder(items, 7), order);
  assert.notDeepEqual(balancedOrder(items, 8).map((item) => item.clipKey), order.map((item) => item.clipKey));
});

test('balancedOrder interleaves equal classes in no fixed cycle: each round of them comes in another order, and so does each seed', () => {
  const items = 'abcdefg'.split('').flatMap((label) => Array.from({ length: 10 }, (_, index) => ({ clipKey: `${label}${index}`, label })));
  const labels = (seed: number) => balancedOrder(items, seed).map((item) => item.label).join('');
  const rounds = labels(0).match(/.{7}/g)!;
  assert.ok(new Set(rounds).size > 5, `rounds of seven: ${rounds.join(' ')}`);
  assert.notEqual(labels(0), labels(5));
});
