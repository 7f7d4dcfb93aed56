import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { runCommandLine } from '../../src/cli/main.js';
import { packageRoot } from '../../src/util/package-root.js';

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface CliOptions {
  env?: NodeJS.ProcessEnv;
  input?: string;
}

/** The environment a test's command sees: never the developer's KINETICS_SOURCE. */
function testEnv(env: NodeJS.ProcessEnv | undefined): NodeJS.ProcessEnv {
  return { ...process.env, KINETICS_SOURCE: '', ...env };
}

/** Runs a command line in this process, as `kinetics ...` would, with its output captured. */
export async function runCli(args: string[], options: CliOptions = {}): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  const code = await runCommandLine(args, {
    stdout: { write: (text: string) => (stdout += text) },
    stderr: { write: (text: string) => (stderr += text) },
    readStdin: () => options.input ?? '',
    env: testEnv(options.env),
  });
  return { code, stdout, stderr };
}

export const cliEntry = join(packageRoot, 'src', 'cli', 'entry.ts');
/** Resolved here, so that the CLI can run with any working directory. */
export const tsxLoader = import.meta.resolve('tsx');

/** Runs the real CLI (`node --import tsx src/cli/entry.ts ...`) as a child process: for signals, pipes and cwd. */
export function spawnCli(args: string[], options: CliOptions & { cwd?: string } = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', tsxLoader, cliEntry, ...args], {
      cwd: options.cwd ?? packageRoot,
      env: testEnv(options.env),
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(options.input ?? '');
  });
}
