/**
 * npm run bench:fetch — in one run, on loopback:
 *  1. `kinetics fetch --jobs 4` of 4 shards of ~100 MB (K400-style random parts), every member and 10 % of them,
 *     against the pipeline that does the same work, `curl URL | tar xzf -` 4 at a time (goals ≥ 1.2× and ≥ 3× its
 *     throughput); 2 workers × --jobs 2 and their merge against one --jobs 4; curl alone (the limit marker) and
 *     undici alone (the ceiling of any fetch built on it);
 *  2. extracting 10 % of a 400 MB shard's members against GNU `tar xzf` of the whole shard (goal ≤ 0.5× its time);
 *  3. extracting every member against `tar xzf` (goal ≤ 1.5×).
 */
import { execFile, execFileSync } from 'node:child_process';
import { promisify } from 'node:util';
import { randomBytes } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { create } from 'tar';
import { minimalMp4 } from '../src/util/mp4-fixture.js';
import { packageRoot } from '../src/util/package-root.js';
import { BucketServer } from '../test/helpers/bucket-server.js';
import { benchWork } from './full-bucket.js';

const execFileAsync = promisify(execFile);
const sampleBucket = join(packageRoot, 'data', 'sample-bucket');
const seconds = (start: bigint) => Number(process.hrtime.bigint() - start) / 1e9;
/** Runs the CLI without blocking this process, whose event loop serves the bucket. */
async function kinetics(args: string[]): Promise<{ seconds: number; stdout: string }> {
  const start = process.hrtime.bigint();
  const { stdout } = await execFileAsync(process.execPath, [join(packageRoot, 'bin', 'kinetics.js'), ...args], { maxBuffer: 1 << 26 });
  return { seconds: seconds(start), stdout };
}

/** Runs a shell command without blocking this process. */
async function shell(command: string): Promise<void> {
  await execFileAsync('sh', ['-c', command]);
}

function k400ValStems(): string[] {
  return readFileSync(join(sampleBucket, '400/annotations/val.csv'), 'utf8')
    .trim()
    .split('\n')
    .slice(1)
    .map((row) => {
      const fields = row.replace(/^"[^"]*"/, 'x').split(',');
      return `${fields[1]}_${fields[2]!.padStart(6, '0')}_${fields[3]!.padStart(6, '0')}`;
    });
}

/** The sample bucket with K400 val parts replaced: the clips spread over `parts` shards of random-content MP4s. */
async function bucketWithParts(name: string, parts: number, totalBytes: number): Promise<string> {
  const dir = join(benchWork, name);
  if (existsSync(join(dir, '.complete'))) return dir;
  rmSync(dir, { recursive: true, force: true });
  cpSync(sampleBucket, dir, { recursive: true });
  const stems = k400ValStems();
  const clipBytes = Math.floor(totalBytes / stems.length);
  const staging = join(benchWork, `${name}-staging`);
  for (let part = 0; part < 20; part++) {
    rmSync(staging, { recursive: true, force: true });
    mkdirSync(staging, { recursive: true });
    const members = part < parts ? stems.filter((_, index) => index % parts === part) : [];
    for (const stem of members) writeFileSync(join(staging, `${stem}.mp4`), minimalMp4(10, randomBytes(clipBytes)));
    writeFileSync(join(staging, '.keep'), '');
    await create({ gzip: { level: 1 }, cwd: staging, file: join(dir, `400/val/part_${part}.tar.gz`), portable: true }, members.length > 0 ? members.map((stem) => `${stem}.mp4`) : ['.keep']);
  }
  rmSync(staging, { recursive: true, force: true });
  writeFileSync(join(dir, '.complete'), '');
  return dir;
}

const work = join(benchWork, 'fetch-run');
rmSync(work, { recursive: true, force: true });
mkdirSync(work, { recursive: true });
const line = (label: string, value: string) => console.log(`${label.padEnd(52)} ${value}`);
console.log('bench:fetch');

// 1. Download: 4 × ~100 MB over loopback.
const downloadBucket = await bucketWithParts('fetch-bucket', 4, 400 << 20);
const server = await new BucketServer(downloadBucket).start();
/** A home with the K400 val parts ingested from the server, a subset of `clips` (all, or a SQL selection) and its plan. */
async function homeWith(name: string, sql?: string): Promise<string> {
  const home = join(work, name);
  await kinetics(['ingest', '--source', server.url, '--versions', 'k400', '--no-downstream', '--home', home]);
  await kinetics(['subset', 'create', 'wanted', ...(sql ? ['--sql', sql] : ['--version', 'k400', '--split', 'val']), '--home', home]);
  await kinetics(['plan', 'wanted', '--home', home]);
  return home;
}
try {
  const urls = Array.from({ length: 20 }, (_, part) => `${server.url}/400/val/part_${part}.tar.gz`);
  writeFileSync(join(work, 'urls.txt'), urls.join('\n'));
  const timed = async (body: () => Promise<unknown>) => {
    const start = process.hrtime.bigint();
    await body();
    return seconds(start);
  };
  const curlDir = join(work, 'curl');
  mkdirSync(curlDir);
  const curlSeconds = await timed(() => shell(`xargs -P 4 -n 1 curl -s -S -f --output-dir '${curlDir}' -O < '${join(work, 'urls.txt')}'`));
  const bytes = urls.reduce((sum, _, part) => sum + statSync(join(curlDir, `part_${part}.tar.gz`)).size, 0);
  const pipeDir = join(work, 'pipe');
  mkdirSync(pipeDir);
  const pipeSeconds = await timed(() => shell(`xargs -P 4 -I URL sh -c "curl -s -S -f 'URL' | tar xzf - -C '${pipeDir}'" < '${join(work, 'urls.txt')}'`));
  const undiciDir = join(work, 'undici');
  mkdirSync(undiciDir);
  const undiciSeconds = await timed(() => execFileAsync(process.execPath, [join(packageRoot, 'bench', 'undici-download.mjs'), undiciDir, ...urls]));

  const all = await homeWith('all');
  const fetched = await kinetics(['fetch', 'wanted', '--jobs', '4', '--home', all]);
  const tenthSql = `select version, split, clip_key from clips where version = 'k400' and split = 'val' and clip_key in (${k400ValStems()
    .filter((_, index) => index % 10 === 0)
    .map((stem) => `'${stem}'`)
    .join(',')})`;
  const tenthHome = await homeWith('tenth', tenthSql);
  const tenth = await kinetics(['fetch', 'wanted', '--jobs', '4', '--home', tenthHome]);
  const split = await homeWith('workers');
  const workersSeconds = await timed(() => Promise.all([1, 2].map((index) => kinetics(['fetch', 'wanted', '--worker', `${index}/2`, '--jobs', '2', '--home', split]))));
  const merged = await kinetics(['merge', '--home', split]);

  const rate = (s: number) => `${s.toFixed(2)} s, ${(bytes / s / 2 ** 20).toFixed(0)} MiB/s`;
  line(`baseline: curl | tar xzf -, 4 at a time (${(bytes / 2 ** 20).toFixed(0)} MiB)`, rate(pipeSeconds));
  line('kinetics fetch --jobs 4, every member', `${rate(fetched.seconds)} (${(pipeSeconds / fetched.seconds).toFixed(2)}× the pipeline; goal ≥ 1.2)`);
  line('kinetics fetch --jobs 4, 10 % of the members', `${rate(tenth.seconds)} (${(pipeSeconds / tenth.seconds).toFixed(2)}× the pipeline; goal ≥ 3)`);
  line('2 workers × --jobs 2 (fetch --worker I/2), then merge', `${rate(workersSeconds)} + merge ${merged.seconds.toFixed(2)} s (${(fetched.seconds / (workersSeconds + merged.seconds)).toFixed(2)}× one --jobs 4)`);
  line('limit marker: curl alone, 4 at a time, to files', rate(curlSeconds));
  line('ceiling: undici request alone, same files to disk', `${rate(undiciSeconds)} (${(curlSeconds / undiciSeconds).toFixed(2)}× curl)`);
} finally {
  await server.stop();
}

// 2 and 3. Extraction from a 400 MB shard in a directory bucket, against GNU tar.
const extractBucket = await bucketWithParts('extract-bucket', 1, 400 << 20);
const shard = join(extractBucket, '400/val/part_0.tar.gz');
const tarOut = join(work, 'tar-out');
mkdirSync(tarOut);
let start = process.hrtime.bigint();
execFileSync('tar', ['xzf', shard, '-C', tarOut]);
const tarSeconds = seconds(start);
const stems = k400ValStems();
// Every tenth member, spread over the whole shard, so that no early stop could skip the archive's tail.
const tenth = stems.filter((_, index) => index % 10 === 0);
const some = join(work, 'some');
await kinetics(['ingest', '--source', extractBucket, '--versions', 'k400', '--no-downstream', '--home', some]);
await kinetics(['subset', 'create', 'tenth', '--sql', `select version, split, clip_key from clips where version = 'k400' and split = 'val' and clip_key in (${tenth.map((stem) => `'${stem}'`).join(',')})`, '--home', some]);
const partial = await kinetics(['fetch', 'tenth', '--home', some]);
const everything = join(work, 'everything');
await kinetics(['ingest', '--source', extractBucket, '--versions', 'k400', '--no-downstream', '--home', everything]);
await kinetics(['subset', 'create', 'all', '--version', 'k400', '--split', 'val', '--home', everything]);
const full = await kinetics(['fetch', 'all', '--home', everything]);
start = process.hrtime.bigint();
line(`GNU tar xzf, ${(statSync(shard).size / 2 ** 20).toFixed(0)} MiB shard, every member`, `${tarSeconds.toFixed(2)} s`);
line(`kinetics fetch, ${tenth.length} of ${stems.length} members (10 %)`, `${partial.seconds.toFixed(2)} s (${(partial.seconds / tarSeconds).toFixed(2)}× tar; goal ≤ 0.5)`);
line('kinetics fetch, every member', `${full.seconds.toFixed(2)} s (${(full.seconds / tarSeconds).toFixed(2)}× tar; goal ≤ 1.5)`);
rmSync(work, { recursive: true, force: true });
