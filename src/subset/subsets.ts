import type { Catalog } from '../catalog/catalog.js';
import { KineticsError, UsageError } from '../errors.js';
import type { SubsetDefinition } from './definition.js';
import { selectionSql } from './select-clips.js';

export interface StoredSubset {
  name: string;
  definition: SubsetDefinition;
  created_at: string;
  clips: number;
}

/** Selects the clips and stores the subset with its definition, in one transaction; returns how many clips it holds. */
export function createSubset(catalog: Catalog, name: string, definition: SubsetDefinition, replace = false): number {
  if (!/^[\w.-]+$/.test(name)) throw new UsageError(`a subset name is letters, digits, ".", "-" or "_": "${name}"`);
  const { sqlite } = catalog;
  const selection = selectionSql(sqlite, definition);
  // The clips are chosen before the old subset goes: a --replace --sql may read the subset it replaces.
  return sqlite.transaction(() => {
    sqlite.prepare(`CREATE TEMP TABLE chosen_clips AS ${selection.sql}`).run(selection.params);
    try {
      if (sqlite.prepare('SELECT 1 FROM subsets WHERE name = ?').get(name)) {
        if (!replace) throw new UsageError(`subset ${name} exists; drop it first or pass --replace`);
        sqlite.prepare('DELETE FROM subset_members WHERE subset = ?').run(name);
        sqlite.prepare('DELETE FROM subsets WHERE name = ?').run(name);
      }
      sqlite.prepare('INSERT INTO subsets (name, definition, created_at) VALUES (?, ?, ?)').run(name, JSON.stringify(definition), new Date().toISOString());
      const { changes } = sqlite
        .prepare('INSERT INTO subset_members (subset, version, split, clip_key) SELECT ?, version, split, clip_key FROM temp.chosen_clips')
        .run(name);
      if (changes === 0) throw new KineticsError(`subset ${name} would hold no clips; nothing was stored`, 1);
      return changes;
    } finally {
      sqlite.exec('DROP TABLE temp.chosen_clips');
    }
  })();
}

export function listSubsets(catalog: Catalog): StoredSubset[] {
  return (
    catalog.sqlite
      .prepare(
        `SELECT s.name, s.definition, s.created_at, (SELECT count(*) FROM subset_members m WHERE m.subset = s.name) AS clips
         FROM subsets s ORDER BY s.name`,
      )
      .all() as (Omit<StoredSubset, 'definition'> & { definition: string })[]
  ).map((row) => ({ ...row, definition: JSON.parse(row.definition) as SubsetDefinition }));
}

export function findSubset(catalog: Catalog, name: string): StoredSubset {
  const subset = listSubsets(catalog).find((candidate) => candidate.name === name);
  if (!subset) {
    const names = listSubsets(catalog).map((candidate) => candidate.name);
    throw new UsageError(`no subset "${name}"${names.length > 0 ? `; subsets: ${names.join(', ')}` : '; make one with `kinetics subset create`'}`);
  }
  return subset;
}

export function dropSubset(catalog: Catalog, name: string): void {
  findSubset(catalog, name);
  catalog.sqlite.transaction(() => {
    catalog.sqlite.prepare('DELETE FROM subset_members WHERE subset = ?').run(name);
    catalog.sqlite.prepare('DELETE FROM subsets WHERE name = ?').run(name);
  })();
}
