/**
 * npm run bench:scale — `subset create`, `plan`, `export --include-missing` and `status --subset` for subsets of
 * 1k, 20k, 100k and all 536,699 K700-2020 train clips, each a process (start-up included) on the full-size catalog
 * with a scanned 200k-file tree. Goals: ≤ 2 s per 100k clips for each, and ≤ 1 s for the 20k subset.
 * The baseline is the same command on a 1-clip subset (start-up, opening the catalog, the version's shard list).
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { benchWork } from './full-bucket.js';
import { fullCatalog, kineticsBin } from './full-catalog.js';

const work = join(benchWork, 'scale-run');
rmSync(work, { recursive: true, force: true });
mkdirSync(work, { recursive: true });
const { catalog } = await fullCatalog(join(work, 'catalog.db'));
const home = join(work, 'home');
const ALL = 536_699;
const sizes = [1, 1_000, 20_000, 100_000, ALL];

function time(args: string[]): number {
  const start = process.hrtime.bigint();
  const result = spawnSync(process.execPath, [kineticsBin, ...args, '--db', catalog, '--home', home], { encoding: 'utf8', maxBuffer: 1 << 28 });
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  if (result.status !== 0) throw new Error(`kinetics ${args.join(' ')} failed (${result.status}): ${result.stderr}`);
  return seconds;
}

const steps: { name: string; args: (subset: string, size: number) => string[] }[] = [
  {
    name: 'subset create',
    args: (subset, size) => ['subset', 'create', subset, '--version', 'k700-2020', '--split', 'train', ...(size === ALL ? [] : ['--limit', String(size)]), '--seed', '7'],
  },
  { name: 'plan', args: (subset) => ['plan', subset, '--csv'] },
  { name: 'export --include-missing', args: (subset) => ['export', subset, '--format', 'csv', '--include-missing', '--out', join(work, 'exports', subset)] },
  { name: 'status --subset', args: (subset) => ['status', '--subset', subset, '--csv'] },
];

console.log(`bench:scale — ${catalog}`);
console.log(`${'clips'.padStart(8)} ${steps.map((step) => step.name.padStart(26)).join('')}`);
const results = new Map<number, number[]>();
for (const size of sizes) {
  const subset = `scale-${size}`;
  const row = steps.map((step) => time(step.args(subset, size)));
  results.set(size, row);
  console.log(`${String(size).padStart(8)} ${row.map((seconds) => `${seconds.toFixed(2)} s`.padStart(26)).join('')}`);
}
const base = results.get(1)!;
console.log('over the 1-clip subset (start-up and fixed costs), per 100k clips; goal ≤ 2 s per 100k, ≤ 1 s in all for 20k:');
for (const size of sizes.slice(1)) {
  const row = results.get(size)!;
  const per100k = row.map((seconds, index) => ((seconds - base[index]!) / size) * 100_000);
  console.log(`${String(size).padStart(8)} ${per100k.map((seconds) => `${seconds.toFixed(2)} s/100k`.padStart(26)).join('')}`);
}
const at20k = results.get(20_000)!;
console.log(`20k subset: slowest step ${Math.max(...at20k).toFixed(2)} s in all (goal ≤ 1 s)`);
const atAll = results.get(ALL)!;
console.log(`all ${ALL}: slowest step ${Math.max(...atAll).toFixed(2)} s (goal ≤ ${((2 * ALL) / 100_000).toFixed(1)} s)`);
