#!/usr/bin/env node
// Bundles the CLI into dist/ with esbuild: one file per command (split chunks), Ink and React included, so that
// starting a command reads a handful of files instead of hundreds (the TUI's first frame depends on it).
import { rmSync } from 'node:fs';
import { build } from 'esbuild';

rmSync('dist', { recursive: true, force: true });
await build({
  entryPoints: ['src/cli/entry.ts', 'src/query/query-runner.ts', 'src/tui/work/job-process.ts', 'src/ingest/off-thread/csv-thread.ts'],
  outbase: 'src',
  outdir: 'dist',
  chunkNames: 'chunks/[name]-[hash]',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  sourcemap: true,
  // better-sqlite3 loads a native addon; react-devtools-core is only imported by Ink when DEV=true.
  external: ['better-sqlite3', 'react-devtools-core'],
  define: { 'process.env.NODE_ENV': '"production"' },
  // Bundled CommonJS modules (React, and Ink's dependencies) call require() for Node's built-ins.
  banner: { js: "import { createRequire as __kineticsRequire } from 'node:module'; const require = __kineticsRequire(import.meta.url);" },
  logLevel: 'warning',
});
