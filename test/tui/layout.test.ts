import assert from 'node:assert/strict';
import { test } from 'node:test';
import { columnWidths, firstThatFits, fit, nameAndNumber, paneWidths, tableLine } from '../../src/tui/layout.js';

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
