import { render } from 'ink';
import type { Catalog } from '../catalog/catalog.js';
import { KineticsError } from '../errors.js';
import type { Output } from '../util/output.js';
import { App } from './app.js';

/** Starts the TUI on a real terminal; without one (a pipe, CI) it refuses instead of crashing in raw mode. */
export function assertTerminal(stdout: Output): void {
  if (!process.stdin.isTTY || !stdout.isTTY || typeof process.stdin.setRawMode !== 'function') {
    throw new KineticsError('kinetics tui needs an interactive terminal (stdin and stdout a TTY); use `kinetics query` or `kinetics status` in scripts', 2);
  }
}

export async function runTui(catalog: Catalog, home: string): Promise<void> {
  const instance = render(<App catalog={catalog} home={home} />, { exitOnCtrlC: true });
  await instance.waitUntilExit();
}
