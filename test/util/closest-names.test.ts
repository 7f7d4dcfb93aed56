import assert from 'node:assert/strict';
import { test } from 'node:test';
import { closestNames, nearestName } from '../../src/util/closest-names.js';

test('nearestName: a prefix or a few letters off; of two typos as near, neither; of names it begins, the first', () => {
  assert.equal(nearestName('mmaction2', ['csv', 'mmaction', 'slowfast']), 'mmaction');
  assert.equal(nearestName('trian', ['train', 'val', 'test']), 'train');
  assert.equal(nearestName('k500', ['k400', 'k600', 'k700-2020']), undefined, 'k400 or k600: no guess');
  assert.equal(nearestName('check', ['checksum', 'checksum-all', 'decode']), 'checksum');
  assert.equal(nearestName('zzz', ['train', 'val']), undefined);
});

test('closestNames: substrings first, then by edits', () => {
  assert.deepEqual(closestNames('hugging', ['zumba', 'hugging baby', 'hurling (sport)', 'hugging (not baby)']).slice(0, 2), ['hugging (not baby)', 'hugging baby']);
  assert.deepEqual(closestNames('air drums', ['abseiling', 'air drumming', 'zumba'], 1), ['air drumming']);
});
