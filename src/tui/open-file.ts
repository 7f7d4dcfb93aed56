import { spawn } from 'node:child_process';

/** The desktop's opener for a file, when there is a desktop to open it on (not over ssh, not in a bare console). */
export function systemOpener(env: NodeJS.ProcessEnv, platform: NodeJS.Platform): string | undefined {
  if (platform === 'darwin') return 'open';
  if (platform === 'linux' && (env.DISPLAY || env.WAYLAND_DISPLAY)) return 'xdg-open';
  return undefined;
}

/**
 * Opens a clip's file with the system opener, detached from the TUI; says what it did, or gives the path to use
 * elsewhere (a player on another machine, mpv in another pane) when there is no opener.
 */
export function openFile(path: string, report: (message: string) => void, env = process.env, platform = process.platform): void {
  const opener = systemOpener(env, platform);
  if (!opener) return report(`no desktop to open it on; the file: ${path}`);
  const child = spawn(opener, [path], { detached: true, stdio: 'ignore' });
  child.on('error', () => report(`${opener} is not installed; the file: ${path}`));
  child.on('spawn', () => report(`opened ${path} with ${opener}`));
  child.unref();
}
