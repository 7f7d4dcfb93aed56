import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { KineticsError } from '../errors.js';
import { packageRoot } from '../util/package-root.js';
import type { QueryRequest } from './run-query.js';

/** Exit codes of a query that was stopped: as GNU timeout(1) for --timeout, 128 + SIGINT for Ctrl-C. */
export const TIMED_OUT_EXIT = 124;
export const INTERRUPTED_EXIT = 130;

/** The runner beside this module: the bundled file, or its source under tsx (whose loader the child inherits). */
function runnerScript(): string {
  return import.meta.url.endsWith('.ts')
    ? join(packageRoot, 'src', 'query', 'query-runner.ts')
    : join(packageRoot, 'dist', 'query', 'query-runner.js');
}

/**
 * Runs the query in a child process that writes straight to this process's stdout (rows stream with no copy), so
 * that `timeoutSeconds` and Ctrl-C can end it at once, whatever SQLite is doing. Resolves to the child's exit code.
 */
export function runQueryProcess(request: QueryRequest, timeoutSeconds: number | null): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...process.execArgv, runnerScript()], { stdio: ['pipe', 'inherit', 'inherit'] });
    let stopped: KineticsError | undefined;
    const stop = (error: KineticsError) => {
      stopped ??= error;
      child.kill('SIGKILL');
    };
    const timer =
      timeoutSeconds === null
        ? undefined
        : setTimeout(() => stop(new KineticsError(`query stopped after ${timeoutSeconds} s (--timeout); narrow it, or give it longer`, TIMED_OUT_EXIT)), timeoutSeconds * 1000);
    const onInterrupt = () => stop(new KineticsError('query cancelled (Ctrl-C)', INTERRUPTED_EXIT));
    process.on('SIGINT', onInterrupt);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      process.off('SIGINT', onInterrupt);
      if (stopped) reject(stopped);
      else resolve(code ?? 1);
    });
    child.stdin.end(JSON.stringify(request));
  });
}
