import { execFileSync, spawnSync } from 'node:child_process';
import type { TestContext } from 'node:test';
import { tempDir } from './temp.js';

const NEEDS_ROOT = 'needs root or CAP_SYS_ADMIN';

/** Runs `body` with the mount made by `mount args… dir`, unmounted after; skips the test where it cannot be made. */
async function withMount(t: TestContext, args: string[], dir: string, what: string, body: () => Promise<void>): Promise<void> {
  if (spawnSync('mount', [...args, dir], { encoding: 'utf8' }).status !== 0) {
    t.skip(`cannot mount ${what} here (${NEEDS_ROOT}): this case is not tested on this machine`);
    return;
  }
  try {
    await body();
  } finally {
    execFileSync('umount', [dir]);
  }
}

/** Runs `body` with a tmpfs of `size` mounted at `dir`. */
export function onSmallDisk(t: TestContext, dir: string, size: string, body: () => Promise<void>): Promise<void> {
  return withMount(t, ['-t', 'tmpfs', '-o', `size=${size}`, 'tmpfs'], dir, 'a tmpfs', body);
}

/** Runs `body` with a read-only view of `dir` (a bind mount remounted read-only), given its path. */
export async function readOnlyView(t: TestContext, dir: string, body: (view: string) => Promise<void>): Promise<void> {
  const view = tempDir();
  await withMount(t, ['--bind', dir], view, 'a bind mount', async () => {
    execFileSync('mount', ['-o', 'remount,ro,bind', view]);
    await body(view);
  });
}
