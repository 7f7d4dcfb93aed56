import { createHash } from 'node:crypto';
import type { Database } from 'better-sqlite3';
import { UsageError } from '../errors.js';
import { runReadOnlyQuery } from '../query/read-only-query.js';
import { closestNames } from '../util/closest-names.js';
import { type SubsetDefinition, USABLE_STATUSES } from './definition.js';

export interface SelectedClip {
  version: string;
  split: string;
  clip_key: string;
  label: string | null;
}

/** A clip's place in the seed's shuffle: the same for the same seed and clip, whatever else the catalog holds. */
function rank(seed: number, clipKey: string): string {
  return createHash('sha1').update(`${seed}:${clipKey}`).digest('hex');
}

function shuffled<T extends { clip_key: string }>(rows: T[], seed: number): T[] {
  return rows
    .map((row) => ({ row, rank: rank(seed, row.clip_key) }))
    .sort((a, b) => (a.rank < b.rank ? -1 : a.rank > b.rank ? 1 : 0))
    .map((entry) => entry.row);
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

/** The chosen versions the catalog holds classes of (a version never ingested has none, and says nothing). */
function ingestedVersions(db: Database, definition: SubsetDefinition): string[] {
  const ingested = new Set(db.prepare('SELECT DISTINCT version FROM classes').pluck().all() as string[]);
  return definition.versions.filter((version) => ingested.has(version));
}

/** Refuses versions the catalog holds no clips of, and splits none of the chosen versions has: naming what it holds. */
function checkVersionsAndSplits(db: Database, definition: SubsetDefinition): void {
  const held = db
    .prepare("SELECT DISTINCT version, split FROM source_files WHERE kind IN ('annotations', 'listing') AND rows > 0 ORDER BY version, split")
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
    if (versions.some((version) => chosen.includes(version))) continue;
    if (versions.length > 0) {
      throw new UsageError(`class "${label}" is not in ${chosen.join(', ')}; it is a class of ${versions.join(', ')}`);
    }
    const known = new Set(
      db
        .prepare('SELECT DISTINCT label FROM classes WHERE version IN (SELECT value FROM json_each(?))')
        .pluck()
        .all(JSON.stringify(chosen)) as string[],
    );
    throw new UsageError(
      `unknown class "${label}" in ${chosen.join(', ')}; closest: ${closestNames(label, known).map((name) => `"${name}"`).join(', ')}`,
    );
  }
}

/** What a user should know of the requested classes: those that some of the chosen versions lack. */
export function classNotes(db: Database, definition: SubsetDefinition): string[] {
  if (definition.sql !== null) return [];
  const chosen = ingestedVersions(db, definition);
  return [...versionsOfClasses(db, definition.classes)].flatMap(([label, versions]) => {
    const lacking = chosen.filter((version) => !versions.includes(version));
    return lacking.length > 0 && lacking.length < chosen.length ? [`"${label}" is not a class of ${lacking.join(', ')}: no clips of it from there`] : [];
  });
}

/**
 * The clips a definition selects: filtered in SQL, then sampled deterministically (per class, then overall) by the
 * seed's shuffle. `--sql` may name any clips by (version, split, clip_key).
 */
export function selectClips(db: Database, definition: SubsetDefinition): SelectedClip[] {
  let rows: (SelectedClip & { status: string })[];
  if (definition.sql !== null) {
    const query = definition.sql.trim().replace(/;+$/, '');
    const result = runReadOnlyQuery(db, `SELECT DISTINCT c.version, c.split, c.clip_key, c.label, c.status FROM (${query}) q
       JOIN clips c ON c.version = q.version AND c.split = q.split AND c.clip_key = q.clip_key`);
    rows = [...result.rows].map(([version, split, clip_key, label, status]) => ({ version, split, clip_key, label, status }) as SelectedClip & { status: string });
  } else {
    checkVersionsAndSplits(db, definition);
    checkClasses(db, definition);
    const conditions = ['version IN (SELECT value FROM json_each(@versions))'];
    if (definition.splits.length > 0) conditions.push('split IN (SELECT value FROM json_each(@splits))');
    if (definition.classes.length > 0) conditions.push('label IN (SELECT value FROM json_each(@classes))');
    if (definition.match !== null) conditions.push('label GLOB @match');
    rows = db
      .prepare(`SELECT version, split, clip_key, label, status FROM clips WHERE ${conditions.join(' AND ')}`)
      .all({
        versions: JSON.stringify(definition.versions),
        splits: JSON.stringify(definition.splits),
        classes: JSON.stringify(definition.classes),
        match: definition.match,
      }) as (SelectedClip & { status: string })[];
  }
  const usable = new Set<string>(USABLE_STATUSES);
  if (definition.onlyMissing) rows = rows.filter((row) => !usable.has(row.status));
  if (definition.onlyOnDisk) rows = rows.filter((row) => usable.has(row.status));
  let picked = shuffled(rows, definition.seed);
  if (definition.perClass !== null) {
    const taken = new Map<string, number>();
    picked = picked.filter((row) => {
      const group = `${row.version}\0${row.split}\0${row.label}`;
      const count = taken.get(group) ?? 0;
      taken.set(group, count + 1);
      return count < definition.perClass!;
    });
  }
  if (definition.limit !== null) picked = picked.slice(0, definition.limit);
  // In the order SQLite keeps members (code points), compared as plain strings: localeCompare would cost seconds.
  const before = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  return picked
    .map(({ version, split, clip_key, label }) => ({ version, split, clip_key, label }))
    .sort((a, b) => before(a.version, b.version) || before(a.split, b.split) || before(a.clip_key, b.clip_key));
}
