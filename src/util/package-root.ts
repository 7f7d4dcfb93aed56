import { fileURLToPath } from 'node:url';

/** The folder holding package.json, migrations/ and queries/, from src/ (tsx) and dist/ (compiled) alike. */
export const packageRoot = fileURLToPath(new URL('../../', import.meta.url));

export const packageVersion = '0.1.0';
