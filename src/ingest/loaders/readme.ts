import { text } from 'node:stream/consumers';
import type { Loader } from './load-context.js';

export const loadReadme: Loader = async (body, context) => {
  const content = await text(body);
  context.catalog.sqlite
    .prepare('INSERT OR REPLACE INTO readme_files (source_id, version, text) VALUES (?, ?, ?)')
    .run(context.sourceId, context.file.version, content);
  return { rows: 1 };
};
