import { render } from 'ink';
import type { Catalog } from '../catalog/catalog.js';
import { KineticsError } from '../errors.js';
import type { Output } from '../util/output.js';
import { App } from './app.js';
import { JobRunner } from './work/job-runner.js';

/** Starts the TUI on a real terminal; without one (a pipe, CI) it refuses instead of crashing in raw mode. */
export function assertTerminal(stdout: Output): void {
  if (!process.stdin.isTTY || !stdout.isTTY || typeof process.stdin.setRawMode !== 'function') {
    throw new KineticsError('tui needs an interactive terminal (stdin and stdout a TTY); use `kinetics query` or `kinetics status` in scripts', 2);
  }
}

const ALTERNATE_SCREEN = '\x1b[?1049h';
const MAIN_SCREEN = '\x1b[?1049l';

/** Draws on the alternate screen, so that `q` and Ctrl-C leave the shell's screen as it was. */
export async function runTui(catalog: Catalog, home: string): Promise<void> {
  const runner = new JobRunner(catalog.file);
  process.stdout.write(ALTERNATE_SCREEN);
  try {
    // 60 frames a second: a key shows within ~17 ms (Ink's default of 30 holds a frame back up to 34 ms).
    const instance = render(<App catalog={catalog} home={home} runner={runner} />, { exitOnCtrlC: true, maxFps: 60 });
    await instance.waitUntilExit();
  } finally {
    await runner.close();
    process.stdout.write(MAIN_SCREEN);
  }
}
