import { resolve } from 'node:path';
import { Box, type Key, useApp } from 'ink';
import { useEffect, useMemo, useRef, useState } from 'react';
import type { Catalog } from '../catalog/catalog.js';
import { EXPORT_FORMATS, type ExportFormat, defaultPaths } from '../export/formats.js';
import { formatBytes, formatCount, plural } from '../util/words.js';
import { type Split, VERSIONS, type VersionId } from '../sources/bucket-layout.js';
import { type StoredSubset, dropSubset, listSubsets, subsetNames } from '../catalog/subsets.js';
import { describeDefinition } from '../subset/describe.js';
import { videosRoot } from '../fetch/video-layout.js';
import { canonicalPath } from '../util/canonical-path.js';
import { classDetails, splitRows, viewColumns } from '../catalog/browse.js';
import { ClassesPane } from './components/classes-pane.js';
import { DetailsPane } from './components/details-pane.js';
import { HelpOverlay } from './components/help-overlay.js';
import { HintBar } from './components/hint-bar.js';
import { SplitsPane } from './components/splits-pane.js';
import { type TableView, TablePane } from './components/table-pane.js';
import { useTerminalSize } from './hooks/use-terminal-size.js';
import { useRefState } from './hooks/use-ref-state.js';
import { useClassDetails } from './hooks/use-class-details.js';
import { useJob } from './hooks/use-job.js';
import { useLatestInput } from './hooks/use-latest-input.js';
import { useSplitClasses } from './hooks/use-split-classes.js';
import { type Action, type FormField, type TuiState, clamp, initialState, reduce, unusedName, visibleClasses } from './state.js';
import { appendHistory, readHistory } from './sql-history.js';
import { busyLine, cancelledLine } from './work/busy.js';
import type { JobRunner } from './work/job-runner.js';
import { inWords } from './work/in-words.js';
import { defaultExportFolder, exportFolder } from './export-folder.js';
import { openFile } from './open-file.js';
import { paneWidths, tail } from './layout.js';

export interface AppProps {
  catalog: Catalog;
  home: string;
  /** Runs subset, plan, export and SQL off the render loop. */
  runner: JobRunner;
}

const field = (label: string, value = '', choices?: readonly string[]): FormField => ({ label, value, choices });

/** Where a subset of the selected classes takes their clips from: the split on screen, or more of them. */
const SCOPE = 'clips from';
const PATHS_RELATIVE_TO = 'paths relative to (relative: under --home)';
const SCOPES = ['this split', 'every split of this version', 'this split in every version', 'every version and split'] as const;

const UNLABELED = '(unlabeled)';
const quoted = (text: string) => `'${text.replaceAll("'", "''")}'`;

/** The clips of these classes and the unlabeled ones, where the scope takes them from, as SQL over `clips`. */
function unlabeledSelectionSql(scope: { versions: VersionId[]; splits: Split[] }, labels: string[]): string {
  const list = (values: string[]) => values.map(quoted).join(', ');
  return (
    `SELECT version, split, clip_key FROM clips WHERE version IN (${list(scope.versions)})` +
    (scope.splits.length > 0 ? ` AND split IN (${list(scope.splits)})` : '') +
    ` AND (label IS NULL${labels.length > 0 ? ` OR label IN (${list(labels)})` : ''})`
  );
}

function scopeOf(choice: string, version: VersionId, splitName: Split): { versions: VersionId[]; splits: Split[] } {
  const everyVersion = choice === SCOPES[2] || choice === SCOPES[3];
  const everySplit = choice === SCOPES[1] || choice === SCOPES[3];
  return { versions: everyVersion ? [...VERSIONS] : [version], splits: everySplit ? [] : [splitName] };
}

/** The key a single character of a multi-key chunk stands for. */
function keyOf(char: string, chunk: Key): Key {
  return {
    ...chunk,
    return: char === '\r' || char === '\n',
    tab: char === '\t',
    backspace: char === '\x7f' || char === '\b',
    escape: char === '\x1b',
  };
}

/** The field being filled: a choice among the others (or its place in them, when they do not fit), text its cursor. */
function formLine(field: FormField, width: number): string {
  if (!field.choices) return tail(`${field.label}: ${field.value}_`, width);
  const all = `${field.label}: ${field.choices.map((choice) => (choice === field.value ? `[${choice}]` : choice)).join(' ')}`;
  return all.length <= width ? all : `${field.label}: ‹ ${field.value} › ${field.choices.indexOf(field.value) + 1} of ${field.choices.length} (←→)`;
}

export function App({ catalog, home, runner }: AppProps) {
  const { exit } = useApp();
  const { columns, rows: height } = useTerminalSize();
  const [stateRef, setState] = useRefState<TuiState>(() => ({ ...initialState, history: readHistory(home) }));
  const dispatch = (action: Action) => setState(reduce(stateRef.current, action));
  const [splits, setSplits] = useState(() => splitRows(catalog));
  const [tableRef, setTable] = useRefState<TableView | null>(null);
  const [message, setMessage] = useState<string | null>(null);
  const [subsetRef, setSubset] = useRefState<string | null>(null);
  const [subsetRowsRef, setSubsetRows] = useRefState<StoredSubset[]>([]);
  const state = stateRef.current;
  const table = tableRef.current;
  const fetching = useRef<AbortController | null>(null);
  const job = useJob(runner);

  const classesOf = useSplitClasses(catalog, splits);
  const split = splits[state.splitCursor];
  const classes = classesOf(split);
  const shown = useMemo(() => visibleClasses(classes, state.filter, state.sort), [classes, state.filter, state.sort]);
  const focusedClass = shown[state.classCursor];
  const paneHeight = Math.max(6, height - 2);
  const { leftWidth, middleWidth, rightWidth } = paneWidths(columns);
  // The details pane: the split and class together, so that they never mismatch.
  const classKey = (label: string | undefined) => (split && label !== undefined ? JSON.stringify([split.version, split.split, label]) : undefined);
  const { key: detailsKey, details } = useClassDetails(
    classKey(focusedClass?.label),
    [classKey(shown[state.classCursor + 1]?.label), classKey(shown[state.classCursor - 1]?.label)],
    (key) => {
      const [version, splitName, label] = JSON.parse(key) as [string, string, string];
      return classDetails(catalog, version, splitName, label, paneHeight);
    },
    // A finished job (fetch, scan) refreshes the splits: the clips' statuses are read again.
    useMemo(() => ({}), [catalog, splits, paneHeight]),
  );
  const detailsLabel = detailsKey === undefined ? undefined : (JSON.parse(detailsKey) as string[])[2];

  useEffect(() => () => fetching.current?.abort(), []);
  const schema = useMemo(
    () => ({ title: 'views (↑↓ recalls earlier queries)', columns: ['view', 'columns'], rows: viewColumns(catalog).map((entry) => [entry.view, entry.columns]), scroll: 0 }),
    [catalog],
  );

  const refresh = () => setSplits(splitRows(catalog));

  /** Shows the subset's plan as a table; an error (a busy catalog, an unreachable source) becomes the message. */
  /** Starts a job; the message of what came before goes (the busy line stands in its place while it runs). */
  const run: typeof job.start = (label, work, onResult, onFailure) => {
    setMessage(null);
    job.start(label, work, onResult, onFailure);
  };

  /** Shows the subset's plan as a table, with a note on how it came (a subset just made); an error is the message. */
  const showPlan = (name: string, note?: string) =>
    run(`planning ${name}`, { kind: 'plan', subset: name, home }, (result) => {
      if (result.kind !== 'table') return;
      setTable(result.view);
      if (note) setMessage(note);
    }, setMessage);

  const startFetch = (name: string) => {
    if (fetching.current) return; // one fetch at a time: the running one keeps its progress and its Esc
    const controller = new AbortController();
    fetching.current = controller;
    const progress = new Map<string, string>();
    let title = `fetching ${name}: esc cancels (a later fetch resumes)`;
    let skippedAbsent = 0;
    const render = () => setTable({ title, columns: ['shard', 'progress'], rows: [...progress].map(([shard, text]) => [shard, text]), scroll: 0 });
    setMessage(`fetching ${name} · esc cancels`);
    const bytes = new Map<string, number>();
    render();
    // Loaded at the first fetch: the HTTP client is a large part of what the first frame would wait for.
    import('../fetch/fetch-subset.js').then(({ fetchSubset }) => fetchSubset(catalog, name, {
      home,
      jobs: 4,
      keepArchives: false,
      signal: controller.signal,
      onProgress: (event) => {
        const key = `${event.shard.version}/${event.shard.split}/${event.shard.name}`;
        if (event.kind === 'bytes') bytes.set(key, (bytes.get(key) ?? 0) + event.bytes);
        if (event.kind === 'skipped' && event.shard.absentFromSource) skippedAbsent++;
        progress.set(
          key,
          event.kind === 'finished'
            ? event.result.state === 'extracted'
              ? `extracted ${event.result.extracted}/${event.result.members}`
              : event.result.state === 'cancelled' || event.result.state === 'absent'
                ? event.result.state
                : `failed: ${event.result.error}`
            : event.kind === 'skipped'
              ? 'skipped'
              : formatBytes(bytes.get(key) ?? 0),
        );
        render();
      },
    }))
      .then((summary) => {
        const absent = summary.shards.filter((shard) => shard.state === 'absent').length + skippedAbsent;
        title = `fetch ${name}: ${controller.signal.aborted ? 'cancelled' : 'done'}`;
        render();
        setMessage(
          `${controller.signal.aborted ? 'cancelled: ' : ''}${plural(summary.extracted, 'clip')} extracted, ${formatCount(summary.stillMissing)} still missing` +
            `${absent > 0 ? ` (${plural(absent, 'shard')} not in the source: kinetics fetch --retry-absent asks again)` : ''}`,
        );
      })
      .catch((error: unknown) => setMessage(inWords(error, catalog.file)))
      .finally(() => {
        fetching.current = null;
        // Clips extracted before a failure are on disk too.
        refresh();
      });
  };

  const submitForm = () => {
    const state = stateRef.current;
    const subset = subsetRef.current;
    const split = splits[state.splitCursor];
    if (state.mode.kind !== 'form') return;
    const { purpose, fields, sql } = state.mode;
    const value = (label: string) => fields.find((entry) => entry.label === label)!.value.trim();
    dispatch({ type: 'mode', mode: { kind: 'browse' } });
    try {
      if (purpose === 'subset' && (split || sql)) {
        const name = value('name');
        const perClass = value('per-class cap (blank: all)');
        const confirm = `replace the subset ${name}? (y/N)`;
        const answer = fields.find((entry) => entry.label === confirm)?.value.trim();
        if (subsetNames(catalog).has(name) && !/^y/i.test(answer ?? '')) {
          if (answer !== undefined) return setMessage(`subset ${name} kept as it was; n makes another one under a new name`);
          // Asked, never assumed: the form comes back with the question.
          const asked = [...fields, field(confirm)];
          dispatch({ type: 'mode', mode: { kind: 'form', purpose, fields: asked, field: asked.length - 1, sql } });
          return setMessage(`a subset ${name} exists: y replaces it; enter keeps it`);
        }
        for (const [label, text] of [['per-class cap', perClass], ['seed', value('seed')]] as const) {
          if (!/^\d*$/.test(text)) throw new Error(`the ${label} is a whole number, not "${text}"`);
        }
        const scope = sql || !split ? { versions: [...VERSIONS], splits: [] } : scopeOf(value(SCOPE), split.version as VersionId, split.split as Split);
        const labels = [...state.selected].filter((label) => label !== UNLABELED);
        // Clips without a label are no class a definition can name: with them, the selection is written as SQL.
        const withUnlabeled = !sql && state.selected.has(UNLABELED);
        const definition = {
          ...scope,
          classes: sql || withUnlabeled ? [] : labels,
          match: null,
          perClass: perClass === '' ? null : Number(perClass),
          limit: null,
          seed: Number(value('seed') || 0),
          onlyMissing: /^y/i.test(value('only missing? (y/n)')),
          onlyOnDisk: false,
          sql: sql ?? (withUnlabeled ? unlabeledSelectionSql(scope, labels) : null),
        };
        run(`making subset ${name}`, { kind: 'subset', name, definition }, (result) => {
          if (result.kind !== 'subset') return;
          setSubset(name);
          showPlan(name, `subset ${name}: ${plural(result.clips, 'clip')} · p plan · f fetch · e export`);
        }, setMessage);
      } else if (purpose === 'export' && subset) {
        const format = value('format') as ExportFormat;
        const out = exportFolder(home, value('folder (relative: under --home)'));
        const typedRoot = value(PATHS_RELATIVE_TO).trim();
        const videoRoot = canonicalPath(typedRoot === '' ? videosRoot(home) : resolve(home, typedRoot));
        const fetchedVideos = canonicalPath(videosRoot(home));
        const options = { subset, format, out, paths: defaultPaths(format), videoRoot, fetchedVideos, includeMissing: false, excludeOverlapWith: [], link: 'symlink' as const, classNames: 'labels' as const };
        run(`exporting ${subset} as ${format}`, { kind: 'export', options }, (result) => {
          if (result.kind !== 'export') return;
          const { summary } = result;
          const warned = summary.warnings.length > 0 ? ` · warning: ${summary.warnings.join(' · ')}` : '';
          setMessage(`exported ${plural(summary.listed, 'clip')} to ${out}${summary.excluded > 0 ? ` (${formatCount(summary.excluded)} not on disk: excluded.csv)` : ''}${warned}`);
        }, setMessage);
      }
    } catch (error) {
      setMessage(inWords(error, catalog.file));
    }
  };

  /** The subsets screen: pick one to plan, fetch or export; drop one once y confirms it. */
  const subsetsKey = (input: string, key: Key, mode: Extract<TuiState['mode'], { kind: 'subsets' }>) => {
    const rows = subsetRowsRef.current;
    const chosen = rows[mode.cursor]?.name;
    if (mode.dropping !== null) {
      dispatch({ type: 'mode', mode: { ...mode, dropping: null } });
      if (input !== 'y') return setMessage(`subset ${mode.dropping} kept`);
      try {
        dropSubset(catalog, mode.dropping);
        if (subsetRef.current === mode.dropping) setSubset(null);
        setSubsetRows(listSubsets(catalog));
        dispatch({ type: 'mode', mode: { kind: 'subsets', cursor: Math.max(0, Math.min(mode.cursor, rows.length - 2)), dropping: null } });
        return setMessage(`dropped subset ${mode.dropping}`);
      } catch (error) {
        return setMessage(inWords(error, catalog.file));
      }
    }
    if (key.escape || input === 'q') return dispatch({ type: 'mode', mode: { kind: 'browse' } });
    if (key.upArrow || input === 'k') return dispatch({ type: 'mode', mode: { ...mode, cursor: Math.max(0, mode.cursor - 1) } });
    if (key.downArrow || input === 'j') return dispatch({ type: 'mode', mode: { ...mode, cursor: Math.min(Math.max(0, rows.length - 1), mode.cursor + 1) } });
    if (!chosen) return;
    if (input === 'd') {
      dispatch({ type: 'mode', mode: { ...mode, dropping: chosen } });
      return setMessage(`drop subset ${chosen} (${plural(rows[mode.cursor]!.clips, 'clip')})? y drops it, any other key keeps it`);
    }
    if (key.return || input === 'p' || input === 'f' || input === 'e') {
      setSubset(chosen);
      dispatch({ type: 'mode', mode: { kind: 'browse' } });
      if (input === 'f') return startFetch(chosen);
      if (input === 'e') return openExportForm(chosen);
      return showPlan(chosen, `subset ${chosen} · p plan · f fetch · e export`);
    }
  };

  /** The subset form: of the selected classes, or of the clips a query returned (which must name them). */
  const openSubsetForm = (name: string, sql?: string, columns?: string[]) => {
    const lacking = ['version', 'split', 'clip_key'].filter((column) => columns && !columns.includes(column));
    if (lacking.length > 0) return setMessage(`a subset needs version, split and clip_key from the query; it lacks ${lacking.join(', ')}`);
    dispatch({
      type: 'mode',
      mode: {
        kind: 'form',
        purpose: 'subset',
        field: 0,
        sql,
        fields: [
          field('name', name),
          ...(sql ? [] : [field(SCOPE, SCOPES[0], SCOPES)]),
          field('per-class cap (blank: all)'),
          field('seed', '0'),
          field('only missing? (y/n)', 'n'),
        ],
      },
    });
  };

  /** A class's clips as a table: o opens the one under the cursor, n makes a subset of them. */
  const showClips = (version: string, splitName: string, label: string) => {
    const sql =
      `SELECT version, split, clip_key, time_start, time_end, status, path FROM clips ` +
      `WHERE version = ${quoted(version)} AND split = ${quoted(splitName)} AND label = ${quoted(label)} ORDER BY clip_key`;
    run(`reading the clips of ${label}`, { kind: 'query', sql }, (result) => result.kind === 'table' && setTable({ ...result.view, title: `${label} in ${version} ${splitName}` }), setMessage);
  };

  const openExportForm = (subset: string) =>
    dispatch({
      type: 'mode',
      mode: {
        kind: 'form',
        purpose: 'export',
        field: 0,
        fields: [
          field('format', 'mmaction', EXPORT_FORMATS),
          field('folder (relative: under --home)', defaultExportFolder(home, subset)),
          // export --root: clips scanned in a tree of their own are listed relative to it, not with ../ paths.
          field(PATHS_RELATIVE_TO, videosRoot(home)),
        ],
      },
    });

  const handleKey = (input: string, key: Key) => {
    const state = stateRef.current;
    const table = tableRef.current;
    const subset = subsetRef.current;
    // Of the state the keys before this one left, which the screen may not show yet; the class list is read only by
    // a key that needs it (moving down the splits passes theirs by).
    const split = splits[state.splitCursor];
    const shown = () => visibleClasses(classesOf(split), state.filter, state.sort);
    const focusedClass = () => shown()[state.classCursor];
    const mode = state.mode;
    if (key.ctrl && input === 'c') return exit();
    // Keys typed while work runs would act on a screen not yet seen: only esc (cancel) counts.
    if (job.busy.current) {
      const busy = job.busy.current;
      if (key.escape) job.cancel(() => setMessage(cancelledLine(busy)));
      return;
    }
    if (mode.kind === 'subsets') return subsetsKey(input, key, mode);
    if (mode.kind === 'help') {
      if (key.escape || input === '?' || input === 'q') dispatch({ type: 'mode', mode: { kind: 'browse' } });
      return;
    }
    if (mode.kind === 'filter' || mode.kind === 'sql' || mode.kind === 'form') {
      if (key.escape) {
        if (mode.kind === 'filter') dispatch({ type: 'clear-filter' });
        return dispatch({ type: 'mode', mode: { kind: 'browse' } });
      }
      if (key.return) {
        if (mode.kind === 'filter') dispatch({ type: 'mode', mode: { kind: 'browse' } });
        if (mode.kind === 'sql') {
          dispatch({ type: 'mode', mode: { kind: 'browse' } });
          dispatch({ type: 'remember', sql: mode.input });
          appendHistory(home, mode.input);
          run('running the query', { kind: 'query', sql: mode.input }, (result) => {
            if (result.kind !== 'table') return;
            setTable(result.view);
            setMessage(null);
          }, setMessage);
        }
        if (mode.kind === 'form') {
          if (mode.field + 1 < mode.fields.length) dispatch({ type: 'next-field' });
          else submitForm();
        }
        return;
      }
      const choices = mode.kind === 'form' ? mode.fields[mode.field]!.choices : undefined;
      if (choices) {
        if (key.leftArrow || key.rightArrow || input === ' ') dispatch({ type: 'choose', delta: key.leftArrow ? -1 : 1 });
        return;
      }
      if (mode.kind === 'sql' && (key.upArrow || key.downArrow)) return dispatch({ type: 'recall', delta: key.upArrow ? 1 : -1 });
      if (key.backspace || key.delete) return dispatch({ type: 'erase' });
      if (input && !key.ctrl && !key.meta && !/[\x00-\x1f]/.test(input)) dispatch({ type: 'type', text: input });
      return;
    }
    if (table) {
      if (key.escape) {
        fetching.current?.abort();
        return setTable(null);
      }
      const scrollTo = (row: number) => setTable({ ...table, scroll: Math.max(0, Math.min(table.rows.length - 1, row)) });
      if (key.upArrow || input === 'k') return scrollTo(table.scroll - 1);
      if (key.downArrow || input === 'j') return scrollTo(table.scroll + 1);
      if (key.pageUp) return scrollTo(table.scroll - (paneHeight - 4));
      if (key.pageDown) return scrollTo(table.scroll + (paneHeight - 4));
      if (input === 'g') return scrollTo(0);
      if (input === 'G') return scrollTo(table.rows.length - 1);
      if (key.leftArrow || key.rightArrow) {
        return setTable({ ...table, first: Math.max(0, Math.min(table.columns.length - 1, (table.first ?? 0) + (key.rightArrow ? 1 : -1))) });
      }
      if (input === 'q') return exit();
      if (input === 'o' && table.columns.includes('path')) {
        const path = table.rows[table.scroll]?.[table.columns.indexOf('path')];
        return typeof path === 'string' ? openFile(path, setMessage) : setMessage('that clip is not on disk: f fetches the subset it is in');
      }
      if (input === 'n' && table.sql !== undefined) return openSubsetForm(unusedName('tui-sql', subsetNames(catalog)), table.sql, table.columns);
      if (input !== 'p' && input !== 'f' && input !== 'e') return;
      if (input !== 'f') setTable(null);
    }
    const count = () => (state.focus === 'splits' ? splits.length : shown().length);
    const move = (delta: number) => {
      // Leaving a split drops its selection and filter (see the reducer): said, when there were any.
      const left = splits[state.splitCursor];
      const leaving = state.focus === 'splits' && clamp(state.splitCursor + delta, count()) !== state.splitCursor;
      if (leaving && left && (state.selected.size > 0 || state.filter !== '')) {
        const dropped = [...(state.selected.size > 0 ? [`${plural(state.selected.size, 'class')} selected`] : []), ...(state.filter !== '' ? [`the filter "${state.filter}"`] : [])];
        setMessage(`left ${left.version} ${left.split}: cleared ${dropped.join(' and ')}`);
      }
      dispatch({ type: 'move', delta, count: count() });
    };
    if (input === 'q') return exit();
    if (key.upArrow || input === 'k') return move(-1);
    if (key.downArrow || input === 'j') return move(1);
    if (key.pageUp) return move(-(paneHeight - 4));
    if (key.pageDown) return move(paneHeight - 4);
    if (key.tab || key.leftArrow || key.rightArrow) return dispatch({ type: 'focus', focus: state.focus === 'splits' ? 'classes' : 'splits' });
    if (input === '/') return dispatch({ type: 'mode', mode: { kind: 'filter' } });
    if (input === '?') return dispatch({ type: 'mode', mode: { kind: 'help' } });
    if (input === 'S') {
      setSubsetRows(listSubsets(catalog));
      return dispatch({ type: 'mode', mode: { kind: 'subsets', cursor: 0, dropping: null } });
    }
    if (input === ':') return dispatch({ type: 'mode', mode: { kind: 'sql', input: '', recall: null } });
    if (input === 's') return dispatch({ type: 'cycle-sort' });
    const focused = input === ' ' || key.return ? focusedClass() : undefined;
    if (input === ' ' && focused) return dispatch({ type: 'toggle', label: focused.label });
    if (key.return && state.focus === 'classes' && focused && split) return showClips(split.version, split.split, focused.label);
    if (input === 'a') return dispatch({ type: 'select-all', labels: shown().map((row) => row.label) });
    if (input === 'c') return dispatch({ type: 'clear-selection' });
    if (input === 'n') {
      if (state.selected.size === 0) return setMessage('select classes first (space, or a for all shown)');
      return openSubsetForm(unusedName(`tui-${split?.version}-${split?.split}`, subsetNames(catalog)));
    }
    if (input === 'p' || input === 'f' || input === 'e') {
      if (!subset) return setMessage('make a subset first: select classes, then n');
      if (input === 'p') return showPlan(subset);
      if (input === 'f') return startFetch(subset);
      return openExportForm(subset);
    }
  };

  useLatestInput((input, key) => {
    const plain = !key.ctrl && !key.meta && !key.return && !key.escape && !key.tab && !key.backspace && !key.delete;
    // Keys that arrive together (tmux, a paste) come as one string: take them one by one.
    if (plain && input.length > 1) for (const char of input) handleKey(char, keyOf(char, key));
    else handleKey(input, key);
  });

  const mode = state.mode;
  return (
    <Box flexDirection="column" width={columns} height={height}>
      <Box height={paneHeight}>
        {/* The help takes the whole width, so that it fits 80 columns without cutting a line. */}
        {mode.kind !== 'help' && <SplitsPane rows={splits} cursor={state.splitCursor} focused={state.focus === 'splits'} width={leftWidth} />}
        {mode.kind === 'help' ? (
          <HelpOverlay width={columns} height={paneHeight} />
        ) : table ? (
          <TablePane view={table} height={paneHeight} width={columns - leftWidth} cursor={table.columns.includes('path') ? table.scroll : undefined} />
        ) : mode.kind === 'subsets' ? (
          <TablePane
            view={{
              title: 'subsets',
              columns: ['name', 'clips', 'made', 'definition'],
              optional: ['definition'],
              rows: subsetRowsRef.current.map((entry) => [entry.name, entry.clips, entry.created_at.slice(0, 16).replace('T', ' '), describeDefinition(entry.definition)]),
              scroll: 0,
            }}
            cursor={mode.cursor}
            height={paneHeight}
            width={columns - leftWidth}
          />
        ) : mode.kind === 'sql' ? (
          <TablePane view={schema} height={paneHeight} width={columns - leftWidth} />
        ) : (
          <>
            <ClassesPane
              rows={shown}
              total={classes.length}
              cursor={state.classCursor}
              selected={state.selected}
              focused={state.focus === 'classes'}
              height={paneHeight}
              width={middleWidth}
              filter={state.filter}
              filtering={mode.kind === 'filter'}
              sort={state.sort}
            />
            <DetailsPane label={detailsLabel} details={details} height={paneHeight} width={rightWidth} />
          </>
        )}
      </Box>
      <HintBar
        width={columns}
        mode={
          job.busy.current
            ? 'busy'
            : table && mode.kind === 'browse'
              ? table.sql === undefined ? 'table' : 'result'
              : mode.kind === 'form' && mode.fields[mode.field]!.choices
                ? 'pick'
                : mode.kind
        }
        status={
          job.busy.current
            ? busyLine(job.busy.current, Date.now())
            : mode.kind === 'sql'
            ? tail(`:${mode.input}_`, columns)
            : mode.kind === 'form'
              ? formLine(mode.fields[mode.field]!, columns)
              : (message ?? '')
        }
      />
    </Box>
  );
}
