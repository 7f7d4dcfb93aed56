import { render } from 'ink';
import type { Catalog } from '../catalog/catalog.js';
import { KineticsError } from '../errors.js';
import { App } from './app.js';

/** Starts the TUI on a real terminal; without one (a pipe, CI) it refuses instead of crashing in raw mode. */
export function assertTerminal(): void {
  if (!process.stdin.isTTY || !process.stdout.isTTY || typeof process.stdin.setRawMode !== 'function') {
    throw new KineticsError('kinetics tui needs an interactive terminal (stdin and stdout a TTY); use `kinetics query` or `kinetics status` in scripts', 2);
  }
}

export async function runTui(catalog: Catalog, home: string): Promise<void> {
  assertTerminal();
  const instance = render(<App catalog={catalog} home={home} />, { exitOnCtrlC: true });
  await instance.waitUntilExit();
}
