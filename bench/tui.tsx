/**
 * npm run bench:tui — on a full-size catalog (≈1.45M clips): time to first frame of `kinetics tui` in a real
 * terminal (tmux, 80×24; goal < 400 ms) and, in process, keypress → updated frame while scrolling and filtering the
 * 700 classes of K700-2020 train (goal < 16 ms at the median: a frame at 60 Hz): tapping j (the whole frame, the
 * class's details included, read ahead while the cursor stood) and holding it (the cursor; the details pane is read
 * once the keys stop); all 700 classes of K700-2020 val made a subset with cap 3 in the TUI's job process: its first
 * progress frame (goal < 100 ms) and the subset made (goal ≤ 1 s).
 * The npm script runs it with NODE_ENV=production: the bundle users run has React's production build (esbuild
 * defines it), and under tsx React would otherwise load its development build, measured 1.2–1.5× slower a key.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setImmediate as tick } from 'node:timers/promises';
import { render } from 'ink-testing-library';
import { Catalog } from '../src/catalog/catalog.js';
import { dropSubset } from '../src/catalog/subsets.js';
import { classStats } from '../src/catalog/browse.js';
import { visibleClasses } from '../src/tui/state.js';
import { App } from '../src/tui/app.js';
import { JobRunner } from '../src/tui/work/job-runner.js';
import { packageRoot } from '../src/util/package-root.js';
import { benchWork, fullBucket } from './full-bucket.js';

if (process.env.NODE_ENV !== 'production') console.warn("bench:tui: NODE_ENV is not 'production': React's development build is timed, not the one the CLI ships");

const work = join(benchWork, 'tui');
mkdirSync(work, { recursive: true });
const db = join(work, 'catalog.db');
if (!existsSync(db)) {
  const ingest = spawnSync(process.execPath, [join(packageRoot, 'bin', 'kinetics.js'), 'ingest', '--source', await fullBucket(), '--db', db], { encoding: 'utf8' });
  if (ingest.status !== 0) throw new Error(ingest.stderr);
}

// First frame in a real terminal. The pane's output is piped to a file that this process reads: polling with
// `tmux capture-pane` would spawn a process every few milliseconds and take CPU from the TUI being timed.
// A server per run: a new session on a socket whose server is still shutting down fails ("server exited unexpectedly").
let socket = '';
const tmux = (...args: string[]) => execFileSync('tmux', ['-L', socket, ...args], { encoding: 'utf8' });
const paneLog = join(work, 'pane.log');
const firstFrames: number[] = [];
for (let run = 0; run < 5; run++) {
  socket = `kinetics-bench-${process.pid}-${run}`;
  writeFileSync(paneLog, '');
  tmux('new-session', '-d', '-s', 'tui', '-x', '80', '-y', '24', `read go; CI=false exec '${process.execPath}' '${join(packageRoot, 'bin', 'kinetics.js')}' tui --db '${db}'`);
  tmux('pipe-pane', '-t', 'tui', `cat >> '${paneLog}'`);
  const started = performance.now();
  tmux('send-keys', '-t', 'tui', 'Enter');
  while (!readFileSync(paneLog, 'utf8').includes('versions / splits')) {
    if (performance.now() - started > 10_000) throw new Error(`no first frame after 10 s; the pane shows:\n${tmux('capture-pane', '-p', '-t', 'tui')}`);
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
  firstFrames.push(performance.now() - started);
  await new Promise((resolve) => setTimeout(resolve, 100));
  if (!tmux('capture-pane', '-p', '-t', 'tui').includes('versions / splits')) throw new Error('the frame seen in the pane output is not on the screen');
  tmux('kill-server');
}
firstFrames.sort((a, b) => a - b);

// Keypress → frame, in process.
const catalog = Catalog.open(db);
const runner = new JobRunner(catalog.file);
// Started before the timing, as the bundled CLI's job process is at hand within ~0.2 s of the first key; under tsx
// it transpiles for a second, which is not what a user waits for.
await runner.run({ kind: 'query', sql: 'SELECT 1' });
const app = render(<App catalog={catalog} home={work} runner={runner} />);
const frame = () => app.lastFrame() ?? '';
/** Milliseconds from a key to a frame that differs; keys that change nothing visible (focus) are not timed. */
async function press(keys: string, timed = true): Promise<number> {
  const before = frame();
  const started = performance.now();
  app.stdin.write(keys);
  if (!timed) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    return 0;
  }
  while (frame() === before) {
    if (performance.now() - started > 5000) throw new Error(`no new frame after ${JSON.stringify(keys)}:\n${before}`);
    await tick();
  }
  return performance.now() - started;
}
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
await new Promise((resolve) => setTimeout(resolve, 200));
await press('\t', false);
for (let index = 0; index < 7; index++) await press('j'); // k700-2020 train
await press('\t', false);
if (!frame().includes('classes 700/700')) throw new Error(`not on K700-2020 train:\n${frame()}`);
// Holding j: the next key as soon as a frame comes (the details pane is not read for the classes passed).
const holding: number[] = [];
for (let index = 0; index < 100; index++) holding.push(await press('j'));
// Tapping j: each key once the screen has settled; timed to the frame with the cursor's class in the details pane.
const detailsTitle = () => frame().split('\n')[1]!.split('│').filter((part) => part.trim() !== '').at(-1)!.trim();
const trainClasses = visibleClasses(classStats(catalog, 'k700-2020', 'train'), '', 'name').map((row) => row.label);
/** Whether the details pane's title is this class (a long name is cut with an ellipsis). */
const shows = (label: string) => {
  const title = detailsTitle();
  return title === label || (title.endsWith('…') && label.startsWith(title.slice(0, -1)));
};
const tapping: number[] = [];
for (let index = 0; index < 60; index++) {
  await new Promise((resolve) => setTimeout(resolve, 120));
  const expected = trainClasses[holding.length + index + 1]!; // the cursor stands on the class after the keys so far
  const started = performance.now();
  app.stdin.write('j');
  while (!shows(expected)) {
    if (performance.now() - started > 5000) throw new Error(`the details pane did not show ${expected}:\n${frame()}`);
    await tick();
  }
  tapping.push(performance.now() - started);
}
await press('/');
const filtering: number[] = [];
for (const char of 'playing') filtering.push(await press(char));
for (let index = 0; index < 7; index++) filtering.push(await press('\x7f'));

// All 700 classes of K700-2020 val, a subset with cap 3: the frame that says it runs, the subset made (the status
// turns to planning it), and its plan on screen.
await press('\r', false);
await press('\t', false);
await press('j');
await press('\t', false);
if (!frame().includes('classes 700/700')) throw new Error(`not on K700-2020 val:\n${frame()}`);
await press('a');
await press('n');
for (const key of ['\r', '\r', '3', '\r', '\r']) await press(key, false);
async function until(check: () => boolean, what: string, started: number): Promise<number> {
  while (!check()) {
    if (performance.now() - started > 120_000) throw new Error(`no ${what} after 120 s:\n${frame()}`);
    await tick();
  }
  return performance.now() - started;
}
const submitted = performance.now();
app.stdin.write('\r');
const firstProgress = await until(() => frame().includes('making subset tui-k700-2020-val'), 'progress frame', submitted);
const subsetMade = await until(() => frame().includes('planning tui-k700-2020-val'), 'subset', submitted);
const planShown = await until(() => frame().includes('plan tui-k700-2020-val:'), 'plan', submitted);
const clipsInSubset = catalog.sqlite.prepare("SELECT count(*) FROM subset_clips WHERE subset = 'tui-k700-2020-val'").pluck().get() as number;
dropSubset(catalog, 'tui-k700-2020-val');
app.unmount();
await catalog.close();

const line = (label: string, value: string) => console.log(`${label.padEnd(50)} ${value}`);
console.log(`bench:tui — ${db}`);
line('first frame in tmux 80×24, median of 5 (goal < 400 ms)', `${firstFrames[2]!.toFixed(0)} ms (min ${firstFrames[0]!.toFixed(0)}, max ${firstFrames[4]!.toFixed(0)})`);
line('keypress → whole frame, tapping j (goal < 16)', `median ${median(tapping).toFixed(1)} ms, max ${Math.max(...tapping).toFixed(1)} ms (cursor and its class's details)`);
line('keypress → frame, holding j', `median ${median(holding).toFixed(1)} ms, max ${Math.max(...holding).toFixed(1)} ms (the cursor; details once the keys stop)`);
line('keypress → frame, filtering (goal < 16)', `median ${median(filtering).toFixed(1)} ms, max ${Math.max(...filtering).toFixed(1)} ms`);
line(`700 classes, cap 3 (${clipsInSubset} clips): first progress frame (goal < 100)`, `${firstProgress.toFixed(0)} ms`);
line('  … subset made (goal ≤ 1 s)', `${(subsetMade / 1000).toFixed(2)} s`);
line('  … its plan on screen', `${(planShown / 1000).toFixed(2)} s`);
