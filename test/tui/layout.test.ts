import assert from 'node:assert/strict';
import { test } from 'node:test';
import { columnWidths, firstThatFits, fit, joinIntoLines, nameAndNumber, paneWidths, tableLine, tail, visibleColumns } from '../../src/tui/layout.js';

test('a name and its number: the number whole at the right, the name cut with an ellipsis, never run together', () => {
  assert.equal(nameAndNumber('k600 holdout_test', '12840', 20), 'k600 holdout_… 12840');
  assert.equal(nameAndNumber('k400 val', ' 19906', 20), 'k400 val       19906');
  assert.equal(nameAndNumber('k700-2020 train', '536699', 20).length, 20);
  assert.equal(fit('abc', 5), 'abc  ');
  assert.equal(fit('abcdef', 5), 'abcd…');
  assert.equal(firstThatFits(['classes 400/400 · sort name · 0 selected', '400/400 · name · 0 sel'], 28), '400/400 · name · 0 sel');
});

test('table columns: numbers never cut, text shares what is left, nothing past the width, all of it used', () => {
  const columns = ['version', 'split', 'n', 'first_label', 'path'];
  const rows = [['k600', 'holdout_test', 12840, 'abseiling', '/data/videos/k600/holdout_test/abseiling/xyz_000001_000011.mp4']];
  const widths = columnWidths(columns, rows, 60);
  assert.equal(widths[2], 5, 'the number column keeps its width');
  const line = tableLine(rows[0]!, widths);
  assert.equal(line.length, 60);
  assert.match(line, / 12840 /);
  assert.match(line, /…$/);
  assert.deepEqual(columnWidths(columns, rows, 200), [7, 12, 5, 11, 62], 'a wide terminal shows everything');
});

test('panes: splits wide enough for their counts, details room for a clip id and status at 80 columns, more when wide', () => {
  const narrow = paneWidths(80);
  assert.equal(narrow.leftWidth + narrow.middleWidth + narrow.rightWidth, 80);
  assert.ok(narrow.rightWidth >= 22 && narrow.leftWidth >= 24);
  const wide = paneWidths(200);
  assert.equal(wide.leftWidth + wide.middleWidth + wide.rightWidth, 200);
  assert.ok(wide.rightWidth > 80, 'paths fit on a wide terminal');
});

test('a number column keeps its numbers whole however long its header; optional columns go first, then the rightmost (←→ reach them)', () => {
  const columns = ['version', 'number_of_clips_in_this_split', 'total_seconds_of_video_material'];
  const rows = [['k700-2020', 536699, 5366990], ['k400', 19906, 199060]];
  const widths = columnWidths(columns, rows, 30);
  assert.deepEqual(widths, [9, 9, 8]);
  assert.equal(tableLine(rows[0]!, widths), 'k700-2020     536699   5366990');
  const plan = ['shard', 'label', 'bytes', 'clips', 'members'];
  const planRows = [['k700_val_001.tar.gz', 'a long class label here', 'not in source', 3, 'discover']];
  assert.deepEqual(visibleColumns(plan, planRows, 50, 0, ['members', 'label']).indices, [0, 2, 3], 'members, then label, left out');
  const wide = ['a', 'b', 'c', 'd', 'e', 'f'].map((name) => name.repeat(20));
  const text = [wide.map((name) => name.toUpperCase())];
  const cut = visibleColumns(wide, text, 50);
  assert.deepEqual(cut.indices, [0, 1, 2, 3], 'the rightmost columns that do not fit even cut are left for ←→');
  assert.deepEqual(visibleColumns(wide, text, 50, 4).indices, [4, 5]);
  assert.deepEqual(visibleColumns(['x'.repeat(90)], [[1]], 20).indices, [0], 'one column at least');
});

test('lines that keep items whole, and the end of what is being typed', () => {
  assert.deepEqual(joinIntoLines(['ok 0', 'miss 246534', 'dmg 0'], 20), ['ok 0 · miss 246534', 'dmg 0']);
  assert.deepEqual(joinIntoLines(['ok 0', 'miss 3', 'dmg 0'], 40), ['ok 0 · miss 3 · dmg 0']);
  assert.equal(tail(':select 1_', 20), ':select 1_');
  assert.equal(tail(':select version, split from clips_', 12), '…from clips_');
});
