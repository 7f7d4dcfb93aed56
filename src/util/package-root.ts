import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The folder holding package.json, migrations/ and queries/, from src/ (tsx) and dist/ (compiled) alike. */
export const packageRoot = fileURLToPath(new URL('../../', import.meta.url));

export const packageVersion: string = (JSON.parse(readFileSync(join(packageRoot, 'package.json'), 'utf8')) as { version: string }).version;
