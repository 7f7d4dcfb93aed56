#!/usr/bin/env node
import { existsSync } from 'node:fs';

const entry = new URL('../dist/cli/entry.js', import.meta.url);
if (!existsSync(entry)) {
  console.error('kinetics: the compiled program is missing (dist/). Run `npm run build` (npm ci does it for you).');
  process.exit(70);
}
await import(entry.href);
