import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, test } from 'node:test';
import { Catalog } from '../../src/catalog/catalog.js';
import { runReadOnlyQuery } from '../../src/catalog/read-only-query.js';
import { packageRoot } from '../../src/util/package-root.js';
import { ingestInto, newCatalogFile } from '../helpers/catalog.js';
import { sampleBucket } from '../helpers/temp.js';

/** The README's cookbook: each `-- N. title` comment followed by its statement. */
function cookbook(): { title: string; sql: string }[] {
  const readme = readFileSync(join(packageRoot, 'README.md'), 'utf8');
  const block = /### Cookbook[\s\S]*?```sql\n([\s\S]*?)```/.exec(readme)![1]!;
  return block
    .split(/^(?=-- \d+\. )/m)
    .filter((part) => part.startsWith('-- '))
    .map((part) => ({
      title: part.split('\n')[0]!,
      sql: part
        .split('\n')
        .filter((line) => !line.startsWith('--'))
        .join('\n')
        .trim(),
    }));
}

const file = newCatalogFile();
const rowsOf = (sql: string) => {
  const catalog = Catalog.open(file, { readonly: true });
  try {
    return [...runReadOnlyQuery(catalog, sql).rows];
  } finally {
    void catalog.close();
  }
};

before(async () => {
  await ingestInto(file, sampleBucket);
  // The sample's clips listed in two versions keep their labels: rename a few on the K700-2020 side, as K700 did
  // (hugging → hugging (not baby)), so that recipe 19 has something to find.
  const catalog = Catalog.open(file);
  catalog.sqlite.exec(`UPDATE clip_annotations SET label = label || ' (renamed)' WHERE version = 'k700-2020'
    AND clip_key IN (SELECT a.clip_key FROM clip_annotations a JOIN clip_annotations b USING (clip_key)
                     WHERE a.version = 'k400' AND b.version = 'k700-2020' ORDER BY 1 LIMIT 7)`);
  await catalog.close();
});

test("every statement of the README's cookbook runs as `kinetics query` runs it", () => {
  const recipes = cookbook();
  assert.ok(recipes.length >= 19, `${recipes.length} recipes`);
  for (const { title, sql } of recipes) {
    assert.ok(sql.endsWith(';'), `${title}: one statement`);
    assert.doesNotThrow(() => rowsOf(sql), title);
  }
});

test('the fast way of recipe 19 (only keys listed twice) finds exactly what the plain self-join finds', () => {
  const fast = cookbook().find((recipe) => recipe.title.startsWith('-- 19.'))!.sql;
  const plain = fast.replace(/\s+AND a\.clip_key IN \(SELECT clip_key FROM clips GROUP BY clip_key HAVING count\(\*\) > 1\)/, '');
  assert.notEqual(plain, fast);
  const found = rowsOf(fast);
  assert.equal(found.reduce((sum, row) => sum + Number(row.at(-1)), 0), 7);
  const sorted = (rows: unknown[][]) => rows.map((row) => JSON.stringify(row)).sort();
  assert.deepEqual(sorted(found), sorted(rowsOf(plain)));
});
