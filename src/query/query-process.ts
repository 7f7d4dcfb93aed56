import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { KineticsError } from '../errors.js';
import type { Output } from '../util/output.js';
import { packageRoot } from '../util/package-root.js';
import type { QueryRequest } from './run-query.js';

/** The longest --timeout: setTimeout's limit (2^31 - 1 ms). */
export const MAX_TIMEOUT_SECONDS = 2_147_483;

/** Exit codes of a query that was stopped: as GNU timeout(1) for --timeout, 128 + SIGINT for Ctrl-C. */
export const TIMED_OUT_EXIT = 124;
export const INTERRUPTED_EXIT = 130;

/** The runner beside this module: the bundled file, or its source under tsx (whose loader the child inherits). */
function runnerScript(): string {
  return import.meta.url.endsWith('.ts')
    ? join(packageRoot, 'src', 'query', 'query-runner.ts')
    : join(packageRoot, 'dist', 'query', 'query-runner.js');
}

/** The child writes to this process's own stream directly; to any other (a test's buffer) through a pipe. */
function childStdio(output: Output, own: NodeJS.WriteStream): 'inherit' | 'pipe' {
  return output === own ? 'inherit' : 'pipe';
}

/**
 * Runs the query in a child process that writes straight to this process's stdout (rows stream with no copy), so
 * that `timeoutSeconds` and Ctrl-C can end it at once, whatever SQLite is doing. Resolves to the child's exit code.
 */
export function runQueryProcess(
  request: QueryRequest,
  timeoutSeconds: number | null,
  output: { stdout: Output; stderr: Output },
): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...process.execArgv, runnerScript()], {
      stdio: ['pipe', childStdio(output.stdout, process.stdout), childStdio(output.stderr, process.stderr)],
    });
    // Decoded as a stream, so that a character split across two reads stays whole.
    child.stdout?.setEncoding('utf8').on('data', (text: string) => output.stdout.write(text));
    child.stderr?.setEncoding('utf8').on('data', (text: string) => output.stderr.write(text));
    let stopped: KineticsError | undefined;
    const stop = (error: KineticsError) => {
      stopped ??= error;
      child.kill('SIGKILL');
    };
    const timer =
      timeoutSeconds === null
        ? undefined
        : setTimeout(() => stop(new KineticsError(`query stopped after ${timeoutSeconds} s (--timeout); narrow it, or give it longer`, TIMED_OUT_EXIT)), timeoutSeconds * 1000);
    // Ctrl-C, and a supervisor's TERM or HUP, end the query with this process.
    const signals = { SIGINT: ['query cancelled (Ctrl-C)', INTERRUPTED_EXIT], SIGTERM: ['query stopped (SIGTERM)', 143], SIGHUP: ['query stopped (SIGHUP)', 129] } as const;
    const handlers = Object.entries(signals).map(([signal, [message, code]]) => {
      const handler = () => stop(new KineticsError(message, code));
      process.on(signal, handler);
      return () => process.off(signal, handler);
    });
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      for (const remove of handlers) remove();
      if (stopped) reject(stopped);
      else if (signal !== null) reject(new KineticsError(`the query's process was ended by ${signal}`, 1));
      else resolve(code ?? 1);
    });
    child.stdin!.end(JSON.stringify(request));
  });
}
