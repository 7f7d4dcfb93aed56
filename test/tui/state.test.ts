import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ClassStats } from '../../src/catalog/browse.js';
import { type TuiState, initialState, reduce, visibleClasses, windowStart } from '../../src/tui/state.js';

const classes: ClassStats[] = [
  { label: 'air drumming', annotated: 50, onDisk: 10, damaged: 1 },
  { label: 'Abseiling', annotated: 20, onDisk: 20, damaged: 0 },
  { label: 'zumba', annotated: 90, onDisk: 0, damaged: 0 },
];

test('filter is a case-insensitive substring; sorts by name (code point), count, coverage', () => {
  assert.deepEqual(visibleClasses(classes, 'AB', 'name').map((row) => row.label), ['Abseiling']);
  assert.deepEqual(visibleClasses(classes, '', 'name').map((row) => row.label), ['Abseiling', 'air drumming', 'zumba']);
  assert.deepEqual(visibleClasses(classes, '', 'count').map((row) => row.label), ['zumba', 'air drumming', 'Abseiling']);
  assert.deepEqual(visibleClasses(classes, '', 'coverage').map((row) => row.label), ['zumba', 'air drumming', 'Abseiling']);
  assert.equal(classes[0]!.label, 'air drumming', 'the input is not reordered');
});

test('moving clamps; moving between splits clears cursor, filter and selection', () => {
  let state: TuiState = reduce(initialState, { type: 'move', delta: 5, count: 3 });
  assert.equal(state.classCursor, 2);
  state = reduce(state, { type: 'move', delta: -9, count: 3 });
  assert.equal(state.classCursor, 0);
  state = reduce(state, { type: 'toggle', label: 'zumba' });
  state = reduce(reduce(state, { type: 'mode', mode: { kind: 'filter' } }), { type: 'type', text: 'zu' });
  assert.equal(state.filter, 'zu');
  state = reduce(reduce(state, { type: 'focus', focus: 'splits' }), { type: 'move', delta: -1, count: 4 });
  assert.deepEqual([state.splitCursor, state.filter, state.selected.size], [0, 'zu', 1], 'up from the top split stays on it, and keeps its selection');
  state = reduce(state, { type: 'move', delta: 1, count: 4 });
  assert.deepEqual([state.splitCursor, state.classCursor, state.filter, state.selected.size], [1, 0, '', 0]);
});

test('selection toggles, select-all adds what is shown, clear empties', () => {
  let state = reduce(initialState, { type: 'toggle', label: 'a' });
  state = reduce(state, { type: 'toggle', label: 'a' });
  assert.equal(state.selected.size, 0);
  state = reduce(state, { type: 'select-all', labels: ['a', 'b'] });
  assert.deepEqual([...state.selected], ['a', 'b']);
  assert.equal(reduce(state, { type: 'clear-selection' }).selected.size, 0);
});

test('typing goes to the filter, the SQL line or the focused form field; sort cycles', () => {
  let state = reduce(initialState, { type: 'mode', mode: { kind: 'sql', input: '', recall: null } });
  state = reduce(reduce(state, { type: 'type', text: 'select 1x' }), { type: 'erase' });
  assert.deepEqual(state.mode, { kind: 'sql', input: 'select 1', recall: null });
  state = reduce(state, { type: 'mode', mode: { kind: 'form', purpose: 'subset', field: 0, fields: [{ label: 'name', value: 'a' }, { label: 'seed', value: '' }] } });
  state = reduce(reduce(state, { type: 'next-field' }), { type: 'type', text: '7' });
  assert.deepEqual(state.mode.kind === 'form' && state.mode.fields.map((field) => field.value), ['a', '7']);
  assert.equal(reduce(reduce(reduce(initialState, { type: 'cycle-sort' }), { type: 'cycle-sort' }), { type: 'cycle-sort' }).sort, 'name');
});

test('the window keeps the cursor on screen', () => {
  assert.equal(windowStart(0, 10, 700), 0);
  assert.equal(windowStart(350, 10, 700), 345);
  assert.equal(windowStart(699, 10, 700), 690);
  assert.equal(windowStart(5, 10, 8), 0);
});

test('a picked field cycles through its choices both ways; typing and erasing leave it as it is', () => {
  const form: TuiState = {
    ...initialState,
    mode: { kind: 'form', purpose: 'export', field: 0, fields: [{ label: 'format', value: 'csv', choices: ['csv', 'jsonl', 'tree'] }, { label: 'folder', value: '' }] },
  };
  const valueOf = (state: TuiState) => (state.mode.kind === 'form' ? state.mode.fields[0]!.value : undefined);
  assert.equal(valueOf(reduce(form, { type: 'choose', delta: 1 })), 'jsonl');
  assert.equal(valueOf(reduce(form, { type: 'choose', delta: -1 })), 'tree', 'back from the first is the last');
  assert.equal(valueOf(reduce(form, { type: 'type', text: 'x' })), 'csv');
  assert.equal(valueOf(reduce(form, { type: 'erase' })), 'csv');
  const onFolder = reduce(form, { type: 'next-field' });
  assert.deepEqual(reduce(onFolder, { type: 'choose', delta: 1 }), onFolder, 'a typed field has no choices');
});

test('SQL history: Up goes back through earlier queries, Down forward to an empty prompt; a query is kept once, the latest first', () => {
  let state = reduce(initialState, { type: 'remember', sql: 'select 1' });
  state = reduce(state, { type: 'remember', sql: 'select 2' });
  state = reduce(state, { type: 'remember', sql: ' select 1 ' });
  assert.deepEqual(state.history, ['select 1', 'select 2']);
  state = reduce(state, { type: 'mode', mode: { kind: 'sql', input: '', recall: null } });
  const input = (next: TuiState) => (next.mode.kind === 'sql' ? next.mode.input : undefined);
  state = reduce(state, { type: 'recall', delta: 1 });
  assert.equal(input(state), 'select 1');
  state = reduce(state, { type: 'recall', delta: 1 });
  assert.equal(input(state), 'select 2');
  assert.equal(input(reduce(state, { type: 'recall', delta: 1 })), 'select 2', 'the oldest stays');
  state = reduce(reduce(state, { type: 'recall', delta: -1 }), { type: 'recall', delta: -1 });
  assert.equal(input(state), '');
  assert.equal(input(reduce(reduce(state, { type: 'recall', delta: 1 }), { type: 'type', text: 'x' })), 'select 1x', 'a recalled query can be edited');
});
