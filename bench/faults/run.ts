/**
 * The fault sweep: hundreds of independent tries, each a real fault (kill -9, a faulty HTTP server, malformed and
 * hostile files, a full disk, a busy or read-only catalog) against the real CLI in a child process, with real
 * SQLite files, the real bucket server on 127.0.0.1 and real tar.gz shards. Each try checks what README.md promises
 * and is reported as survived or not.
 *
 *   npx tsx bench/faults/run.ts [--category NAME]... [--only TEXT]... [--jobs N] [--seed N] [--keep] [--tsx] [--list]
 *
 * --only runs the tries whose name contains TEXT (exactly NAME if one is so named); --keep keeps every try's folder
 * (those of tries that did not survive are always kept); --tsx runs src/ through tsx instead of the bundle in dist/.
 * Exit 0 when every try survived, 1 otherwise, 2 on a usage error.
 */
import { mkdirSync, mkdtempSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { setWorkRoot } from './fixtures.js';
import {
  CATEGORIES,
  type Category,
  SkipTry,
  type Try,
  TryContext,
  type TryResult,
  cliDescription,
  commandLine,
  distIsBuilt,
  firstLines,
  killAllChildren,
  removeTree,
  slug,
  snapshotProgram,
  sourcesNewerThanDist,
  undoSystemChanges,
} from './lib.js';
import { concurrencyTries } from './categories/concurrency.js';
import { crashTries } from './categories/crash.js';
import { diskFullTries } from './categories/disk-full.js';
import { hostileTarTries } from './categories/hostile-tar.js';
import { malformedTries } from './categories/malformed.js';
import { networkTries } from './categories/network.js';
import { permissionTries } from './categories/permissions.js';
import { queryTries } from './categories/query.js';

const { values } = (() => {
  try {
    return parseArgs({
      options: {
        category: { type: 'string', multiple: true },
        only: { type: 'string', multiple: true },
        jobs: { type: 'string' },
        seed: { type: 'string' },
        keep: { type: 'boolean' },
        tsx: { type: 'boolean' },
        list: { type: 'boolean' },
      },
    });
  } catch (error) {
    console.error(`faults: ${(error as Error).message}`);
    process.exit(2);
  }
})();

const seed = Number(values.seed ?? 1);
const jobs = Number(values.jobs ?? Math.max(2, availableParallelism() * 2));
if (!Number.isInteger(seed) || !Number.isInteger(jobs) || jobs < 1) {
  console.error('faults: --seed and --jobs take whole numbers (--jobs ≥ 1)');
  process.exit(2);
}
for (const category of values.category ?? []) {
  if (!CATEGORIES.includes(category as Category)) {
    console.error(`faults: unknown --category ${category}; one of ${CATEGORIES.join(', ')}`);
    process.exit(2);
  }
}

const allTries: Try[] = [
  ...crashTries(),
  ...networkTries(),
  ...malformedTries(),
  ...hostileTarTries(),
  ...queryTries(),
  ...concurrencyTries(),
  ...diskFullTries(),
  ...permissionTries(),
];
const duplicate = allTries.find((entry, index) => allTries.findIndex((other) => other.name === entry.name) !== index);
if (duplicate) throw new Error(`two tries are named ${duplicate.name}`);

function selected(): Try[] {
  let tries = allTries;
  if (values.category) tries = tries.filter((entry) => values.category!.includes(entry.category));
  if (values.only) {
    tries = tries.filter((entry) => values.only!.some((text) => entry.name === text || (!allTries.some((other) => other.name === text) && entry.name.includes(text))));
  }
  return tries;
}

const tries = selected();
if (values.list) {
  for (const entry of tries) console.log(`${entry.category.padEnd(12)} ${entry.name}`);
  process.exit(0);
}
if (tries.length === 0) {
  console.error('faults: no try matches');
  process.exit(2);
}

const work = mkdtempSync(join(tmpdir(), 'kinetics-faults-'));
setWorkRoot(work, seed);
const mode = values.tsx || !distIsBuilt() ? 'tsx' : 'dist';
if (mode === 'tsx' && !values.tsx) console.log('dist/ is not built (npm run build): running the sources through tsx instead');
if (mode === 'dist') {
  const newer = sourcesNewerThanDist();
  if (newer.length > 0) {
    console.log(`note: ${newer.length} file(s) in src/ changed after dist/ was built (${newer.slice(0, 3).join(', ')}…): run \`npm run build\` to sweep them, or pass --tsx`);
  }
}
await snapshotProgram(join(work, 'program'), mode);

let interrupted = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (interrupted) return;
    interrupted = true;
    console.error(`\nfaults: ${signal}: stopping the tries, unmounting, removing ${work}`);
    killAllChildren();
    undoSystemChanges();
    removeTree(work);
    process.exit(130);
  });
}

async function runTry(entry: Try, index: number): Promise<TryResult> {
  const root = join(work, 'tries', `${String(index).padStart(3, '0')}-${slug(entry.name)}`);
  mkdirSync(root, { recursive: true });
  const t = new TryContext(entry.name, root, seed);
  const started = performance.now();
  let skipReason: string | undefined;
  let timer: NodeJS.Timeout | undefined;
  try {
    const limit = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`the try took longer than ${(entry.timeoutMs ?? 120_000) / 1000} s`)), entry.timeoutMs ?? 120_000);
    });
    await Promise.race([entry.run(t), limit]);
    t.checkNothingOutsideHome();
  } catch (error) {
    if (error instanceof SkipTry) skipReason = error.message;
    else t.fail(`the try itself broke: ${firstLines((error as Error).stack ?? String(error), 6)}`);
  } finally {
    clearTimeout(timer);
    await t.cleanUp();
  }
  const verdict = skipReason !== undefined ? 'skipped' : t.failures.length === 0 ? 'survived' : 'not survived';
  if (verdict !== 'not survived' && !values.keep) removeTree(root);
  return { name: entry.name, category: entry.category, verdict, failures: t.failures, notes: t.notes, culprit: t.culprit, runs: t.runs, skipReason, ms: performance.now() - started, root };
}

/** Runs the tries `jobs` at a time, slow ones first, printing one line per try as it ends. */
async function runAll(list: Try[]): Promise<TryResult[]> {
  const order = list.map((entry, index) => ({ entry, index })).sort((a, b) => Number(b.entry.slow ?? false) - Number(a.entry.slow ?? false) || a.index - b.index);
  const results: TryResult[] = new Array(list.length);
  let next = 0;
  let finished = 0;
  const worker = async () => {
    while (next < order.length && !interrupted) {
      const { entry, index } = order[next++]!;
      const result = await runTry(entry, index);
      results[index] = result;
      finished++;
      const mark = result.verdict === 'survived' ? 'ok  ' : result.verdict === 'skipped' ? 'skip' : 'FAIL';
      console.log(`[${String(finished).padStart(3)}/${list.length}] ${mark} ${entry.name} (${(result.ms / 1000).toFixed(1)} s)`);
    }
  };
  await Promise.all(Array.from({ length: Math.min(jobs, list.length) }, worker));
  return results;
}

function report(results: TryResult[], seconds: number): void {
  const rows = CATEGORIES.map((category) => {
    const of = results.filter((result) => result.category === category && result.verdict !== 'skipped');
    return { category, tries: of.length, survived: of.filter((result) => result.verdict === 'survived').length };
  }).filter((row) => row.tries > 0 || results.some((result) => result.category === row.category));
  const total = rows.reduce((sum, row) => ({ tries: sum.tries + row.tries, survived: sum.survived + row.survived }), { tries: 0, survived: 0 });
  console.log(`\n## Fault sweep (${cliDescription}, seed ${seed}, ${jobs} at a time, ${seconds.toFixed(0)} s)\n`);
  console.log('| category | tries | survived | not survived |');
  console.log('|---|---:|---:|---:|');
  for (const row of rows) console.log(`| ${row.category} | ${row.tries} | ${row.survived} | ${row.tries - row.survived} |`);
  console.log(`| **total** | **${total.tries}** | **${total.survived}** | **${total.tries - total.survived}** |`);

  const notes = new Map<string, number>();
  for (const result of results) for (const note of result.notes) notes.set(`${result.category}: ${note}`, (notes.get(`${result.category}: ${note}`) ?? 0) + 1);
  if (notes.size > 0) console.log(`\n${[...notes].map(([note, count]) => `- ${note}: ${count}`).join('\n')}`);

  const skipped = results.filter((result) => result.verdict === 'skipped');
  if (skipped.length > 0) {
    console.log(`\n${skipped.length} tries skipped (not counted above):`);
    const reasons = new Map<string, string[]>();
    for (const result of skipped) reasons.set(result.skipReason!, [...(reasons.get(result.skipReason!) ?? []), result.name]);
    for (const [reason, names] of reasons) console.log(`- ${reason}: ${names.length} (${names.slice(0, 3).join('; ')}${names.length > 3 ? '; …' : ''})`);
  }

  const failed = results.filter((result) => result.verdict === 'not survived');
  if (failed.length === 0) return;
  console.log(`\n## Not survived (${failed.length})\n`);
  for (const result of failed) {
    const last = result.culprit ?? result.runs.at(-1);
    console.log(`### ${result.name}`);
    for (const failure of result.failures) console.log(`- ${failure.split('\n').join('\n  ')}`);
    if (last) {
      console.log(`- command: \`${commandLine(last)}\``);
      console.log(`- exit code: ${last.code ?? last.signal}${last.killed ? ' (killed by the try)' : ''}`);
      if (last.stderr.trim()) console.log(`- stderr:\n\`\`\`\n${firstLines(last.stderr, 6)}\n\`\`\``);
    }
    console.log(`- reproduce: \`npx tsx bench/faults/run.ts --only '${result.name.replaceAll("'", `'\\''`)}'${seed === 1 ? '' : ` --seed ${seed}`}\``);
    console.log(`- folder kept: ${result.root}\n`);
  }
}

const started = performance.now();
console.log(`faults: ${tries.length} tries, ${jobs} at a time, seed ${seed}, with ${cliDescription}; work folder ${work}`);
let results: TryResult[];
try {
  results = await runAll(tries);
} finally {
  killAllChildren();
  undoSystemChanges();
}
const seconds = (performance.now() - started) / 1000;
report(results, seconds);
const anyFailed = results.some((result) => result.verdict === 'not survived');
if (!anyFailed && !values.keep) removeTree(work);
else console.log(`\nwork folder kept: ${work}`);
process.exit(anyFailed ? 1 : 0);
