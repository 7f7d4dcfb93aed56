import type { ClassStats } from '../catalog/browse.js';

export type SortOrder = 'name' | 'count' | 'coverage';
const SORTS: SortOrder[] = ['name', 'count', 'coverage'];

export interface FormField {
  label: string;
  value: string;
  /** A field picked from these (←/→), not typed. */
  choices?: readonly string[];
}

export type Mode =
  | { kind: 'browse' }
  | { kind: 'filter' }
  | { kind: 'help' }
  /** recall: the history entry shown (0 the latest), or null while typing a new one. */
  | { kind: 'sql'; input: string; recall: number | null }
  /** sql: a subset form for the clips a query returned (else for the selected classes of the split). */
  | { kind: 'form'; purpose: 'subset' | 'export'; fields: FormField[]; field: number; sql?: string }
  /** The subsets screen: the row under the cursor, and the subset asked about dropping (y drops it). */
  | { kind: 'subsets'; cursor: number; dropping: string | null };

/** What the screen shows and where the keyboard is; data (rows, results) lives beside it, not in it. */
export interface TuiState {
  focus: 'splits' | 'classes';
  splitCursor: number;
  classCursor: number;
  filter: string;
  sort: SortOrder;
  selected: ReadonlySet<string>;
  mode: Mode;
  /** SQL run before, the latest first (Up/Down at the prompt go through it). */
  history: readonly string[];
}

export const initialState: TuiState = {
  focus: 'classes',
  splitCursor: 0,
  classCursor: 0,
  filter: '',
  sort: 'name',
  selected: new Set(),
  mode: { kind: 'browse' },
  history: [],
};

const HISTORY_KEPT = 200;

export type Action =
  | { type: 'move'; delta: number; count: number }
  | { type: 'focus'; focus: TuiState['focus'] }
  | { type: 'cycle-sort' }
  | { type: 'toggle'; label: string }
  | { type: 'select-all'; labels: string[] }
  | { type: 'clear-selection' }
  | { type: 'clear-filter' }
  | { type: 'mode'; mode: Mode }
  | { type: 'type'; text: string }
  | { type: 'erase' }
  | { type: 'next-field' }
  | { type: 'choose'; delta: number }
  | { type: 'recall'; delta: 1 | -1 }
  | { type: 'remember'; sql: string };

/** A cursor moved to `value`, kept within `count` rows. */
export const clamp = (value: number, count: number) => Math.max(0, Math.min(value, count - 1));

/** Typing goes to whatever the mode edits: the filter, the SQL line, or the focused form field. */
function edit(state: TuiState, change: (text: string) => string): TuiState {
  const { mode } = state;
  if (mode.kind === 'filter') return { ...state, filter: change(state.filter), classCursor: 0 };
  if (mode.kind === 'sql') return { ...state, mode: { ...mode, input: change(mode.input), recall: null } };
  if (mode.kind === 'form' && !mode.fields[mode.field]!.choices) return setField(state, change(mode.fields[mode.field]!.value));
  return state;
}

function setField(state: TuiState, value: string): TuiState {
  const { mode } = state;
  if (mode.kind !== 'form') return state;
  const fields = mode.fields.map((field, index) => (index === mode.field ? { ...field, value } : field));
  return { ...state, mode: { ...mode, fields } };
}

export function reduce(state: TuiState, action: Action): TuiState {
  switch (action.type) {
    case 'move': {
      if (state.focus === 'classes') return { ...state, classCursor: clamp(state.classCursor + action.delta, action.count) };
      const splitCursor = clamp(state.splitCursor + action.delta, action.count);
      // Another split's classes are others: what was selected or filtered in the split left goes.
      return splitCursor === state.splitCursor ? state : { ...state, splitCursor, classCursor: 0, selected: new Set(), filter: '' };
    }
    case 'focus':
      return { ...state, focus: action.focus };
    case 'cycle-sort':
      return { ...state, sort: SORTS[(SORTS.indexOf(state.sort) + 1) % SORTS.length]!, classCursor: 0 };
    case 'toggle': {
      const selected = new Set(state.selected);
      if (!selected.delete(action.label)) selected.add(action.label);
      return { ...state, selected };
    }
    case 'select-all':
      return { ...state, selected: new Set([...state.selected, ...action.labels]) };
    case 'clear-selection':
      return { ...state, selected: new Set() };
    case 'clear-filter':
      return { ...state, filter: '', classCursor: 0 };
    case 'mode':
      return { ...state, mode: action.mode };
    case 'type':
      return edit(state, (text) => text + action.text);
    case 'erase':
      return edit(state, (text) => text.slice(0, -1));
    case 'choose': {
      if (state.mode.kind !== 'form') return state;
      const { fields, field } = state.mode;
      const choices = fields[field]!.choices;
      if (!choices) return state;
      return setField(state, choices[(choices.indexOf(fields[field]!.value) + action.delta + choices.length) % choices.length]!);
    }
    case 'recall': {
      // delta 1 goes back in time (Up), -1 forward (Down); past the latest is an empty prompt.
      if (state.mode.kind !== 'sql' || state.history.length === 0) return state;
      const at = (state.mode.recall ?? -1) + action.delta;
      if (at < 0) return { ...state, mode: { kind: 'sql', input: '', recall: null } };
      const recall = Math.min(at, state.history.length - 1);
      return { ...state, mode: { kind: 'sql', input: state.history[recall]!, recall } };
    }
    case 'remember': {
      const sql = action.sql.trim();
      if (sql === '') return state;
      return { ...state, history: [sql, ...state.history.filter((entry) => entry !== sql)].slice(0, HISTORY_KEPT) };
    }
    case 'next-field':
      return state.mode.kind === 'form' ? { ...state, mode: { ...state.mode, field: state.mode.field + 1 } } : state;
  }
}

/** The classes pane's rows: the filter (substring, any case), then the sort. */
export function visibleClasses(classes: ClassStats[], filter: string, sort: SortOrder): ClassStats[] {
  const needle = filter.toLowerCase();
  const shown = needle === '' ? [...classes] : classes.filter((row) => row.label.toLowerCase().includes(needle));
  const byName = (a: ClassStats, b: ClassStats) => (a.label < b.label ? -1 : a.label > b.label ? 1 : 0);
  const coverage = (row: ClassStats) => row.onDisk / Math.max(1, row.annotated);
  return shown.sort((a, b) =>
    sort === 'count' ? b.annotated - a.annotated || byName(a, b) : sort === 'coverage' ? coverage(a) - coverage(b) || byName(a, b) : byName(a, b),
  );
}

/** The first row to draw so the cursor stays on screen. */
export function windowStart(cursor: number, height: number, count: number): number {
  if (count <= height) return 0;
  return Math.max(0, Math.min(cursor - Math.floor(height / 2), count - height));
}

/** `base`, or `base-2`, `base-3`, … : the first name not taken, so that a default name never replaces a subset. */
export function unusedName(base: string, taken: ReadonlySet<string>): string {
  if (!taken.has(base)) return base;
  let index = 2;
  while (taken.has(`${base}-${index}`)) index++;
  return `${base}-${index}`;
}
