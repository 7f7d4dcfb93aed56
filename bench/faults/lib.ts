/**
 * Shared helpers of the fault sweep: spawning the real CLI, the context a try runs in, the checks that decide
 * whether a try survived, catalog digests, file-tree snapshots, mounts and chattr.
 */
import { type ChildProcess, execFileSync, spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, cpSync, existsSync, lstatSync, mkdirSync, readFileSync, readdirSync, readlinkSync, rmSync, statSync, symlinkSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import Database from 'better-sqlite3';
import { packageRoot } from '../../src/util/package-root.js';

export { packageRoot };

// ─── What a try is ──────────────────────────────────────────────────────────────────────────────────────────────

export const CATEGORIES = ['crash', 'network', 'malformed', 'hostile-tar', 'query', 'concurrency', 'disk-full', 'permissions'] as const;
export type Category = (typeof CATEGORIES)[number];

export interface Try {
  /** Unique, and stable between runs: `--only NAME` runs just this try. */
  name: string;
  category: Category;
  run(t: TryContext): Promise<void>;
  /** Whole-try limit (default 120 s). */
  timeoutMs?: number;
  /** Expected to take long (retry backoff, busy waits): started first, so the sweep has no long tail. */
  slow?: boolean;
}

export type Verdict = 'survived' | 'not survived' | 'skipped';

export interface TryResult {
  name: string;
  category: Category;
  verdict: Verdict;
  failures: string[];
  notes: string[];
  /** The run the report shows: the first a check found fault with, else the last. */
  culprit?: CliRun;
  runs: CliRun[];
  skipReason?: string;
  ms: number;
  root: string;
}

/** Thrown by `t.skip()`: the try cannot be made on this machine (e.g. no mount permission). */
export class SkipTry extends Error {}

// ─── Spawning the CLI ───────────────────────────────────────────────────────────────────────────────────────────

const distEntry = join(packageRoot, 'dist', 'cli', 'entry.js');
let cliPrefix: string[] = [];
export let cliDescription = '';

/**
 * Copies the program under test into `dir` and runs every try against that copy, so that a rebuild of dist/ (or an
 * edit of src/) while the sweep runs cannot change the program half way. `dist`: bin/kinetics.js and the bundle
 * `npm run build` made; `tsx`: the sources through tsx's loader. node_modules is linked, not copied.
 */
export async function snapshotProgram(dir: string, mode: 'dist' | 'tsx'): Promise<void> {
  const items = mode === 'dist' ? ['bin', 'dist', 'migrations', 'queries', 'package.json'] : ['src', 'migrations', 'queries', 'package.json', 'tsconfig.json'];
  for (let attempt = 1; ; attempt++) {
    try {
      rmSync(dir, { recursive: true, force: true });
      mkdirSync(dir, { recursive: true });
      for (const item of items) cpSync(join(packageRoot, item), join(dir, item), { recursive: true });
      if (mode === 'dist' && !existsSync(join(dir, 'dist', 'cli', 'entry.js'))) throw new Error('dist/cli/entry.js is missing');
      break;
    } catch (error) {
      // dist/ is being rebuilt this very moment: wait for the build to end.
      if (attempt === 10) throw error;
      await sleep(1000);
    }
  }
  symlinkSync(join(packageRoot, 'node_modules'), join(dir, 'node_modules'));
  if (mode === 'tsx') {
    cliPrefix = ['--import', import.meta.resolve('tsx'), join(dir, 'src', 'cli', 'entry.ts')];
    cliDescription = 'node --import tsx src/cli/entry.ts (a copy of src/)';
  } else {
    cliPrefix = [join(dir, 'bin', 'kinetics.js')];
    cliDescription = `node bin/kinetics.js (a copy of dist/ built ${statSync(distEntry).mtime.toISOString()})`;
  }
}

export function distIsBuilt(): boolean {
  return existsSync(distEntry);
}

/** Source files changed after the bundle was built (the sweep then tests an older program than src/ holds). */
export function sourcesNewerThanDist(): string[] {
  if (!distIsBuilt()) return [];
  const built = statSync(distEntry).mtimeMs;
  const newer: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (statSync(path).mtimeMs > built) newer.push(relative(packageRoot, path));
    }
  };
  walk(join(packageRoot, 'src'));
  return newer;
}

export interface CliRun {
  args: string[];
  /** The environment variables the try set (beyond the sweep's own HOME, TMPDIR, KINETICS_SOURCE). */
  env: Record<string, string>;
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  ms: number;
  /** Killed on purpose by the try (kill -9 at a moment, a signal): its exit code and stderr are not judged. */
  killed: boolean;
  /** Still running at the end of its time limit (then killed): a hang. */
  hung: boolean;
}

export interface CliOptions {
  env?: Record<string, string>;
  input?: string;
  /** Limit for this run (default 60 s); past it the process group is killed and the run is a hang. */
  timeoutMs?: number;
}

/** Every child's process group, so that an interrupted sweep leaves nothing running. */
const liveGroups = new Set<number>();

export function killAllChildren(): void {
  for (const pid of liveGroups) {
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {
      /* gone */
    }
  }
}

/** A CLI process running: `kill()` sends a signal to it alone (as `kill -9 PID` would), `done` is its result. */
export interface RunningCli {
  child: ChildProcess;
  done: Promise<CliRun>;
  kill(signal?: NodeJS.Signals): void;
  /** Sends a signal the CLI is meant to handle (SIGINT): the run is still judged. */
  signal(signal: NodeJS.Signals): void;
  exited(): boolean;
}

/** One line a human can paste: `KINETICS_BUSY_WAIT=1 kinetics subset create ...`. */
export function commandLine(run: Pick<CliRun, 'args' | 'env'>): string {
  const quote = (word: string) => (/^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replaceAll("'", `'\\''`)}'`);
  const env = Object.entries(run.env).map(([name, value]) => `${name}=${quote(value)}`);
  return [...env, 'kinetics', ...run.args.map(quote)].join(' ');
}

// ─── The context a try runs in ──────────────────────────────────────────────────────────────────────────────────

/**
 * A try's own folder: `home/` (its --home), `cwd/` (the CLI's working directory), `userhome/` ($HOME), `tmp/`
 * ($TMPDIR) and whatever the try adds (a bucket, an outside folder). Everything but home and the try's declared
 * paths must be left as it was.
 */
export class TryContext {
  readonly home: string;
  readonly db: string;
  readonly cwd: string;
  readonly userHome: string;
  readonly tmp: string;
  readonly failures: string[] = [];
  /** What happened, for the summary (not a verdict): e.g. whether a kill landed while the command ran. */
  readonly notes: string[] = [];
  readonly runs: CliRun[] = [];
  /** The first run a check found fault with: the command the report shows. */
  culprit: CliRun | undefined;
  /** Environment for every CLI run of this try (a run's own env adds to it). */
  readonly env: Record<string, string> = {};
  readonly random: () => number;
  private readonly cleanups: (() => unknown)[] = [];
  /** Entries of the try folder a try may create besides the standard ones. */
  private readonly declared = new Set<string>(['home', 'cwd', 'userhome', 'tmp']);

  constructor(
    readonly name: string,
    readonly root: string,
    seed: number,
  ) {
    this.home = join(root, 'home');
    this.db = join(this.home, 'catalog.db');
    this.cwd = join(root, 'cwd');
    this.userHome = join(root, 'userhome');
    this.tmp = join(root, 'tmp');
    for (const dir of [this.cwd, this.userHome, this.tmp]) mkdirSync(dir, { recursive: true });
    this.random = seededRandom(hashString(`${seed}:${name}`));
  }

  /** A path under the try folder (created as a folder unless `file`), declared as the try's own. */
  path(name: string, kind: 'dir' | 'file' = 'dir'): string {
    this.declared.add(name.split('/')[0]!);
    const path = join(this.root, name);
    if (kind === 'dir') mkdirSync(path, { recursive: true });
    return path;
  }

  /** Records a failure unless `condition` holds; `run` is the command it is about, if any. */
  check(condition: unknown, message: string, run?: CliRun): boolean {
    if (!condition) {
      this.failures.push(message);
      if (run) this.culprit ??= run;
    }
    return Boolean(condition);
  }

  fail(message: string, run?: CliRun): void {
    this.check(false, message, run);
  }

  skip(reason: string): never {
    throw new SkipTry(reason);
  }

  /** Runs after the try, last registered first, whatever happened (unmount, chattr -i, stop a server). */
  defer(cleanup: () => unknown): void {
    this.cleanups.push(cleanup);
  }

  async cleanUp(): Promise<void> {
    for (const cleanup of this.cleanups.reverse()) {
      try {
        await cleanup();
      } catch (error) {
        this.fail(`clean-up failed: ${(error as Error).message}`);
      }
    }
  }

  /** Starts `kinetics ARGS` in `cwd/`; the caller awaits `done` (judged like `cli()` unless killed on purpose). */
  start(args: string[], options: CliOptions = {}): RunningCli {
    const env = { ...this.env, ...options.env };
    const started = performance.now();
    const child = spawn(process.execPath, [...cliPrefix, ...args], {
      cwd: this.cwd,
      env: childEnv(this, env),
      stdio: ['pipe', 'pipe', 'pipe'],
      detached: true,
    });
    liveGroups.add(child.pid!);
    const run: CliRun = { args, env, code: null, signal: null, stdout: '', stderr: '', ms: 0, killed: false, hung: false };
    child.stdout!.setEncoding('utf8').on('data', (text: string) => (run.stdout += text));
    child.stderr!.setEncoding('utf8').on('data', (text: string) => (run.stderr += text));
    child.stdin!.on('error', () => {});
    child.stdin!.end(options.input ?? '');
    let exited = false;
    const timer = setTimeout(() => {
      run.hung = true;
      killGroup(child.pid!);
    }, options.timeoutMs ?? 60_000);
    const done = new Promise<CliRun>((resolve) => {
      child.on('close', (code, signal) => {
        exited = true;
        clearTimeout(timer);
        // Whatever the CLI started (a query's own process, find) goes with it.
        killGroup(child.pid!);
        liveGroups.delete(child.pid!);
        run.code = code;
        run.signal = signal;
        run.ms = performance.now() - started;
        this.runs.push(run);
        judgeRun(this, run);
        resolve(run);
      });
    });
    return {
      child,
      done,
      exited: () => exited,
      kill: (signal = 'SIGKILL') => {
        if (exited) return;
        run.killed = true;
        child.kill(signal);
      },
      signal: (signal) => {
        if (!exited) child.kill(signal);
      },
    };
  }

  /** Runs `kinetics ARGS` to its end. Every run is judged: never exit 70, never a signal, never a stack trace. */
  cli(args: string[], options: CliOptions = {}): Promise<CliRun> {
    return this.start(args, options).done;
  }

  /** Starts a run and sends it SIGKILL after `ms` (if it is still running); resolves when it has ended. */
  async killAfter(args: string[], ms: number, options: CliOptions = {}): Promise<CliRun> {
    const running = this.start(args, options);
    const timer = setTimeout(() => running.kill('SIGKILL'), ms);
    const run = await running.done;
    clearTimeout(timer);
    return run;
  }

  /** Every entry of the try folder is one the try declared; cwd, $HOME and $TMPDIR are still empty. */
  checkNothingOutsideHome(): void {
    for (const entry of readdirSync(this.root)) {
      this.check(this.declared.has(entry), `wrote outside --home: ${join(this.root, entry)}`);
    }
    for (const dir of [this.cwd, this.userHome, this.tmp]) {
      const left = existsSync(dir) ? readdirSync(dir) : [];
      this.check(left.length === 0, `wrote outside --home: ${dir}/{${left.slice(0, 5).join(', ')}}`);
    }
  }
}

function childEnv(t: TryContext, env: Record<string, string>): NodeJS.ProcessEnv {
  const base: NodeJS.ProcessEnv = { ...process.env };
  for (const name of ['KINETICS_HOME', 'KINETICS_DB', 'KINETICS_SOURCE', 'KINETICS_BUSY_WAIT', 'KINETICS_HTTP_TIMEOUT', 'CI', 'NODE_OPTIONS']) {
    delete base[name];
  }
  return { ...base, HOME: t.userHome, TMPDIR: t.tmp, KINETICS_SOURCE: '', ...env };
}

function killGroup(pid: number): void {
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    /* already gone */
  }
}

// ─── Judging what a run printed ─────────────────────────────────────────────────────────────────────────────────

const TRACE_PATTERNS: [RegExp, string][] = [
  [/^\s+at\s+\S/m, 'a stack frame'],
  [/\bSqliteError\b/, 'SqliteError'],
  [/\b(TypeError|RangeError|ReferenceError|SyntaxError|AssertionError|EvalError)\b/, 'a JavaScript error name'],
  [/internal error/i, '"internal error"'],
  [/node:internal|triggerUncaughtException|\bUncaught\b|Unhandled (promise )?rejection/i, "Node's own crash report"],
];

export function firstLines(text: string, count = 4): string {
  return text.trimEnd().split('\n').slice(0, count).join('\n');
}

/** The checks every run of every try gets: a documented exit (never 70, never a signal), no stack trace. */
function judgeRun(t: TryContext, run: CliRun): void {
  const what = `\`${commandLine(run)}\``;
  if (run.hung) {
    t.fail(`${what} hung: still running after its time limit (killed)`, run);
    return;
  }
  if (run.killed) return;
  if (run.code === 70) t.fail(`${what} exited 70 (internal error)`, run);
  if (run.signal !== null) t.fail(`${what} died of ${run.signal}`, run);
  for (const [pattern, label] of TRACE_PATTERNS) {
    if (pattern.test(run.stderr) || pattern.test(run.stdout)) t.fail(`${what} printed ${label}: ${firstLines(run.stderr || run.stdout, 2)}`, run);
  }
}

export function expectExit(t: TryContext, run: CliRun, ...codes: number[]): boolean {
  if (run.killed || run.hung) return false;
  return t.check(codes.includes(run.code ?? -1), `\`${commandLine(run)}\` exited ${run.code ?? run.signal}, expected ${codes.join(' or ')}: ${firstLines(run.stderr, 2)}`, run);
}

/** The notices a command may print before its error: another process loading the catalog, its upgrade (README). */
const CATALOG_NOTICE = /^kinetics: (waiting for another process \(pid .*\) to finish a bulk load of |another process \(pid .*\) is bulk-loading .*: |upgrading .* to this build's schema )/;

/** The error is one line `kinetics: …` (matching `pattern` when given), as README promises for every exit code. */
export function expectOneErrorLine(t: TryContext, run: CliRun, pattern?: RegExp): void {
  const lines = run.stderr.split('\n').filter((line) => line.startsWith('kinetics: ') && !CATALOG_NOTICE.test(line));
  t.check(lines.length === 1, `\`${commandLine(run)}\`: expected one "kinetics: …" error line, found ${lines.length}: ${firstLines(run.stderr, 3)}`, run);
  if (pattern && lines.length === 1) t.check(pattern.test(lines[0]!), `\`${commandLine(run)}\`: the error does not match ${pattern}: ${lines[0]}`, run);
}

// ─── Catalog digests ────────────────────────────────────────────────────────────────────────────────────────────

export type Digest = Map<string, string>;

/**
 * A read-only connection that changes nothing where the catalog is: a catalog left in WAL mode (a killed writer, a
 * full disk) is copied with its -wal first, since reading it in place would make a -shm file there.
 */
function openForDigest(file: string): Database.Database & { dispose(): void } {
  let path = file;
  let copy: string | undefined;
  if (existsSync(`${file}-wal`)) {
    copy = mkdtempSync(join(tmpdir(), 'kinetics-faults-inspect-'));
    path = join(copy, 'catalog.db');
    copyFileSync(file, path);
    copyFileSync(`${file}-wal`, `${path}-wal`);
  }
  const db = new Database(path, { readonly: !copy, fileMustExist: true });
  return Object.assign(db, {
    dispose() {
      db.close();
      if (copy) rmSync(copy, { recursive: true, force: true });
    },
  });
}

function hashRows(db: Database.Database, sql: string, replace: [string, string][] = []): string {
  const hash = createHash('sha256');
  for (const row of db.prepare(sql).raw(true).iterate() as IterableIterator<unknown[]>) {
    const values = row.map((value) => {
      if (typeof value === 'string') return replace.reduce((text, [from, to]) => text.replaceAll(from, to), value);
      if (Buffer.isBuffer(value)) return `x'${value.toString('hex')}'`;
      return typeof value === 'bigint' ? value.toString() : value;
    });
    hash.update(JSON.stringify(values));
    hash.update('\n');
  }
  return hash.digest('hex');
}

function orderedSelect(table: string, columns: string[]): string {
  const list = columns.map((column) => `"${column}"`).join(', ');
  return `SELECT ${list} FROM "${table}" ORDER BY ${columns.map((_, index) => index + 1).join(', ')}`;
}

function columnsOf(db: Database.Database, table: string): string[] {
  return (db.prepare(`SELECT name FROM pragma_table_info(?)`).pluck().all(table) as string[]);
}

/** Every table, every column, every row (the try's own paths as placeholders): "row for row what it was". */
export function rawDigest(file: string, replace: [string, string][] = []): Digest {
  const db = openForDigest(file);
  try {
    const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").pluck().all() as string[];
    const digest: Digest = new Map();
    digest.set('(schema)', hashRows(db, "SELECT type, name, tbl_name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_autoindex%' ORDER BY 1, 2"));
    for (const table of tables) digest.set(table, hashRows(db, orderedSelect(table, columnsOf(db, table)), replace));
    return digest;
  } finally {
    db.dispose();
  }
}

const VOLATILE_COLUMNS = /^(ingested_at|scanned_at|created_at|mtime|mtime_ms|gone_at)$/;
const SEMANTIC_RELATIONS = [
  'clips', 'files', 'serving_files', 'classes', 'shards', 'sources', 'readmes', 'ava_kinetics', 'ava_actions', 'countix',
  'subsets', 'subset_clips', 'shard_members', 'catalog_settings',
];

/**
 * What the catalog says through its documented views, without timestamps, with the try's own paths and URLs
 * replaced by placeholders: two catalogs that tell the same story have the same semantic digest.
 */
export function semanticDigest(file: string, replace: [string, string][] = []): Digest {
  const db = openForDigest(file);
  try {
    const digest: Digest = new Map();
    for (const relation of SEMANTIC_RELATIONS) {
      const columns = columnsOf(db, relation).filter((column) => !VOLATILE_COLUMNS.test(column));
      if (columns.length === 0) continue;
      digest.set(relation, hashRows(db, orderedSelect(relation, columns), replace));
    }
    return digest;
  } finally {
    db.dispose();
  }
}

export function sameDigest(a: Digest, b: Digest): string[] {
  const names = new Set([...a.keys(), ...b.keys()]);
  return [...names].filter((name) => a.get(name) !== b.get(name));
}

export function expectSameDigest(t: TryContext, actual: Digest, expected: Digest, what: string): boolean {
  const differing = sameDigest(actual, expected);
  return t.check(differing.length === 0, `${what}: differs in ${differing.join(', ')}`);
}

export function integrityOf(file: string): string {
  const db = openForDigest(file);
  try {
    return (db.pragma('integrity_check') as { integrity_check: string }[]).map((row) => row.integrity_check).join('; ');
  } finally {
    db.dispose();
  }
}

export function expectIntegrity(t: TryContext, file: string): boolean {
  if (!t.check(existsSync(file), `no catalog at ${file}`)) return false;
  try {
    const result = integrityOf(file);
    return t.check(result === 'ok', `PRAGMA integrity_check: ${result.slice(0, 200)}`);
  } catch (error) {
    t.fail(`cannot open ${file} for integrity_check: ${(error as Error).message}`);
    return false;
  }
}

/** A one-row-one-column read on a catalog (fresh read-only connection). */
export function queryValue<T>(file: string, sql: string, ...params: unknown[]): T {
  const db = openForDigest(file);
  try {
    return db.prepare(sql).pluck().get(...params) as T;
  } finally {
    db.dispose();
  }
}

export function queryRows<T>(file: string, sql: string, ...params: unknown[]): T[] {
  const db = openForDigest(file);
  try {
    return db.prepare(sql).all(...params) as T[];
  } finally {
    db.dispose();
  }
}

// ─── Files ──────────────────────────────────────────────────────────────────────────────────────────────────────

export function sha256(bytes: Buffer | string): string {
  return createHash('sha256').update(bytes).digest('hex');
}

export function sha256File(file: string): string {
  return sha256(readFileSync(file));
}

export interface TreeEntry {
  path: string;
  type: 'file' | 'dir' | 'link' | 'other';
  bytes: number;
  nlink: number;
}

/** Every entry under `dir` (links not followed), paths relative to it. */
export function listTree(dir: string): TreeEntry[] {
  const entries: TreeEntry[] = [];
  const walk = (at: string) => {
    for (const name of readdirSync(at)) {
      const path = join(at, name);
      const info = lstatSync(path);
      const type = info.isFile() ? 'file' : info.isDirectory() ? 'dir' : info.isSymbolicLink() ? 'link' : 'other';
      entries.push({ path: relative(dir, path), type, bytes: info.size, nlink: info.nlink });
      if (type === 'dir') walk(path);
    }
  };
  if (existsSync(dir)) walk(dir);
  return entries;
}

/** A digest of a folder's content (names, types, bytes, link targets): to show a source was not touched. */
export function treeDigest(dir: string): string {
  const hash = createHash('sha256');
  for (const entry of listTree(dir).sort((a, b) => a.path.localeCompare(b.path))) {
    const full = join(dir, entry.path);
    const content = entry.type === 'file' ? sha256File(full) : entry.type === 'link' ? readlinkSync(full) : '';
    hash.update(`${entry.path}\0${entry.type}\0${content}\n`);
  }
  return hash.digest('hex');
}

export function copyTree(from: string, to: string): void {
  cpSync(from, to, { recursive: true, preserveTimestamps: true });
}

/**
 * No `*.extracting` anywhere under home, no fetch lock left by a finished command, and every `.part` a byte-prefix
 * of the shard it stands for (`shardBytes` maps an archives/… path to the shard's real bytes): a resume point,
 * never junk.
 */
export function expectNoJunk(t: TryContext, home: string, shardBytes?: (partPath: string) => Buffer | undefined, options: { partsAllowed?: boolean } = {}): void {
  for (const entry of listTree(home)) {
    if (entry.path.endsWith('.extracting')) t.fail(`left a half-written member: ${entry.path}`);
    if (/(^|\/)fetch\.lock(\.|$)/.test(entry.path)) t.fail(`left a fetch lock after the command ended: ${entry.path}`);
    if (entry.path.endsWith('.part')) {
      if (!options.partsAllowed) {
        t.fail(`left a part file after a fetch that finished: ${entry.path} (${entry.bytes} bytes)`);
        continue;
      }
      const real = shardBytes?.(entry.path);
      const part = entry.type === 'file' ? readFileSync(join(home, entry.path)) : undefined;
      if (!part || !real || part.length > real.length || !real.subarray(0, part.length).equals(part)) {
        t.fail(`left a .part that is not a prefix of its shard (junk a later fetch would replay): ${entry.path} (${entry.bytes} bytes)`);
      }
    }
  }
}

/** Files under home/videos are plain files with one link each (no symlink, hard link, device or FIFO). */
export function expectOnlyPlainFiles(t: TryContext, dir: string): void {
  for (const entry of listTree(dir)) {
    if (entry.type === 'link' || entry.type === 'other') t.fail(`${entry.type === 'link' ? 'a symbolic link' : 'a special file'} was written: ${join(dir, entry.path)}`);
    if (entry.type === 'file' && entry.nlink > 1) t.fail(`a hard link was written: ${join(dir, entry.path)}`);
  }
}

// ─── Mounts and attributes (root only; a try that cannot make them is skipped) ─────────────────────────────────

const activeMounts = new Set<string>();
const immutablePaths = new Set<string>();

function run(command: string, args: string[]): { ok: boolean; output: string } {
  const result = spawnSync(command, args, { encoding: 'utf8' });
  return { ok: result.status === 0, output: `${result.stderr ?? ''}${result.stdout ?? ''}`.trim() || String(result.error ?? '') };
}

function unmount(dir: string): void {
  if (!activeMounts.has(dir)) return;
  if (!run('umount', [dir]).ok) execFileSync('umount', ['-l', dir]);
  activeMounts.delete(dir);
}

/** Mounts a tmpfs of `size` (`600k`, `2m`) at `dir`; unmounted after the try. Skips the try if it cannot. */
export function mountTmpfs(t: TryContext, dir: string, size: string): void {
  mkdirSync(dir, { recursive: true });
  const result = run('mount', ['-t', 'tmpfs', '-o', `size=${size}`, 'tmpfs', dir]);
  if (!result.ok) t.skip(`cannot mount a tmpfs here (${result.output}); needs root or CAP_SYS_ADMIN`);
  activeMounts.add(dir);
  t.defer(() => unmount(dir));
}

export function resizeTmpfs(dir: string, size: string): void {
  execFileSync('mount', ['-o', `remount,size=${size}`, dir]);
}

/** A read-only view of `dir` at `view` (a bind mount remounted read-only); unmounted after the try. */
export function bindReadOnly(t: TryContext, dir: string, view: string): void {
  mkdirSync(view, { recursive: true });
  const bound = run('mount', ['--bind', dir, view]);
  if (!bound.ok) t.skip(`cannot bind-mount here (${bound.output}); needs root or CAP_SYS_ADMIN`);
  activeMounts.add(view);
  t.defer(() => unmount(view));
  const remounted = run('mount', ['-o', 'remount,ro,bind', view]);
  if (!remounted.ok) t.skip(`cannot remount a bind mount read-only (${remounted.output})`);
}

/** chattr +i on `path` (root can then write it no more either); chattr -i after the try. */
export function makeImmutable(t: TryContext, path: string): void {
  const result = run('chattr', ['+i', path]);
  if (!result.ok) t.skip(`chattr +i is not possible here (${result.output})`);
  immutablePaths.add(path);
  t.defer(() => {
    execFileSync('chattr', ['-i', path]);
    immutablePaths.delete(path);
  });
}

/** After an interrupted sweep: nothing stays mounted or immutable. */
export function undoSystemChanges(): void {
  for (const path of immutablePaths) run('chattr', ['-i', path]);
  for (const dir of [...activeMounts].reverse()) {
    if (!run('umount', [dir]).ok) run('umount', ['-l', dir]);
  }
}

export function removeTree(dir: string): void {
  // A try that died before its clean-up could leave an immutable file or a mount below: undo before removing.
  run('chattr', ['-R', '-i', dir]);
  rmSync(dir, { recursive: true, force: true });
}

// ─── Small things ───────────────────────────────────────────────────────────────────────────────────────────────

export function hashString(text: string): number {
  let hash = 2166136261;
  for (let index = 0; index < text.length; index++) hash = Math.imul(hash ^ text.charCodeAt(index), 16777619);
  return hash >>> 0;
}

/** mulberry32: the same seed, the same moments. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let value = state;
    value = Math.imul(value ^ (value >>> 15), value | 1);
    value ^= value + Math.imul(value ^ (value >>> 7), value | 61);
    return ((value ^ (value >>> 14)) >>> 0) / 4294967296;
  };
}

/** Waits until `condition()` holds (polled every 10 ms) or `ms` pass; returns whether it held. */
export async function waitFor(condition: () => boolean, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) return false;
    await sleep(10);
  }
  return true;
}

export function slug(text: string): string {
  return text.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^-|-$/g, '').slice(0, 60);
}
