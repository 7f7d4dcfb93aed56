import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { UsageError } from '../errors.js';
import { SPLITS, VERSIONS, normaliseSplit, parseVersion, unknownName } from '../sources/bucket-layout.js';
import { packageRoot } from '../util/package-root.js';
import { nearestName } from '../util/closest-names.js';

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
    const known = listNamedQueries(dir).map((query) => query.name);
    const near = nearestName(name, known);
    throw new UsageError(`no named query @${name}${near ? ` (did you mean @${near}?)` : ''}; known: ${known.map((query) => `@${query}`).join(', ')} (see \`kinetics query --list\`)`);
  }
  return parseNamedQuery(name, readFileSync(file, 'utf8'));
}

/**
 * A named query's parameters, ready to bind: the optional ones it was not given are NULL, and versions and splits
 * (`version`, `other_version`, `split`, …) take the names the rest of the tool takes (`400`, `k700`, `validate`), so
 * a misspelt one is an error, not an empty result.
 */
export function bindNamedQuery(query: NamedQuery, params: Record<string, string>): Record<string, string | null> {
  const bound: Record<string, string | null> = { ...Object.fromEntries(query.optional.map((name) => [name, null])), ...params };
  for (const [name, value] of Object.entries(params)) {
    if (/(^|_)version$/.test(name)) {
      bound[name] = parseVersion(value) ?? null;
      if (bound[name] === null) throw new UsageError(`@${query.name}: ${unknownName(name, value, VERSIONS)}`);
    } else if (/(^|_)split$/.test(name)) {
      bound[name] = normaliseSplit(value) ?? null;
      if (bound[name] === null) throw new UsageError(`@${query.name}: ${unknownName(name, value, SPLITS)}`);
    }
  }
  return bound;
}
