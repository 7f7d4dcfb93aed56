import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { ingestInto, queryAll } from '../helpers/catalog.js';
import { cliEntry, tsxLoader } from '../helpers/run-cli.js';
import { sampleBucket, tempDir } from '../helpers/temp.js';

// A server per session: a new session on a socket whose server is still shutting down (its last session was just
// killed) fails with "server exited unexpectedly".
const sockets: string[] = [];
let socket = '';
const useServer = (name: string) => sockets.push((socket = `kinetics-test-${process.pid}-${name}`));
const tmux = (...args: string[]) => execFileSync('tmux', ['-L', socket, ...args], { encoding: 'utf8' });
const screen = () => tmux('capture-pane', '-p', '-t', 'tui');
after(() => {
  for (const name of sockets) {
    try {
      execFileSync('tmux', ['-L', name, 'kill-server'], { stdio: 'ignore' });
    } catch {
      // already gone
    }
  }
});

async function until(check: (text: string) => boolean, what: string): Promise<string> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const text = screen();
    if (check(text)) return text;
    assert.ok(Date.now() < deadline, `timed out waiting for ${what}; the screen was:\n${text}`);
    await sleep(50);
  }
}

test('kinetics tui in a real terminal (tmux, 80×24): filter, select, make a subset, see the plan, quit cleanly', async () => {
  const home = tempDir();
  await ingestInto(join(home, 'catalog.db'), sampleBucket);
  // CI=true (as CI sets it) makes Ink draw only the final frame; a person at a terminal has no CI variable.
  const command = `echo SHELL-BEFORE-TUI; CI=false CONTINUOUS_INTEGRATION=false '${process.execPath}' --import '${tsxLoader}' '${cliEntry}' tui --home '${home}'; echo "EXITED $?"; sleep 30`;
  useServer('flow');
  tmux('new-session', '-d', '-s', 'tui', '-x', '80', '-y', '24', command);
  const first = await until((text) => text.includes('versions / splits'), 'the first frame');
  const lines = first.split('\n');
  assert.ok(lines[0]!.startsWith('┌'), 'the panes start on the first row');
  assert.match(lines[23]!, /^\? keys +q quit/, 'the key hints stand on the 24th row');

  tmux('send-keys', '-t', 'tui', '/', 'skate', 'Enter');
  await until((text) => text.includes('1/7 · '), 'the filter');
  tmux('send-keys', '-t', 'tui', 'Space');
  await until((text) => /· 1 sel/.test(text), 'the selection');
  tmux('send-keys', '-t', 'tui', 'n');
  await until((text) => text.includes('name: tui-k400-train'), 'the subset form');
  tmux('send-keys', '-t', 'tui', 'Enter', 'Enter', '2', 'Enter', 'Enter', 'Enter');
  const plan = await until((text) => text.includes('plan tui-k400-'), 'the plan');
  assert.match(plan, /^subset tui-k400-train: 2 clips · p plan/m, 'the subset made, under the plan');
  assert.match(plan, /k400 +train +part_0/);

  tmux('send-keys', '-t', 'tui', 'q');
  const exited = await until((text) => text.includes('EXITED'), 'the exit');
  assert.match(exited, /EXITED 0/);
  // The TUI drew on the alternate screen: the shell's own is back as it was, with no pane left on it.
  assert.match(exited, /^SHELL-BEFORE-TUI\nEXITED 0/);
  assert.doesNotMatch(exited, /versions \/ splits|┌/);
  const clips = await queryAll<{ label: string }>(
    join(home, 'catalog.db'),
    "SELECT c.label FROM subset_clips s JOIN clips c USING (version, split, clip_key) WHERE s.subset = 'tui-k400-train'",
  );
  assert.deepEqual(clips.map((clip) => clip.label), ['skateboarding', 'skateboarding']);
  tmux('kill-session', '-t', 'tui');
});

test('at 80×24 and 200×50: names and counts never run together, the help fits, the hints fit the last row', async () => {
  const home = tempDir();
  await ingestInto(join(home, 'catalog.db'), sampleBucket);
  for (const [width, height] of [[80, 24], [200, 50]] as const) {
    useServer(`${width}x${height}`);
    tmux('new-session', '-d', '-s', 'tui', '-x', String(width), '-y', String(height), `CI=false CONTINUOUS_INTEGRATION=false '${process.execPath}' --import '${tsxLoader}' '${cliEntry}' tui --home '${home}'; sleep 30`);
    // The whole frame: a capture can land while the terminal is still drawing its first rows.
    const first = await until((text) => text.includes('versions / splits') && /^\? keys/m.test(text), `the first frame at ${width}×${height}`);
    const lines = first.split('\n').slice(0, height);
    for (const line of lines) assert.ok([...line].length <= width, `a line wider than ${width}: ${line}`);
    const splitRows = lines.map((line) => /^│(k\d[^│]*)│/.exec(line)?.[1]).filter((row): row is string => row !== undefined);
    assert.equal(splitRows.length, 10, first);
    for (const row of splitRows) assert.match(row, /^k[\w-]+ [\w_…]+ +\d+$/, `a split row runs into its count: "${row}"`);
    assert.match(lines[height - 1]!, /^\? keys +q quit/);
    assert.doesNotMatch(lines[height - 1]!, /…\s*$/, 'the hints are whole ones, not cut');

    tmux('send-keys', '-t', 'tui', '?');
    const help = await until((text) => text.includes('this help; esc closes'), 'the help');
    const overlay = help.split('\n').filter((line) => line.includes('║'));
    assert.ok(overlay.length > 12);
    for (const line of overlay) assert.match(line, /║$/, `the help is cut: ${line}`);
    assert.match(help, /make a subset of the selected classes/);
    assert.match(help, /\(cap, seed, only missing\)/, 'a long line wraps rather than being cut');
    for (const whole of ['(substring, any case)', 'shards, bytes, what is here', 'the views and their columns are shown)']) {
      assert.ok(help.replace(/[║\s]+/g, ' ').includes(whole), `the help says "${whole}" whole`);
    }
    tmux('kill-session', '-t', 'tui');
  }
});
