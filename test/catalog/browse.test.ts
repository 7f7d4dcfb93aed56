import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { Catalog } from '../../src/catalog/catalog.js';
import { ingest } from '../../src/ingest/ingest.js';
import { VERSIONS } from '../../src/sources/bucket-layout.js';
import { openSource } from '../../src/sources/open-source.js';
import { classStats } from '../../src/catalog/browse.js';
import { copyOfSampleBucket, tempDir } from '../helpers/temp.js';
import { type FixtureKind, writeTree } from '../helpers/video-tree.js';
import { scan } from '../../src/scan/scan.js';
import { USABLE_STATUS_LIST } from '../../src/catalog/clips.js';

interface Count {
  label: string;
  annotated: number;
}

/** What classStats must agree with: a count over every clip of the split. */
function countedOverClips(catalog: Catalog, version: string, split: string): Count[] {
  return catalog.sqlite
    .prepare(
      `SELECT coalesce(label, '(unlabeled)') AS label, count(*) AS annotated FROM clip_annotations
       WHERE version = ? AND split = ? GROUP BY label ORDER BY 1`,
    )
    .all(version, split) as Count[];
}

function splitsOf(catalog: Catalog): { version: string; split: string }[] {
  return catalog.sqlite.prepare('SELECT DISTINCT version, split FROM clip_annotations ORDER BY 1, 2').all() as { version: string; split: string }[];
}

function assertCountsAgree(catalog: Catalog): void {
  const splits = splitsOf(catalog);
  assert.ok(splits.some((split) => split.split === 'test'), 'the sample has unlabeled test splits');
  for (const { version, split } of splits) {
    const fromStats = classStats(catalog, version, split)
      .map(({ label, annotated }) => ({ label, annotated }))
      .sort((a, b) => (a.label < b.label ? -1 : 1));
    assert.deepEqual(fromStats, countedOverClips(catalog, version, split), `${version} ${split}`);
  }
}

test("the classes pane's per-class counts equal a count over every clip, labelled or not", async () => {
  const catalog = Catalog.open(join(tempDir(), 'catalog.db'));
  await ingest(catalog, { source: openSource(copyOfSampleBucket()), versions: VERSIONS, downstream: false });
  assertCountsAgree(catalog);
  await catalog.close();
});

test('a catalog ingested before per-label counts existed gets them when it is upgraded', async () => {
  const file = join(tempDir(), 'catalog.db');
  const older = Catalog.open(file);
  await ingest(older, { source: openSource(copyOfSampleBucket()), versions: VERSIONS, downstream: false });
  // Back to the schema before migration 5: no counts column, and migration 5 not recorded.
  older.sqlite.exec('ALTER TABLE source_labels DROP COLUMN clips; DELETE FROM schema_migrations WHERE id = 5;');
  await older.close();
  const upgraded = Catalog.open(file);
  assert.ok((upgraded.sqlite.prepare('SELECT count(*) FROM source_labels WHERE clips > 0').pluck().get() as number) > 700);
  assertCountsAgree(upgraded);
  await upgraded.close();
});

test('a file recorded without its split gets it back when it is loaded again, and its classes show', async () => {
  const bucket = copyOfSampleBucket();
  const catalog = Catalog.open(join(tempDir(), 'catalog.db'));
  const load = () => ingest(catalog, { source: openSource(bucket), versions: ['k700-2020'], downstream: false });
  await load();
  // As migration 004 left a file that was empty when it ran.
  catalog.sqlite.prepare("UPDATE source_files SET split = NULL WHERE path = '700_2020/annotations/val.csv'").run();
  const csv = join(bucket, '700_2020', 'annotations', 'val.csv');
  const lines = readFileSync(csv, 'utf8').trimEnd().split('\n');
  writeFileSync(csv, `${lines.slice(0, -1).join('\n')}\n`);
  await load();
  assert.equal(catalog.sqlite.prepare("SELECT split FROM source_files WHERE path = '700_2020/annotations/val.csv'").pluck().get(), 'val');
  assert.equal(classStats(catalog, 'k700-2020', 'val').reduce((sum, row) => sum + row.annotated, 0), lines.length - 2);
  assertCountsAgree(catalog);
  await catalog.close();
});

test("the classes pane's disk counts equal a count over every clip, read from the files or from the clip rows", async () => {
  const catalog = Catalog.open(join(tempDir(), 'catalog.db'));
  await ingest(catalog, { source: openSource(copyOfSampleBucket()), versions: VERSIONS, downstream: false });
  const keysOf = (version: string, split: string, count: number) =>
    catalog.sqlite.prepare('SELECT clip_key FROM clip_annotations WHERE version = ? AND split = ? ORDER BY clip_key LIMIT ?').pluck().all(version, split, count) as string[];
  const kinds: FixtureKind[] = ['ok', 'empty', 'truncated', 'short', 'ok'];
  const root = tempDir();
  writeTree(root, Object.fromEntries([...keysOf('k700-2020', 'val', 40), ...keysOf('k400', 'train', 5)].map((key, index) => [`${key}.mp4`, kinds[index % kinds.length]!])));
  await scan(catalog, { roots: [root], verify: true, quick: false });
  // Both ways are taken: K700 val (1,265 clips) probes its files, K400 train (56 clips) reads its rows.
  assert.equal(catalog.sqlite.prepare('SELECT count(*) FROM best_files').pluck().get(), 45);
  const counted = catalog.sqlite.prepare(
    `SELECT coalesce(label, '(unlabeled)') AS label, count(*) FILTER (WHERE status IN ${USABLE_STATUS_LIST}) AS onDisk,
            count(*) FILTER (WHERE status IN ('damaged', 'undecodable', 'empty', 'short')) AS damaged
     FROM clips WHERE version = ? AND split = ? GROUP BY label ORDER BY 1`,
  );
  const withFiles: string[] = [];
  for (const { version, split } of splitsOf(catalog)) {
    const fromStats = classStats(catalog, version, split)
      .map(({ label, onDisk, damaged }) => ({ label, onDisk, damaged }))
      .sort((a, b) => (a.label < b.label ? -1 : 1));
    assert.deepEqual(fromStats, counted.all(version, split), `${version} ${split}`);
    if (fromStats.some((row) => row.onDisk > 0) && fromStats.some((row) => row.damaged > 0)) withFiles.push(`${version} ${split}`);
  }
  assert.ok(withFiles.includes('k700-2020 val') && withFiles.includes('k400 train'), withFiles.join(', '));
  await catalog.close();
});
