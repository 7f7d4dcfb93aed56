import type { Database } from 'better-sqlite3';
import { UsageError } from '../errors.js';
import type { Catalog } from './catalog.js';
import { prepareReadOnly } from './read-only-query.js';
import { closestNames } from '../util/closest-names.js';
import { someOf } from '../util/words.js';
import type { SubsetDefinition } from '../subset/definition.js';
import { USABLE_STATUS_LIST } from './clips.js';
import { CLIP_ROW_FILES, clipRowFiles } from './source-files.js';

/**
 * A clip's place in the seed's shuffle: the same for the same seed and clip, whatever else the catalog holds.
 * FNV-1a over the UTF-16 code units of `seed:clip_key` (clip keys are ASCII), finished with murmur3's fmix32 so that
 * every bit of the key moves every bit of the rank; equal ranks (a few dozen in a split) are ordered by clip_key.
 */
export function shuffleRank(seed: number, clipKey: string): number {
  return rankAfter(stateAfterSeed(seed), clipKey);
}

/** FNV-1a's state after `seed:`, where every rank under that seed starts. */
function stateAfterSeed(seed: number): number {
  return fnv1a(0x811c9dc5, `${seed}:`);
}

function fnv1a(state: number, text: string): number {
  let hash = state;
  for (let index = 0; index < text.length; index++) hash = Math.imul(hash ^ text.charCodeAt(index), 0x01000193);
  return hash;
}

function rankAfter(seedState: number, clipKey: string): number {
  let hash = fnv1a(seedState, clipKey);
  hash = Math.imul(hash ^ (hash >>> 16), 0x85ebca6b);
  hash = Math.imul(hash ^ (hash >>> 13), 0xc2b2ae35);
  return (hash ^ (hash >>> 16)) >>> 0;
}

/**
 * Registers the shuffle's rank as the SQL function kinetics_rank(seed, key). The seed's state is kept from one row
 * to the next: a whole split (536k clips, read from the label index) is ranked in 0.19–0.21 s instead of 0.32 s.
 */
function registerShuffleRank(db: Database): void {
  let seed = Number.NaN;
  let seedState = 0;
  db.function('kinetics_rank', { deterministic: true }, (rowSeed, clipKey) => {
    if (rowSeed !== seed) [seed, seedState] = [Number(rowSeed), stateAfterSeed(Number(rowSeed))];
    return rankAfter(seedState, String(clipKey));
  });
}

/** For each requested class, the versions (of all in the catalog) that have it. */
function versionsOfClasses(db: Database, classes: string[]): Map<string, string[]> {
  const having = new Map<string, string[]>(classes.map((label) => [label, []]));
  const rows = db
    .prepare('SELECT version, label FROM classes WHERE label IN (SELECT value FROM json_each(?)) ORDER BY version')
    .all(JSON.stringify(classes)) as { version: string; label: string }[];
  for (const row of rows) having.get(row.label)!.push(row.version);
  return having;
}

/** The versions the catalog holds classes of, in order (a version never ingested has none). */
export function versionsWithClasses({ sqlite: db }: Pick<Catalog, 'sqlite'>): string[] {
  return db.prepare('SELECT DISTINCT version FROM classes ORDER BY 1').pluck().all() as string[];
}

/** The chosen versions the catalog holds classes of (a version never ingested has none, and says nothing). */
function ingestedVersions(db: Database, definition: SubsetDefinition): string[] {
  const ingested = new Set(versionsWithClasses({ sqlite: db }));
  return definition.versions.filter((version) => ingested.has(version));
}

/** Refuses versions the catalog holds no clips of, and splits none of the chosen versions has: naming what it holds. */
function checkVersionsAndSplits(db: Database, definition: SubsetDefinition): void {
  const held = db
    .prepare(`SELECT DISTINCT version, split FROM source_files WHERE ${CLIP_ROW_FILES} AND rows > 0 ORDER BY version, split`)
    .all() as { version: string; split: string }[];
  const chosen = held.filter((row) => (definition.versions as string[]).includes(row.version));
  if (chosen.length === 0) {
    const versions = [...new Set(held.map((row) => row.version))];
    throw new UsageError(
      `this catalog holds no clips of ${definition.versions.join(', ')}` +
        (versions.length > 0 ? ` (it holds ${versions.join(', ')})` : '') +
        `; run \`kinetics ingest --versions ${definition.versions.join(',')}\``,
    );
  }
  const splits = definition.splits as string[];
  if (splits.length > 0 && !chosen.some((row) => splits.includes(row.split))) {
    const bySplit = [...new Set(chosen.map((row) => `${row.version} ${row.split}`))];
    throw new UsageError(`no clips of ${definition.versions.join(', ')} in ${splits.join(', ')}; this catalog holds ${bySplit.join(', ')}`);
  }
}

/** Refuses a class that none of the chosen versions has: naming the versions that do, or else the closest labels. */
function checkClasses(db: Database, definition: SubsetDefinition): void {
  if (definition.classes.length === 0) return;
  const chosen = ingestedVersions(db, definition);
  if (chosen.length === 0) return; // nothing to select from: the subset is refused as empty
  for (const [label, versions] of versionsOfClasses(db, definition.classes)) {
    const problem = classProblem(db, label, versions, chosen);
    if (problem) throw new UsageError(problem);
  }
}

/**
 * Refuses classes asked only of splits that have none (K600's holdout_test, the test splits of K600 and K700-2020),
 * and a --match that fits no class of the chosen splits: GLOB minds case, so the classes it would fit in another
 * case are named.
 */
function checkLabelChoice(db: Database, definition: SubsetDefinition): void {
  if (definition.classes.length === 0 && definition.match === null) return;
  const splits = JSON.stringify(definition.splits);
  const scope = db
    .prepare(
      `SELECT f.id, f.version, f.split, EXISTS (SELECT 1 FROM source_labels l WHERE l.source_id = f.id) AS labelled FROM source_files f
       WHERE ${CLIP_ROW_FILES} AND f.rows > 0 AND f.version IN (SELECT value FROM json_each(?))
         AND (json_array_length(?) = 0 OR f.split IN (SELECT value FROM json_each(?)))
       ORDER BY f.version, f.split`,
    )
    .all(JSON.stringify(definition.versions), splits, splits) as { id: number; version: string; split: string; labelled: number }[];
  const named = scope.map((row) => `${row.version} ${row.split}`).join(', ');
  if (scope.length > 0 && scope.every((row) => !row.labelled)) {
    const option = definition.classes.length > 0 ? '--class' : '--match';
    throw new UsageError(`${named} ${scope.length === 1 ? 'has' : 'have'} no labels: ${option} picks no clip there`);
  }
  if (definition.match === null) return;
  const fitting = (condition: string) =>
    db
      .prepare(`SELECT DISTINCT label FROM source_labels WHERE source_id IN (SELECT value FROM json_each(?)) AND ${condition} ORDER BY label`)
      .pluck()
      .all(JSON.stringify(scope.map((row) => row.id)), definition.match) as string[];
  if (fitting('label GLOB ?').length > 0) return;
  const anyCase = fitting('lower(label) GLOB lower(?)');
  throw new UsageError(
    `--match "${definition.match}" fits no class of ${definition.splits.length === 0 ? definition.versions.join(', ') : named}` +
      (anyCase.length > 0 ? `; it minds case (GLOB): in another case it fits ${someOf(anyCase.map((label) => `"${label}"`), 3)}` : ''),
  );
}

function classProblem(db: Database, label: string, versionsOfLabel: string[], chosen: string[]): string | undefined {
  if (versionsOfLabel.some((version) => chosen.includes(version))) return undefined;
  const known = new Set(
    db
      .prepare('SELECT DISTINCT label FROM classes WHERE version IN (SELECT value FROM json_each(?))')
      .pluck()
      .all(JSON.stringify(chosen)) as string[],
  );
  const closest = closestNames(label, known).map((name) => `"${name}"`).join(', ');
  // A class renamed between versions (K400's "hugging", K700-2020's "hugging (not baby)") is among the closest.
  if (versionsOfLabel.length > 0) return `class "${label}" is not in ${chosen.join(', ')}; it is a class of ${versionsOfLabel.join(', ')}; closest in ${chosen.join(', ')}: ${closest}`;
  return `unknown class "${label}" in ${chosen.join(', ')}; closest: ${closest}`;
}

/**
 * Why a label named on its own (a named query's `-p label`) would select nothing: not a class of `version` (or of
 * any ingested version), with the closest labels; undefined when it is one, or when the catalog holds no classes.
 */
export function unknownClassProblem({ sqlite: db }: Catalog, label: string, version: string | null): string | undefined {
  const ingested = versionsWithClasses({ sqlite: db });
  const chosen = ingested.filter((each) => version === null || each === version);
  if (chosen.length === 0) return undefined;
  return classProblem(db, label, versionsOfClasses(db, [label]).get(label) ?? [], chosen);
}

/** What a user should know of the requested classes: those that some of the chosen versions lack. */
export function classNotes({ sqlite: db }: Catalog, definition: SubsetDefinition): string[] {
  if (definition.sql !== null) return [];
  const chosen = ingestedVersions(db, definition);
  return [...versionsOfClasses(db, definition.classes)].flatMap(([label, versions]) => {
    const lacking = chosen.filter((version) => !versions.includes(version));
    return lacking.length > 0 && lacking.length < chosen.length ? [`"${label}" is not a class of ${lacking.join(', ')}: no clips of it from there`] : [];
  });
}

/** A --sql selection must read, name (version, split, clip_key), and take no parameters (subset create has no -p). */
function checkSelectQuery(db: Database, sql: string, query: string): void {
  if (!/^\s*(\(|select\b|with\b|values\b)/i.test(query)) throw new UsageError('--sql takes a SELECT that returns version, split and clip_key');
  let statement;
  try {
    statement = prepareReadOnly(db, sql);
  } catch (error) {
    const column = /no such column: q\.(\w+)/.exec((error as Error).message);
    if (column) throw new UsageError(`--sql must return the columns version, split and clip_key (it returns no ${column[1]})`);
    throw error;
  }
  try {
    statement.columns();
    db.prepare(`EXPLAIN ${sql}`).all();
  } catch (error) {
    if (/parameter/i.test((error as Error).message)) throw new UsageError('--sql takes no parameters (:name, ?): write the values into the query');
    throw new UsageError(`SQL error: ${(error as Error).message}`);
  }
}

export type SelectionParams = Record<string, string | number | null>;

export interface Selection {
  sql: string;
  params: SelectionParams;
}

/** Every shuffle rank is below it: the pre-filter that lets every clip through. */
const EVERY_RANK = 2 ** 32;

/** How many clip rows the chosen versions and splits hold (every split when none is chosen), and the catalog in all. */
function rowsOfChoice(db: Database, definition: SubsetDefinition): { chosen: number; all: number } {
  const rows = clipRowFiles(db);
  const splits: readonly string[] = definition.splits;
  const versions: readonly string[] = definition.versions;
  const chosen = rows.filter((row) => versions.includes(row.version) && (splits.length === 0 || splits.includes(row.split)));
  const sum = (list: typeof rows) => list.reduce((total, row) => total + row.rows, 0);
  return { chosen: sum(chosen), all: sum(rows) };
}

/**
 * The SQL that lists a definition's clips as (version, split, clip_key), sampled deterministically by the seed's
 * shuffle (per class, then overall), all inside SQLite: only the chosen clips ever leave it. `--sql` may name any
 * clips by (version, split, clip_key). Run it through `runSelection`.
 */
export function selectionSql(db: Database, definition: SubsetDefinition): Selection {
  registerShuffleRank(db);
  const conditions: string[] = [];
  let chosen: string;
  /** How many clips the selection ranks, when the rows of its versions and splits say it exactly. */
  let ranked: number | undefined;
  if (definition.sql !== null) {
    const query = definition.sql.trim().replace(/;+$/, '');
    chosen = `SELECT DISTINCT c.version, c.split, c.clip_key, c.label, c.status FROM (${query}) q
              JOIN clips c ON c.version = q.version AND c.split = q.split AND c.clip_key = q.clip_key`;
    checkSelectQuery(db, chosen, query);
  } else {
    checkVersionsAndSplits(db, definition);
    checkClasses(db, definition);
    checkLabelChoice(db, definition);
    const keysAlone =
      definition.classes.length === 0 && definition.match === null && definition.perClass === null && !definition.onlyMissing && !definition.onlyOnDisk && !definition.onceOnDisk;
    const rows = rowsOfChoice(db, definition);
    if (keysAlone) ranked = rows.chosen;
    // A large share of the catalog, by key alone and unsampled, is read from the key index whole (named: the label
    // index covers these columns too), in key order, the order the members are stored in: all 536k of K700-2020 train
    // ~0.9 s sooner than in label order. Not while a bulk load has set the indexes aside. Ranked clips come from the
    // label index, which holds their keys.
    const wholeKeyIndex =
      keysAlone && definition.limit === null && rows.chosen * 4 > rows.all && db.prepare("SELECT 1 FROM sqlite_master WHERE name = 'clip_annotations_by_key'").get() !== undefined;
    conditions.push('version IN (SELECT value FROM json_each(@kinetics_versions))');
    if (definition.splits.length > 0) conditions.push('split IN (SELECT value FROM json_each(@kinetics_splits))');
    if (definition.classes.length > 0) conditions.push('label IN (SELECT value FROM json_each(@kinetics_classes))');
    if (definition.match !== null) conditions.push('label GLOB @kinetics_match');
    chosen = wholeKeyIndex ? 'SELECT version, split, clip_key FROM clip_annotations INDEXED BY clip_annotations_by_key' : 'SELECT version, split, clip_key, label, status FROM clips';
  }
  if (definition.onlyMissing || definition.onlyOnDisk) conditions.push(`status ${definition.onlyMissing ? 'NOT IN' : 'IN'} ${USABLE_STATUS_LIST}`);
  if (definition.onceOnDisk) conditions.push('clip_key IN (SELECT clip_key FROM disk_files WHERE clip_key IS NOT NULL)');
  const filtered = `SELECT * FROM (${chosen}) ${conditions.length > 0 ? `WHERE ${conditions.join(' AND ')}` : ''}`;
  // Equal ranks are ordered by clip_key; one key in several versions or splits (one rank) by version and split.
  // With no sampling, nothing is ranked. A limit alone over whole versions and splits first lets through only the
  // ranks below a bound that about as many clips as the limit reach (six standard deviations more): most of a split
  // never reaches the sort. A per-class cap ranks by class.
  const sql =
    definition.perClass === null && definition.limit === null
      ? `SELECT version, split, clip_key FROM (${filtered})`
      : definition.perClass === null
        ? `SELECT version, split, clip_key FROM (SELECT version, split, clip_key, kinetics_rank(@kinetics_seed, clip_key) AS rank FROM (${filtered}))
           WHERE rank < @kinetics_below ORDER BY rank, clip_key, version, split LIMIT @kinetics_limit`
        : `WITH ranked AS MATERIALIZED (SELECT version, split, clip_key, label, kinetics_rank(@kinetics_seed, clip_key) AS rank FROM (${filtered})),
                placed AS (SELECT *, row_number() OVER (PARTITION BY version, split, label ORDER BY rank, clip_key) AS place FROM ranked)
           SELECT version, split, clip_key FROM placed WHERE place <= @kinetics_per_class ORDER BY rank, clip_key, version, split
           LIMIT coalesce(@kinetics_limit, -1)`;
  // Named so that they cannot meet a parameter of the user's --sql (which is refused any: there is no -p here).
  const params: SelectionParams = {};
  if (definition.limit !== null || definition.perClass !== null) Object.assign(params, { kinetics_seed: definition.seed, kinetics_limit: definition.limit });
  if (definition.perClass !== null) params.kinetics_per_class = definition.perClass;
  else if (definition.limit !== null) params.kinetics_below = rankBound(definition.limit, ranked);
  if (definition.sql === null) {
    Object.assign(params, {
      kinetics_versions: JSON.stringify(definition.versions),
      kinetics_splits: JSON.stringify(definition.splits),
      kinetics_classes: JSON.stringify(definition.classes),
      kinetics_match: definition.match,
    });
  }
  return { sql, params };
}

/**
 * A rank below which `limit` of `ranked` clips fall, with a margin of six standard deviations and 100 clips. With a
 * class or status filter the count is not known without a pass of its own: every rank then.
 */
function rankBound(limit: number, ranked: number | undefined): number {
  if (ranked === undefined || ranked === 0) return EVERY_RANK;
  return Math.min(EVERY_RANK, Math.ceil((EVERY_RANK * (limit + 6 * Math.sqrt(limit) + 100)) / ranked));
}

/**
 * Runs a selection (`run` returns how many clips it found), and once more with every rank in the rare run where
 * fewer clips than the limit passed its rank bound. Either way the clips are those the plain sort would keep: each
 * ranks below the bound, and the order (rank, clip_key, version, split) has no ties.
 */
export function runSelection({ params }: Selection, run: (params: SelectionParams) => number): number {
  const found = run(params);
  const bound = params.kinetics_below;
  if (bound === undefined || bound === EVERY_RANK || found >= Number(params.kinetics_limit)) return found;
  return run({ ...params, kinetics_below: EVERY_RANK });
}

/** How many clips a definition selects, without storing them. */
export function countSelection(catalog: Catalog, definition: SubsetDefinition): number {
  const selection = selectionSql(catalog.sqlite, definition);
  const count = catalog.sqlite.prepare(`SELECT count(*) FROM (${selection.sql})`).pluck();
  return runSelection(selection, (params) => Number(count.get(params)));
}
