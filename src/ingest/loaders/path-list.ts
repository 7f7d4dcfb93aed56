import { pathListWriter } from '../../catalog/shards.js';
import { parsePathList } from '../parsers/path-list.js';
import type { Loader } from './load-context.js';

const CLASS_NUMBER = /_(\d+)\.tar\.gz$/;

/** Every shard of a path list becomes a shard row (see pathListWriter); shards no longer listed are removed. */
export const loadPathList: Loader = async (body, context) => {
  const { version, split, shardGrouping } = context.file;
  const writer = pathListWriter(context.catalog, { sourceId: context.sourceId, version: version!, split: split! });
  const folder = context.file.path.slice(0, context.file.path.lastIndexOf('/'));
  const rows = await parsePathList(body, context.displayName, folder, (entry) => {
    const classNumber = shardGrouping === 'class-number' ? CLASS_NUMBER.exec(entry.name)?.[1] : undefined;
    writer.add({
      name: entry.name,
      path: entry.path,
      url: context.locate(entry.path),
      label: shardGrouping === 'class-name' ? entry.name.replace(/\.(tar\.gz|tgz|tar)$/, '') : null,
      classNumber: classNumber === undefined ? null : Number(classNumber),
    });
    context.counters.rows++;
  });
  writer.finish();
  return { rows };
};
