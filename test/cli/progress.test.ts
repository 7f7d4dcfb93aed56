import assert from 'node:assert/strict';
import { join } from 'node:path';
import { before, describe, test } from 'node:test';
import { ProgressRenderer, formatDuration, statusLine } from '../../src/cli/progress.js';
import { runCommandLine } from '../../src/cli/main.js';
import { runCli } from '../helpers/run-cli.js';
import { sampleBucket, tempDir } from '../helpers/temp.js';

describe('the status line', () => {
  test('counts, bytes of the total, a byte rate and the time left', () => {
    const line = statusLine('fetch', { done: 3, total: 20, unit: 'shard', bytes: 100 * 2 ** 20, totalBytes: 400 * 2 ** 20, detail: 'part_1 3.0 MiB' }, 2);
    assert.equal(line, 'fetch  3 of 20 shards · 100.0 MiB of 400.0 MiB · 50.0 MiB/s · ETA 6 s · part_1 3.0 MiB');
  });

  test('without bytes the rate is of items, thousands are grouped, and one item is singular', () => {
    assert.equal(statusLine('scan', { done: 12_000, unit: 'file' }, 3), 'scan  12,000 files · 4,000 files/s');
    assert.equal(statusLine('export', { done: 1, total: 1, unit: 'clip' }, 0.2), 'export  1 of 1 clip');
    assert.equal(statusLine('export', { done: 500, total: 2_000, unit: 'clip' }, 5), 'export  500 of 2,000 clips · 100 clips/s · ETA 15 s');
  });

  test('no rate or ETA in the first second, none when nothing moved, and no ETA from items when bytes are counted', () => {
    assert.equal(statusLine('fetch', { done: 0, total: 4, unit: 'shard', bytes: 5000, totalBytes: 10_000 }, 0.5), 'fetch  0 of 4 shards · 4.9 KiB of 9.8 KiB');
    assert.equal(statusLine('fetch', { done: 0, total: 4, unit: 'shard', bytes: 0, totalBytes: 10_000 }, 5), 'fetch  0 of 4 shards · 0 B of 9.8 KiB');
    // Ingest knows how many files, not how many bytes they hold: a file count would make a lying ETA.
    assert.equal(statusLine('ingest', { done: 2, total: 24, unit: 'file', bytes: 2048 }, 2), 'ingest  2 of 24 files · 2.0 KiB · 1.0 KiB/s');
  });

  test('durations read as a person would say them', () => {
    assert.deepEqual([0.2, 59, 61, 3600, 3725, 7200].map(formatDuration), ['1 s', '59 s', '1 min 1 s', '1 h', '1 h 2 min', '2 h']);
  });
});

/** A stream with a clock the test moves. */
function fakeTerminal(isTTY: boolean, columns = 80) {
  const written: string[] = [];
  let now = 1_000;
  return {
    stream: { write: (text: string) => void written.push(text), isTTY, columns },
    written,
    clock: () => now,
    advance: (ms: number) => (now += ms),
  };
}

describe('the renderer', () => {
  test('live: redrawn in place at most every 100 ms, cut to the terminal, cleared before a line that stays and at the end', () => {
    const terminal = fakeTerminal(true, 40);
    const renderer = new ProgressRenderer(terminal.stream, 'live', 'scan', 100, terminal.clock);
    let files = 0;
    renderer.watch(() => ({ done: files, unit: 'file', detail: 'a long detail that does not fit in forty columns' }));
    renderer.tick();
    assert.deepEqual(terminal.written, [], 'nothing before the first interval');
    terminal.advance(100);
    files = 5;
    renderer.tick();
    terminal.advance(50);
    renderer.tick();
    assert.equal(terminal.written.length, 1, 'once per interval');
    const drawn: string = terminal.written[0]!;
    assert.ok(drawn.startsWith('\r\x1b[2Kscan  5 files'));
    assert.equal(drawn.length, '\r\x1b[2K'.length + 39);
    renderer.line('ambiguous  a.mp4');
    assert.deepEqual(terminal.written.slice(1), ['\r\x1b[2K', 'ambiguous  a.mp4\n']);
    renderer.line('next');
    assert.deepEqual(terminal.written.slice(3), ['next\n'], 'no clearing when no live line is drawn');
    terminal.advance(100);
    renderer.tick();
    renderer.close();
    assert.equal(terminal.written.at(-1), '\r\x1b[2K');
    terminal.advance(1000);
    renderer.tick();
    assert.equal(terminal.written.at(-1), '\r\x1b[2K', 'nothing after close');
  });

  test('lines: a stalled transfer prints no line until it moves again; rates under 1 KiB/s are whole bytes', () => {
    const log = fakeTerminal(false);
    const renderer = new ProgressRenderer(log.stream, 'lines', 'fetch', 1000, log.clock);
    let bytes = 1000;
    renderer.watch(() => ({ done: 0, total: 2, unit: 'shard', bytes, totalBytes: 10_000 }));
    for (let second = 0; second < 5; second++) {
      log.advance(1000);
      renderer.tick();
    }
    bytes = 1500;
    log.advance(1000);
    renderer.tick();
    assert.deepEqual(log.written, ['fetch  0 of 2 shards · 1000 B of 9.8 KiB · 1000 B/s · ETA 9 s\n', 'fetch  0 of 2 shards · 1.5 KiB of 9.8 KiB · 250 B/s · ETA 34 s\n']);
  });

  test('lines: whole lines at the interval, for logs', () => {
    const log = fakeTerminal(false);
    const renderer = new ProgressRenderer(log.stream, 'lines', 'export', 10_000, log.clock);
    let done = 0;
    renderer.watch(() => ({ done, total: 100, unit: 'clip' }));
    for (let step = 0; step < 25; step++) {
      log.advance(1000);
      done += 4;
      renderer.tick();
    }
    renderer.close();
    assert.deepEqual(log.written, [
      'export  40 of 100 clips · 4 clips/s · ETA 15 s\n',
      'export  80 of 100 clips · 4 clips/s · ETA 5 s\n',
    ]);
  });

  test('silent: nothing at all, lines that stay included', () => {
    const log = fakeTerminal(true);
    const renderer = new ProgressRenderer(log.stream, 'silent', 'fetch', 100, log.clock);
    renderer.watch(() => ({ done: 1, unit: 'shard' }));
    log.advance(500);
    renderer.tick();
    renderer.line('extracted  k400/val/part_1.tar.gz');
    renderer.close();
    assert.deepEqual(log.written, []);
  });
});

describe('every long command draws through it', () => {
  const home = tempDir();
  const cli = (args: string[], env: NodeJS.ProcessEnv = {}) => runCli([...args, '--home', home], { env: { KINETICS_PROGRESS_SECONDS: '0.001', ...env } });
  const statusLines = (stderr: string, label: string) => stderr.split('\n').filter((line) => line.startsWith(`${label}  `));

  before(async () => {
    const created = await cli(['ingest', '--source', sampleBucket]);
    assert.equal(created.code, 0, created.stderr);
    assert.equal((await cli(['subset', 'create', 'some', '--version', 'k700-2020', '--split', 'val', '--limit', '6', '--seed', '1'])).code, 0);
  });

  test('ingest: a line per file and status lines of files and bytes; --quiet and --json: the summary only', async () => {
    const db = join(tempDir(), 'catalog.db');
    const loud = await runCli(['ingest', '--source', sampleBucket, '--db', db, '--no-downstream'], { env: { KINETICS_PROGRESS_SECONDS: '0.001' } });
    assert.equal(loud.code, 0, loud.stderr);
    assert.match(loud.stderr, /^loaded {5}400\/annotations\/val\.csv  348 rows/m);
    const status = statusLines(loud.stderr, 'ingest');
    assert.ok(status.length > 0, loud.stderr);
    for (const line of status) assert.match(line, /^ingest {2}\d+ of 2[0-9] files · [\d.]+ (B|KiB|MiB)/);

    const quiet = await runCli(['ingest', '--source', sampleBucket, '--db', join(tempDir(), 'catalog.db'), '-q'], { env: { KINETICS_PROGRESS_SECONDS: '0.001' } });
    assert.equal(quiet.code, 0);
    assert.deepEqual(quiet.stderr.trim().split('\n').length, 1, quiet.stderr);
    assert.match(quiet.stderr, /loaded .* failed in [\d.]+ s/);
    const json = await runCli(['ingest', '--source', sampleBucket, '--db', join(tempDir(), 'catalog.db'), '--json'], { env: { KINETICS_PROGRESS_SECONDS: '0.001' } });
    assert.equal(json.stderr, '');
    assert.equal(JSON.parse(json.stdout).exitCode, 0);
  });

  test('fetch: shards of the plan and bytes; a line per shard; quiet keeps the summary', async () => {
    // The sample bucket's shards lack one clip of this subset: exit 1 says so after the progress.
    const fetched = await cli(['fetch', 'some', '--jobs', '1']);
    assert.match(fetched.stderr, /^subset some: 5 clips extracted from 4 shards \(1 skipped\)/m);
    assert.match(fetched.stderr, /^extracted {2}k700-2020\/val\//m);
    const status = statusLines(fetched.stderr, 'fetch');
    assert.ok(status.length > 0, fetched.stderr);
    assert.equal(status[0], 'fetch  planning which shards hold the clips');
    for (const line of status.slice(1)) assert.match(line, /^fetch {2}[0-5] of 5 shards · [\d.]+ (B|KiB)/);
    const counts = status.slice(1).map((line) => Number(/^fetch {2}(\d+)/.exec(line)![1]));
    assert.deepEqual(counts, [...counts].sort((a, b) => a - b), 'shards done never go back');

    assert.equal((await cli(['subset', 'create', 'more', '--version', 'k400', '--split', 'val', '--limit', '4', '--seed', '2'])).code, 0);
    const quiet = await cli(['fetch', 'more', '--quiet']);
    assert.doesNotMatch(quiet.stderr, /^(extracted|fetch) /m);
    assert.match(quiet.stderr, /^subset more: \d+ clips? extracted/m);
  });

  test('scan and export: files seen, clips laid out', async () => {
    const scanned = await cli(['scan', '--verify']);
    assert.equal(scanned.code, 0, scanned.stderr);
    for (const line of statusLines(scanned.stderr, 'scan')) assert.match(line, /^scan {2}\d+ files? · /);
    const exported = await cli(['export', 'some', '--format', 'webdataset', '--out', join(home, 'wds')]);
    assert.equal(exported.code, 0, exported.stderr);
    const status = statusLines(exported.stderr, 'export');
    assert.ok(status.length > 0, exported.stderr);
    for (const line of status) assert.match(line, /^export {2}\d+ of [1-6] clips?/);
  });

  test('on a terminal: the outcomes stay as lines and the status is redrawn in place, never as lines of its own', async () => {
    let stderr = '';
    const code = await runCommandLine(['ingest', '--source', sampleBucket, '--db', join(tempDir(), 'catalog.db'), '--no-downstream'], {
      stdout: { write: () => true },
      stderr: { write: (text: string) => (stderr += text), isTTY: true, columns: 80 },
      readStdin: () => '',
      env: { ...process.env, KINETICS_SOURCE: '' },
    });
    assert.equal(code, 0);
    assert.match(stderr, /^loaded {5}400\/annotations\/val\.csv  348 rows/m);
    for (const line of stderr.split('\n')) assert.doesNotMatch(line, /^ingest {2}/, 'a status line never ends in a newline on a terminal');
  });
});
