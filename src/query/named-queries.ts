import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { UsageError } from '../errors.js';
import { packageRoot } from '../util/package-root.js';

export const queriesDir = join(packageRoot, 'queries');

export interface NamedQuery {
  name: string;
  description: string;
  params: string;
  /** Parameters marked `name?` in the params line: bound to NULL when not given. */
  optional: string[];
  sql: string;
}

/**
 * A named query is `queries/<name>.sql` whose leading comment says what it answers, and a line
 * `-- params: ...` which parameters it takes.
 */
export function parseNamedQuery(name: string, sql: string): NamedQuery {
  const header: string[] = [];
  for (const line of sql.split('\n')) {
    if (!line.startsWith('--')) break;
    header.push(line.replace(/^--\s?/, ''));
  }
  const paramsLine = header.find((line) => /^params:/i.test(line));
  const params = paramsLine?.replace(/^params:\s*/i, '') ?? 'none';
  return {
    name,
    description: header.filter((line) => line !== paramsLine && line.trim() !== '').join(' '),
    params,
    optional: [...params.matchAll(/([A-Za-z_]\w*)\?/g)].map((match) => match[1]!),
    sql,
  };
}

export function listNamedQueries(dir: string = queriesDir): NamedQuery[] {
  return readdirSync(dir)
    .filter((file) => file.endsWith('.sql'))
    .sort()
    .map((file) => parseNamedQuery(file.slice(0, -4), readFileSync(join(dir, file), 'utf8')));
}

export function loadNamedQuery(name: string, dir: string = queriesDir): NamedQuery {
  const file = join(dir, `${name}.sql`);
  if (!/^[\w-]+$/.test(name) || !existsSync(file)) {
    const known = listNamedQueries(dir).map((query) => `@${query.name}`);
    throw new UsageError(`no named query @${name}; known: ${known.join(', ')} (see \`kinetics query --list\`)`);
  }
  return parseNamedQuery(name, readFileSync(file, 'utf8'));
}
