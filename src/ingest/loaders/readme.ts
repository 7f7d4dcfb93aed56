import { text } from 'node:stream/consumers';
import { storeReadme } from '../../catalog/source-files.js';
import type { Loader } from './load-context.js';

export const loadReadme: Loader = async (body, context) => {
  const content = await text(body);
  storeReadme(context.catalog, context.sourceId, context.file.version ?? null, content);
  return { rows: 1 };
};
