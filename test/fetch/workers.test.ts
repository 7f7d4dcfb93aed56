import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import { chmodSync, copyFileSync, existsSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';
import { slurmScript } from '../../src/fetch/slurm-script.js';
import { assignShares, ownerOf, parseWorker, shardKeyOf } from '../../src/fetch/worker-share.js';
import { packageRoot } from '../../src/util/package-root.js';
import { shellQuoted } from '../../src/util/shell-quote.js';
import { BucketServer } from '../helpers/bucket-server.js';
import { ingestInto, queryAll } from '../helpers/catalog.js';
import { cliEntry, runCli, spawnCli, tsxLoader } from '../helpers/run-cli.js';
import { copyOfSampleBucket, tempDir } from '../helpers/temp.js';

test('shares: every shard in exactly one, planned ones balanced by bytes first, the same whatever order the shards are listed in', () => {
  const shards = Array.from({ length: 37 }, (_, index) => ({ version: 'k400', split: 'train', name: `part_${index}.tar.gz`, bytes: index % 5 === 0 ? null : 1000 + ((index * 7919) % 5000) }));
  const others = Array.from({ length: 20 }, (_, index) => ({ version: 'k400', split: 'val', name: `part_${index}.tar.gz`, bytes: 3000 }));
  const biggest = Math.max(...shards.map((shard) => shard.bytes ?? 0));
  for (const count of [1, 2, 3, 4, 8]) {
    const owners = assignShares(shards, [...others, ...shards], count);
    assert.deepEqual([...owners.keys()].sort(), [...shards, ...others].map(shardKeyOf).sort(), `${count} workers: each shard, planned or not, has a worker`);
    assert.ok([...owners.values()].every((owner) => owner >= 1 && owner <= count));
    const mean = [...shards, ...others].filter((shard) => shard.bytes !== null).reduce((sum, shard) => sum + shard.bytes!, 0) / (30 + 20);
    const loads = Array.from({ length: count }, (_, index) => shards.filter((shard) => owners.get(shardKeyOf(shard)) === index + 1).reduce((sum, shard) => sum + (shard.bytes ?? mean), 0));
    assert.ok(Math.max(...loads) - Math.min(...loads) <= biggest, `${count} workers: loads of the planned shards ${loads.map(Math.round).join(', ')}`);
    assert.deepEqual(assignShares([...shards].reverse(), [...others].reverse(), count), owners);
    for (const key of ['k400/train/part_999.tar.gz', 'k400/test/new.tar.gz']) {
      const owner = ownerOf(owners, key, count);
      assert.ok(owner >= 1 && owner <= count && owner === ownerOf(new Map(), key, count), 'a shard no assignment knows: one worker, by its name');
    }
  }
  assert.deepEqual(parseWorker('3/8'), { index: 3, count: 8 });
  for (const wrong of ['0/4', '5/4', '1/0', '2', 'a/b']) assert.throws(() => parseWorker(wrong), /--worker takes I\/N with 1 ≤ I ≤ N/);
  // The example given is the form kinetics slurm writes (an array numbered from 1), not one that ends on N+1/N there.
  assert.throws(() => parseWorker('0/4'), /\$SLURM_ARRAY_TASK_ID\/8 in an array numbered from 1, --array=1-8, as kinetics slurm writes it/);
});

describe('a fetch split over workers, each with its own catalog, then merged', () => {
  const bucket = copyOfSampleBucket();
  let server: BucketServer;
  const base = join(tempDir(), 'catalog.db');
  const subsetArgs = ['subset', 'create', 'mix', '--version', 'k400', '--version', 'k700-2020', '--split', 'val', '--per-class', '2', '--seed', '4'];

  /** A home holding a copy of the ingested catalog, with the subset made and its plan's sizes known. */
  async function newHome(): Promise<string> {
    const home = tempDir();
    copyFileSync(base, join(home, 'catalog.db'));
    return home;
  }

  /** What a fetch leaves in the catalog, with the home's path taken out: the subset's clips, shard states and members. */
  async function outcome(home: string) {
    const db = join(home, 'catalog.db');
    return {
      clips: await queryAll(db, `SELECT c.version, c.split, c.clip_key, c.status, replace(c.path, ?, '') AS path FROM subset_clips s JOIN clips c USING (version, split, clip_key) WHERE s.subset = 'mix' ORDER BY 1, 2, 3`, home),
      shards: await queryAll(db, 'SELECT version, split, name, state, members_known, learned_label FROM shard_files ORDER BY 1, 2, 3'),
      members: await queryAll(db, 'SELECT * FROM shard_member_files ORDER BY version, split, shard, clip_key'),
    };
  }

  let reference: Awaited<ReturnType<typeof outcome>>;
  before(async () => {
    server = await new BucketServer(bucket).start();
    assert.equal((await ingestInto(base, server.url)).exitCode, 0);
    assert.equal((await runCli([...subsetArgs, '--db', base])).code, 0);
    assert.equal((await runCli(['plan', 'mix', '--db', base, '--home', tempDir()])).code, 0);
    const home = await newHome();
    const single = await runCli(['fetch', 'mix', '--home', home]);
    assert.match(single.stderr, /^subset mix: \d+ clips extracted/m);
    reference = await outcome(home);
    assert.ok(reference.clips.filter((clip) => (clip as { status: string }).status === 'ok').length > 10);
  });
  after(() => server.stop());

  for (const count of [1, 2, 3, 4]) {
    test(`${count} worker${count > 1 ? 's' : ''} at once, then merge: the same clips, shards and members as one fetch; merging again changes nothing`, async () => {
      const home = await newHome();
      const runs = await Promise.all(Array.from({ length: count }, (_, index) => spawnCli(['fetch', 'mix', '--worker', `${index + 1}/${count}`, '--jobs', '2', '--home', home])));
      for (const run of runs) assert.ok(run.code === 0 || run.code === 1, run.stderr);
      const merged = await runCli(['merge', '--json', '--home', home]);
      assert.equal(merged.code, 0, merged.stderr);
      assert.equal((JSON.parse(merged.stdout) as unknown[]).length, count);
      assert.equal(merged.stderr, '', '--json: the summary alone');
      assert.deepEqual(await outcome(home), reference);
      const quiet = await runCli(['merge', '-q', '--home', home]);
      assert.equal(quiet.stderr, `merged ${count} worker catalog${count > 1 ? 's' : ''}: 0 files recorded, 0 shards further along, members of 0 shards learned\n`);
      const again = await runCli(['merge', '--json', '--home', home]);
      for (const summary of JSON.parse(again.stdout) as { files: number; shards: number; learnedShards: number }[]) {
        assert.deepEqual([summary.files, summary.shards, summary.learnedShards], [0, 0, 0]);
      }
      assert.deepEqual(await outcome(home), reference);
    });
  }

  const fetchesOf = (from: number) => server.log.slice(from).filter((entry) => entry.method === 'GET' && entry.path.endsWith('.tar.gz')).map((entry) => entry.path);
  const workerRun = async (home: string, worker: string) => {
    const run = await spawnCli(['fetch', 'mix', '--worker', worker, '--home', home]);
    assert.ok(run.code === 0 || run.code === 1, run.stderr);
    return run;
  };

  test('a worker run again after the others were merged streams the same share: the rest of the subset, not a share of the rest', async () => {
    const home = await newHome();
    const first = server.log.length;
    const one = await workerRun(home, '1/2');
    assert.match(one.stderr, /^worker 1\/2 of subset mix: \d+ clips extracted from \d+ shards?.* clips? of its shards still missing/m);
    const streamedByOne = fetchesOf(first);
    assert.equal((await runCli(['merge', '--home', home])).code, 0);
    const second = server.log.length;
    await workerRun(home, '2/2');
    const streamedByTwo = fetchesOf(second);
    assert.ok(streamedByTwo.length > 0);
    assert.deepEqual(streamedByTwo.filter((path) => streamedByOne.includes(path)), [], 'no shard streamed twice');
    assert.equal((await runCli(['merge', '--home', home])).code, 0);
    assert.deepEqual(await outcome(home), reference);
  });

  test('after a merge, workers of the same count fetch a subset made since, and one made again with --replace, from their renewed catalogs', async () => {
    const home = await newHome();
    for (const worker of ['1/2', '2/2']) await workerRun(home, worker);
    assert.equal((await runCli(['merge', '--home', home])).code, 0);
    const made = ['subset', 'create', 'mix', '--replace', '--version', 'k600', '--split', 'val', '--home', home];
    assert.equal((await runCli(made)).code, 0);
    const runs = [await workerRun(home, '1/2'), await workerRun(home, '2/2')];
    assert.deepEqual(runs.map((run) => run.code), [0, 0], runs.map((run) => run.stderr).join('\n'));
    assert.equal((await runCli(['merge', '--home', home])).code, 0);
    const [left] = await queryAll<{ n: number }>(join(home, 'catalog.db'), "SELECT count(*) AS n FROM subset_clips s JOIN clips c USING (version, split, clip_key) WHERE s.subset = 'mix' AND c.status <> 'ok'");
    const plan = JSON.parse((await runCli(['plan', 'mix', '--json', '--home', home])).stdout) as { shards: unknown[] };
    assert.equal(plan.shards.length, 0, `nothing left to fetch (${left!.n} clips not ok, in no shard)`);
  });

  test('what a worker recorded and no merge brought in is carried into its renewed catalog, and a plain fetch merges it first rather than stream it again', async () => {
    const home = await newHome();
    await workerRun(home, '1/1');
    const rerun = server.log.length;
    await workerRun(home, '1/1'); // renewed from the main catalog, which knows nothing of the first run yet
    assert.deepEqual(fetchesOf(rerun), [], 'the first run\'s work carried over: nothing streamed again');
    const before = server.log.length;
    const plain = await runCli(['fetch', 'mix', '--home', home]);
    assert.ok(plain.code === 0 || plain.code === 1, plain.stderr);
    assert.match(plain.stderr, /^merged {5}.*1-of-1\.db: \d+ files recorded, \d+ shards further along, .* \(changed since its last merge\)$/m);
    assert.deepEqual(fetchesOf(before), [], 'nothing streamed again');
    assert.deepEqual(await outcome(home), reference);
    const again = await runCli(['fetch', 'mix', '--home', home]);
    assert.doesNotMatch(again.stderr, /^merged/m, 'merged once: unchanged since, it is not read again');
  });

  test('a worker catalog with a write-ahead log (its run killed before it closed it) is merged again, whatever its file says', async () => {
    const home = await newHome();
    await workerRun(home, '1/1');
    // A catalog of another home's worker among them is refused, and keeps none of the others from merging.
    const other = await newHome();
    await workerRun(other, '1/1');
    copyFileSync(join(other, 'workers', '1-of-1.db'), join(home, 'workers', '0-foreign.db'));
    const merged = await runCli(['merge', '--home', home]);
    assert.equal(merged.code, 65);
    assert.match(merged.stderr, /^kinetics: .*0-foreign\.db was copied from the catalog .*, not from .*: merge it into that one\nmerged {5}.*1-of-1\.db: [1-9]\d* files recorded/);
    rmSync(join(home, 'workers', '0-foreign.db'));
    assert.doesNotMatch((await runCli(['fetch', 'mix', '--home', home])).stderr, /^merged/m, 'unchanged since its merge: not read again');
    writeFileSync(join(home, 'workers', '1-of-1.db-wal'), Buffer.alloc(4096, 1));
    assert.match((await runCli(['fetch', 'mix', '--home', home])).stderr, /^merged {5}.*1-of-1\.db: 0 files recorded/m);
  });

  test('a home moved (or mounted at another path on another node) keeps its workers: rerun and merged, not refused', async () => {
    const home = await newHome();
    await workerRun(home, '1/2');
    const moved = `${home}-moved`;
    renameSync(home, moved);
    const rerun = await workerRun(moved, '1/2');
    assert.doesNotMatch(rerun.stderr, /copied from|holds the work of a worker/);
    await workerRun(moved, '2/2');
    const merged = await runCli(['merge', '--home', moved]);
    assert.equal(merged.code, 0, merged.stderr);
  });

  test('merging a worker again never undoes what the catalog learned after the first merge (a file gone since)', async () => {
    const home = await newHome();
    assert.ok([0, 1].includes((await runCli(['fetch', 'mix', '--worker', '1/1', '--home', home])).code ?? -1));
    assert.equal((await runCli(['merge', '--home', home])).code, 0);
    const [clip] = await queryAll<{ path: string }>(join(home, 'catalog.db'), "SELECT c.path FROM subset_clips s JOIN clips c USING (version, split, clip_key) WHERE s.subset = 'mix' AND c.status = 'ok' LIMIT 1");
    rmSync(clip!.path);
    assert.equal((await runCli(['scan', '--home', home])).code, 0);
    const gone = "SELECT status FROM disk_files WHERE path = ?";
    assert.deepEqual(await queryAll(join(home, 'catalog.db'), gone, clip!.path), [{ status: 'gone' }]);
    const again = await runCli(['merge', '--json', '--home', home]);
    assert.equal((JSON.parse(again.stdout) as { files: number }[])[0]!.files, 0);
    assert.deepEqual(await queryAll(join(home, 'catalog.db'), gone, clip!.path), [{ status: 'gone' }]);
  });

  test('a worker killed mid-way (its shards stalled) and run again finishes its share; merged, the same as one fetch', async () => {
    const home = await newHome();
    const plan = JSON.parse((await runCli(['plan', 'mix', '--json', '--home', home])).stdout) as { shards: { url: string; absentFromSource: boolean }[] };
    for (const shard of plan.shards.filter((shard) => !shard.absentFromSource)) server.fail(decodeURIComponent(new URL(shard.url).pathname.slice(1)), 'stall');
    const first = spawn(process.execPath, ['--import', tsxLoader, cliEntry, 'fetch', 'mix', '--worker', '1/2', '--home', home], { stdio: 'ignore' });
    await new Promise((resolve) => setTimeout(resolve, 2500));
    first.kill('SIGKILL');
    await once(first, 'exit');
    server.heal();
    const requestsBefore = server.log.length;
    const rerun = await spawnCli(['fetch', 'mix', '--worker', '1/2', '--home', home]);
    assert.ok(rerun.code === 0 || rerun.code === 1, rerun.stderr);
    const other = await spawnCli(['fetch', 'mix', '--worker', '2/2', '--home', home]);
    assert.ok(other.code === 0 || other.code === 1, other.stderr);
    assert.ok(server.log.length > requestsBefore);
    assert.equal((await runCli(['merge', '--home', home])).code, 0);
    assert.deepEqual(await outcome(home), reference);
  });

  test('refused: --worker-db at the main catalog; a worker beside workers of another split or a fetch; merging a worker of another catalog, a folder, a file that is none', async () => {
    const home = await newHome();
    const main = join(home, 'catalog.db');
    const atMain = await runCli(['fetch', 'mix', '--worker', '1/2', '--worker-db', main, '--home', home]);
    assert.equal(atMain.code, 64);
    assert.match(atMain.stderr, /--worker-db names the main catalog/);
    // Another home's catalog at a mistyped --worker-db is refused, never replaced by the worker's copy.
    const another = join(tempDir(), 'catalog.db');
    copyFileSync(base, another);
    const untouched = readFileSync(another);
    const atAnother = await runCli(['fetch', 'mix', '--worker', '1/2', '--worker-db', another, '--home', home]);
    assert.equal(atAnother.code, 73, atAnother.stderr);
    assert.match(atAnother.stderr, /catalog\.db is no worker's catalog \(another home's catalog\?\): it is left as it is; give this worker another --worker-db\n$/);
    assert.deepEqual(readFileSync(another), untouched);
    // One --worker-db given to two workers at once (every task of an array): the second waits, its catalog untouched.
    const shared = join(tempDir(), 'w.db');
    const running = spawn('sleep', ['30']);
    writeFileSync(`${shared}.lock`, `${running.pid}\n`);
    try {
      const second = await spawnCli(['fetch', 'mix', '--worker', '2/2', '--worker-db', shared, '--home', home]);
      assert.equal(second.code, 75, second.stderr);
      assert.match(second.stderr, /w\.db is the catalog of another worker running now: give each worker a --worker-db of its own/);
      assert.equal(existsSync(shared), false);
    } finally {
      running.kill();
    }

    // A worker's unmerged work, and another worker of its count running: a plain fetch waits, and merges nothing yet.
    await workerRun(home, '1/3');
    // A live process (this test's) holding the lock of worker 1 of 3: workers of 2, or a plain fetch, wait for it.
    writeFileSync(join(home, 'fetch.worker-1-of-3.lock'), `${process.pid}\n`);
    for (const args of [['fetch', 'mix', '--worker', '2/2'], ['fetch', 'mix']]) {
      const refused = await spawnCli([...args, '--home', home]);
      assert.equal(refused.code, 75, refused.stderr);
      assert.match(refused.stderr, new RegExp(`^kinetics: another fetch \\(process ${process.pid}, fetch\\.worker-1-of-3\\.lock\\) is streaming shards into`));
    }
    assert.equal(existsSync(join(home, 'workers', '2-of-2.db')), false, 'refused before its catalog was made');
    const refusedPlain = await spawnCli(['fetch', 'mix', '--home', home]);
    assert.equal(refusedPlain.code, 75);
    assert.doesNotMatch(refusedPlain.stderr, /^merged/m);
    assert.deepEqual(await queryAll(main, "SELECT key FROM catalog_settings WHERE key LIKE 'merged_worker:%'"), []);
    rmSync(join(home, 'fetch.worker-1-of-3.lock'));

    const other = await newHome();
    assert.ok([0, 1].includes((await runCli(['fetch', 'mix', '--worker', '1/2', '--home', other])).code ?? -1));
    const elsewhere = await runCli(['merge', join(other, 'workers', '1-of-2.db'), '--home', home]);
    assert.equal(elsewhere.code, 65);
    assert.match(elsewhere.stderr, /was copied from the catalog .*, not from .*: merge it into that one/);
    const folder = await runCli(['merge', tempDir(), '--home', home]);
    assert.equal(folder.code, 66, folder.stderr);
    const junk = join(tempDir(), 'junk.db');
    writeFileSync(junk, 'not a database, not even close, but long enough to look like a header......................................');
    const none = await runCli(['merge', junk, '--home', home]);
    assert.equal(none.code, 65, none.stderr);
    assert.match(none.stderr, /junk\.db is not a worker's catalog/);
    assert.deepEqual(await outcome(home), await outcome(await newHome()), 'the refused merges changed nothing');
  });

  test('the slurm script, run with an sbatch that runs the array here, fetches and merges the same', async () => {
    const home = await newHome();
    const printed = await runCli(['slurm', 'mix', '--tasks', '3', '--partition', 'gpu', '--time', '02:00:00', '--home', home]);
    assert.equal(printed.code, 0, printed.stderr);
    assert.match(printed.stdout, /--array=1-3 --cpus-per-task=2 --partition='gpu' --time='02:00:00'/);
    assert.equal((await runCli(['slurm', 'mix', '--tasks', '3', '--time', '', '--home', home])).code, 64);
    const percent = join(tempDir(), 'runs-%j');
    const escaped = await runCli(['slurm', 'mix', '--tasks', '2', '--home', percent, '--db', join(home, 'catalog.db')]);
    assert.ok(escaped.stdout.includes(`--output='${percent.replace('%', '%%')}/workers/slurm-%A_%a.out'`), escaped.stdout);
    assert.ok(printed.stdout.includes(`\n"\${KINETICS_NODE:-${process.execPath}}" '${join(packageRoot, 'bin', 'kinetics.js')}' plan 'mix' > /dev/null\n`), printed.stdout);
    // Run by bash, the default is this Node, and KINETICS_NODE replaces it.
    const nodeLine = printed.stdout.split('\n').find((line) => line.endsWith(" plan 'mix' > /dev/null"))!.replace(" plan 'mix' > /dev/null", '').replace(/ '[^']*kinetics\.js'$/, '');
    const nodeOf = async (env: Record<string, string>) => (await promisify(execFile)('bash', ['-c', `echo ${nodeLine}`], { env: { ...process.env, ...env } })).stdout.trim();
    assert.equal(await nodeOf({}), process.execPath);
    assert.equal(await nodeOf({ KINETICS_NODE: '/opt/node20/bin/node' }), '/opt/node20/bin/node');
    // The same script, running this checkout's sources instead of the built bin/kinetics.js.
    const script = slurmScript({
      subset: 'mix', tasks: 3, jobs: 2, home, db: join(home, 'catalog.db'),
      kinetics: [process.execPath, '--import', tsxLoader, cliEntry].map(shellQuoted).join(' '),
    });
    const bin = tempDir();
    // sbatch as the script uses it: an array's tasks run here at once (SLURM_ARRAY_TASK_ID set), waited for whatever
    // their ends (afterany), before the next submission, the merge, runs; each prints a job id.
    writeFileSync(
      join(bin, 'sbatch'),
      `#!/usr/bin/env bash
array=; wrap=
for arg in "$@"; do case "$arg" in --array=*) array="\${arg#--array=}";; --wrap=*) wrap="\${arg#--wrap=}";; esac; done
echo "$*" >> "$SBATCH_LOG"
if [ -n "$array" ]; then
  for ((i=\${array%-*}; i<=\${array#*-}; i++)); do SLURM_ARRAY_TASK_ID=$i bash -c "$wrap" >> "$SBATCH_LOG.out" 2>&1 & done
  wait || true
else
  bash -c "$wrap" >> "$SBATCH_LOG.out" 2>&1
fi
echo $$
`,
    );
    chmodSync(join(bin, 'sbatch'), 0o755);
    const log = join(tempDir(), 'sbatch.log');
    const file = join(tempDir(), 'fetch.sbatch');
    writeFileSync(file, script);
    const { stdout } = await promisify(execFile)('bash', [file], { env: { ...process.env, PATH: `${bin}:${process.env.PATH}`, SBATCH_LOG: log, KINETICS_SOURCE: '' } });
    assert.match(stdout, /^submitted the array \d+ \(3 tasks\) and its merge \d+$/m);
    const submissions = readFileSync(log, 'utf8').trim().split('\n');
    assert.equal(submissions.length, 2);
    assert.match(submissions[1]!, /--dependency=afterany:\d+/);
    assert.match(readFileSync(`${log}.out`, 'utf8'), /^merged {5}.*3-of-3\.db/m);
    assert.deepEqual(await outcome(home), reference);
  });
});
