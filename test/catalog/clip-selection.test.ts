import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { Catalog } from '../../src/catalog/catalog.js';
import type { SubsetDefinition } from '../../src/subset/definition.js';
import { runSelection, selectionSql, shuffleRank } from '../../src/catalog/clip-selection.js';
import { createSubset } from '../../src/catalog/subsets.js';
import { ingestInto, newCatalogFile } from '../helpers/catalog.js';
import { sampleBucket } from '../helpers/temp.js';

const file = newCatalogFile();
const base: SubsetDefinition = {
  versions: ['k400', 'k700-2020'],
  splits: ['val'],
  classes: [],
  match: null,
  perClass: null,
  limit: null,
  seed: 7,
  onlyMissing: false,
  onlyOnDisk: false,
  sql: null,
};

/** The sampling as written out by hand: shuffle by the seed's rank (then key), cap per class in that order, then limit. */
function reference(rows: { version: string; split: string; clip_key: string; label: string | null }[], definition: SubsetDefinition): string[] {
  const order = (row: { version: string; split: string; clip_key: string }) => [shuffleRank(definition.seed, row.clip_key), row.clip_key, row.version, row.split];
  let picked = rows
    .map((row) => ({ row, order: order(row) }))
    .sort((a, b) => {
      const differs = a.order.findIndex((value, index) => value !== b.order[index]);
      return differs < 0 ? 0 : a.order[differs]! < b.order[differs]! ? -1 : 1;
    })
    .map((entry) => entry.row);
  if (definition.perClass !== null) {
    const taken = new Map<string, number>();
    picked = picked.filter((row) => {
      const group = `${row.version}\0${row.split}\0${row.label}`;
      taken.set(group, (taken.get(group) ?? 0) + 1);
      return taken.get(group)! <= definition.perClass!;
    });
  }
  if (definition.limit !== null) picked = picked.slice(0, definition.limit);
  return picked.map((row) => `${row.version}/${row.split}/${row.clip_key}`).sort();
}

test("the seed's shuffle: stable, spread evenly, and another seed gives another order", () => {
  const keys = Array.from({ length: 20_000 }, (_, index) => `${index.toString(36).padStart(11, 'a')}_000010_000020`);
  assert.equal(shuffleRank(7, keys[0]!), shuffleRank(7, keys[0]!));
  const buckets = new Array<number>(16).fill(0);
  for (const key of keys) buckets[shuffleRank(7, key) >>> 28]!++;
  for (const count of buckets) assert.ok(Math.abs(count - keys.length / 16) < keys.length / 16 / 5, `buckets of the rank's top bits: ${buckets.join(' ')}`);
  const first = (seed: number) => new Set([...keys].sort((a, b) => shuffleRank(seed, a) - shuffleRank(seed, b)).slice(0, 1000));
  const seven = first(7);
  const shared = [...first(8)].filter((key) => seven.has(key)).length;
  assert.ok(shared < 150, `the first 1000 of seeds 7 and 8 share ${shared} keys (about 50 expected by chance)`);
});

test("the seed's shuffle ranks every clip as earlier releases did: a subset made again from its recipe is the same", () => {
  assert.deepEqual(
    [shuffleRank(7, '---QUuC4vJs_000084_000094'), shuffleRank(0, 'zzzzzzzzzzz_000000_000010'), shuffleRank(123456789, '-abc'), shuffleRank(-3, 'x')],
    [2276638629, 577342244, 3009903060, 2479628288],
  );
});

test("a limit's rank bound is widened to every rank only when fewer clips than the limit passed it", () => {
  const bounds = (found: number[]) => {
    const seen: unknown[] = [];
    runSelection({ sql: '', params: { kinetics_limit: 10, kinetics_below: 1000 } }, (params) => {
      seen.push(params.kinetics_below);
      return found[seen.length - 1]!;
    });
    return seen;
  };
  assert.deepEqual(bounds([10]), [1000]);
  assert.deepEqual(bounds([4, 6]), [1000, 2 ** 32]);
});

describe('subset selection inside SQLite', () => {
  before(async () => {
    await ingestInto(file, sampleBucket);
  });

  for (const [name, change] of [
    ['everything', {}],
    ['a limit', { limit: 17 }],
    ['a limit of one split of one version', { versions: ['k700-2020'], limit: 40, seed: 11 }],
    ['a limit of a small share of the catalog', { versions: ['k400'], limit: 10, seed: 5 }],
    ['a limit beyond the classes chosen', { classes: ['abseiling'], limit: 1000 }],
    ['a per-class cap', { perClass: 2 }],
    ['a per-class cap and a limit', { perClass: 3, limit: 11 }],
    ['classes and another seed', { classes: ['abseiling', 'air drumming'], seed: 3, limit: 5 }],
  ] as const) {
    test(`${name}: the clips the hand-written sampling gives`, async () => {
      const definition = { ...base, ...change } as SubsetDefinition;
      const catalog = Catalog.open(file);
      try {
        const count = createSubset(catalog, 'picked', definition, true);
        const rows = catalog.sqlite
          .prepare(
            `SELECT version, split, clip_key, label FROM clips WHERE version IN (SELECT value FROM json_each(?)) AND split = 'val'
             AND (? = 0 OR label IN (SELECT value FROM json_each(?)))`,
          )
          .all(JSON.stringify(definition.versions), definition.classes.length, JSON.stringify(definition.classes)) as Parameters<typeof reference>[0];
        const expected = reference(rows, definition);
        const stored = catalog.sqlite
          .prepare("SELECT version || '/' || split || '/' || clip_key FROM subset_members WHERE subset = 'picked' ORDER BY 1")
          .pluck()
          .all();
        assert.deepEqual(stored, expected);
        assert.equal(count, expected.length);
        assert.ok(expected.length > 0);
      } finally {
        await catalog.close();
      }
    });
  }

  test('a limit ranks under a bound only over whole versions and splits, reading the clips it ranks from the label index alone; a large unsampled share is read in key order', async () => {
    const catalog = Catalog.open(file, { readonly: true });
    try {
      const selection = (change: Partial<SubsetDefinition>) => selectionSql(catalog.sqlite, { ...base, ...change });
      const plan = (change: Partial<SubsetDefinition>) => {
        const { sql, params } = selection(change);
        return (catalog.sqlite.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(params) as { detail: string }[]).map((row) => row.detail).join('\n');
      };
      assert.ok(Number(selection({ limit: 10 }).params.kinetics_below) < 2 ** 32);
      assert.equal(selection({ limit: 10, classes: ['abseiling'] }).params.kinetics_below, 2 ** 32);
      assert.equal(selection({ limit: 10, onlyOnDisk: true }).params.kinetics_below, 2 ** 32);
      assert.match(plan({ versions: ['k700-2020'] }), /SCAN clip_annotations USING COVERING INDEX clip_annotations_by_key/, 'a large share, unsampled: in key order');
      assert.match(plan({ versions: ['k700-2020'], limit: 10 }), /SEARCH c USING COVERING INDEX clip_annotations_by_split_label \(version=\? AND split=\?\)/);
      assert.match(plan({ versions: ['k400'], splits: ['val'], classes: ['abseiling'], perClass: 2 }), /SEARCH c USING COVERING INDEX clip_annotations_by_split_label \(version=\? AND split=\? AND label=\?\)/);
    } finally {
      await catalog.close();
    }
  });

  test('with the key index set aside, as while a first load runs, a large unsampled share is still selected: the same clips', async () => {
    const catalog = Catalog.open(file);
    try {
      const keys = () => {
        const { sql, params } = selectionSql(catalog.sqlite, { ...base, versions: ['k700-2020'] });
        return catalog.sqlite.prepare(`SELECT clip_key FROM (${sql}) ORDER BY 1`).pluck().all(params);
      };
      const withIndex = keys();
      assert.ok(withIndex.length > 0);
      catalog.sqlite.exec('BEGIN; DROP INDEX clip_annotations_by_key');
      try {
        assert.deepEqual(keys(), withIndex);
      } finally {
        catalog.sqlite.exec('ROLLBACK');
      }
    } finally {
      await catalog.close();
    }
  });

  test('an empty selection stores nothing, and an existing subset is kept unless replaced', async () => {
    const catalog = Catalog.open(file);
    try {
      createSubset(catalog, 'kept', { ...base, limit: 3 }, true);
      assert.throws(() => createSubset(catalog, 'kept', { ...base, limit: 4 }), /exists; drop it first or pass --replace/);
      assert.throws(() => createSubset(catalog, 'none', { ...base, sql: 'SELECT version, split, clip_key FROM clips WHERE 0' }), /would hold no clips/);
      assert.equal(catalog.sqlite.prepare("SELECT count(*) FROM subsets WHERE name = 'none'").pluck().get(), 0);
      assert.equal(catalog.sqlite.prepare("SELECT count(*) FROM subset_members WHERE subset = 'kept'").pluck().get(), 3);
    } finally {
      await catalog.close();
    }
  });

  test('--replace with --sql may read the subset it replaces; --sql takes no parameters', async () => {
    const catalog = Catalog.open(file);
    try {
      createSubset(catalog, 'grown', { ...base, limit: 4 }, true);
      const members = () => catalog.sqlite.prepare("SELECT clip_key FROM subset_members WHERE subset = 'grown' ORDER BY 1").pluck().all();
      const before = members();
      const sql = "SELECT version, split, clip_key FROM subset_clips WHERE subset = 'grown'";
      assert.equal(createSubset(catalog, 'grown', { ...base, sql }, true), 4);
      assert.deepEqual(members(), before);
      assert.throws(() => createSubset(catalog, 'p', { ...base, sql: 'SELECT clip_key FROM clips LIMIT 3' }), /--sql must return the columns version, split and clip_key \(it returns no version\)/);
      assert.throws(() => createSubset(catalog, 'p', { ...base, sql: 'DELETE FROM clips' }), /--sql takes a SELECT/);
      for (const withParameter of ["SELECT version, split, clip_key FROM clips WHERE label = :label", 'SELECT version, split, clip_key FROM clips WHERE label = ?']) {
        assert.throws(() => createSubset(catalog, 'p', { ...base, sql: withParameter }), /--sql takes no parameters/);
      }
    } finally {
      await catalog.close();
    }
  });
});
