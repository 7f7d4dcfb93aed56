import assert from 'node:assert/strict';
import { test } from 'node:test';
import { folderLoaderMismatch } from '../../src/export/folder-loader-order.js';

const folders = (entries: [string, number, number][]) => new Map(entries.map(([name, labelIdx, clips]) => [name, { labelIdx, clips }]));

test('a split with every class, its folders sorting as the label map does, numbers as classes.txt: no warning', () => {
  assert.equal(folderLoaderMismatch('val', folders([['a', 0, 3], ['b b', 1, 2], ['c', 2, 1]]), ['a', 'b b', 'c']), undefined);
});

test('absent classes shift the numbers of the folders after them; only misnumbered clips are counted', () => {
  const warning = folderLoaderMismatch('test', folders([['a', 0, 4], ['c', 2, 5]]), ['a', 'b', 'c']);
  assert.match(warning!, /^test: .* numbers the 2 class folders there by sorted name, so 5 of its 9 clips would get targets other than classes\.txt: 1 of the 3 classes has no folder there \(b\)\./);
  assert.doesNotMatch(warning!, /sorts before/);
  assert.doesNotMatch(warning!, /--labels compact/, 'not offered where the label map is not the version\'s');
  assert.match(folderLoaderMismatch('test', folders([['a', 0, 4], ['c', 2, 5]]), ['a', 'b', 'c'], true)!, /export a list format, or number only the subset's classes \(--labels compact; the same numbers where each has a folder\)$/);
});

test('folder names that sort otherwise than the labels are named in pairs, by code point as Python sorts', () => {
  const warning = folderLoaderMismatch('val', folders([['skiing_not_slalom', 0, 1], ['skiing_crosscountry', 1, 1], ['Zebra', 2, 1]]), ['x', 'y', 'z']);
  assert.match(warning!, /"Zebra" sorts before "skiing_crosscountry", "Zebra" sorts before "skiing_not_slalom", "skiing_crosscountry" sorts before "skiing_not_slalom", which classes\.txt orders the other way/);
});
