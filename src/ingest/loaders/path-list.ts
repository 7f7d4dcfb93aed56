import { parsePathList } from '../parsers/path-list.js';
import type { Loader } from './load-context.js';

const CLASS_NUMBER = /_(\d+)\.tar\.gz$/;

/**
 * Every shard of a path list becomes a shard row. Rows are upserted, not replaced, so what later work learned
 * about a shard (state, bytes) survives a re-ingest; shards no longer listed are removed.
 */
export const loadPathList: Loader = async (body, context) => {
  const { sqlite } = context.catalog;
  const { version, split, shardGrouping } = context.file;
  const upsert = sqlite.prepare(
    `INSERT INTO shard_files (version, split, name, source_id, path, url, label, class_number)
     VALUES (@version, @split, @name, @sourceId, @path, @url, @label, @classNumber)
     ON CONFLICT (version, split, name) DO UPDATE SET
       source_id = excluded.source_id, path = excluded.path, url = excluded.url,
       label = excluded.label, class_number = excluded.class_number`,
  );
  const names: string[] = [];
  const rows = await parsePathList(body, context.displayName, (entry) => {
    const classNumber = shardGrouping === 'class-number' ? CLASS_NUMBER.exec(entry.name)?.[1] : undefined;
    upsert.run({
      version,
      split,
      name: entry.name,
      sourceId: context.sourceId,
      path: entry.path,
      url: context.locate(entry.path),
      label: shardGrouping === 'class-name' ? entry.name.replace(/\.(tar\.gz|tgz|tar)$/, '') : null,
      classNumber: classNumber === undefined ? null : Number(classNumber),
    });
    names.push(entry.name);
    context.counters.rows++;
  });
  sqlite
    .prepare('DELETE FROM shard_files WHERE source_id = ? AND name NOT IN (SELECT value FROM json_each(?))')
    .run(context.sourceId, JSON.stringify(names));
  return { rows };
};
