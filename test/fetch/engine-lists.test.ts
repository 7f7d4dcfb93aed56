import assert from 'node:assert/strict';
import { execFile, execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';
import { engineList, shardsToDownload } from '../../src/fetch/engine-lists.js';
import { type Plan, type PlannedShard, archiveOnDisk } from '../../src/fetch/plan.js';
import { BucketServer } from '../helpers/bucket-server.js';
import { ingestInto, queryAll } from '../helpers/catalog.js';
import { runCli } from '../helpers/run-cli.js';
import { copyOfSampleBucket, sampleBucket, tempDir } from '../helpers/temp.js';

interface PlannedShardJson {
  version: string;
  split: string;
  name: string;
  url: string;
  bytes: number | null;
  etag: string | null;
  absentFromSource: boolean;
}

/**
 * aria2c's input file, as its manual ("Input File") lays it out: a line of URIs, then option lines that begin with
 * white space, each `name=value`; lines that begin with `#` are comments.
 */
function parseAria2(text: string): { uri: string; options: Record<string, string> }[] {
  const entries: { uri: string; options: Record<string, string> }[] = [];
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    if (/^\s/.test(line)) {
      const [, name, value] = /^\s+([^=]+)=(.*)$/.exec(line)!;
      entries.at(-1)!.options[name!] = value!;
    } else entries.push({ uri: line, options: {} });
  }
  return entries;
}

/** A line of an s5cmd command file split into words as a POSIX shell splits it (s5cmd uses go-shellquote, which follows the same rules). */
function shellWords(line: string): string[] {
  const out = execFileSync('sh', ['-c', `printf '%s\\0' ${line}`], { encoding: 'utf8' });
  return out.split('\0').slice(0, -1);
}

describe('plan --format for other transfer engines, and extract from what they downloaded', () => {
  const bucket = copyOfSampleBucket();
  let server: BucketServer;
  const home = tempDir();
  const cli = (...args: string[]) => runCli([...args, '--home', home]);
  let planned: PlannedShardJson[] = [];

  before(async () => {
    server = await new BucketServer(bucket).start();
    assert.equal((await ingestInto(join(home, 'catalog.db'), server.url)).exitCode, 0);
    const created = await cli('subset', 'create', 'few', '--version', 'k600', '--version', 'k700-2020', '--split', 'val', '--class', 'tying knot (not on a tie)', '--class', 'abseiling', '--per-class', '2', '--seed', '3');
    assert.equal(created.code, 0, created.stderr);
    const plan = await cli('plan', 'few', '--json');
    planned = (JSON.parse(plan.stdout) as { shards: PlannedShardJson[] }).shards.filter((shard) => !shard.absentFromSource);
    assert.ok(planned.some((shard) => shard.name.includes(' ')), 'a shard name with spaces and parentheses is among them');
  });
  after(() => server.stop());

  const destination = (shard: PlannedShardJson) => join(home, 'archives', shard.version, shard.split, shard.name);
  const bucketPath = (shard: PlannedShardJson) => decodeURIComponent(new URL(shard.url).pathname).slice(1);

  test('aria2: each shard URL with dir= and out= into --home/archives/<version>/<split>/, and its MD5 ETag as checksum=', async () => {
    const result = await cli('plan', 'few', '--format', 'aria2');
    assert.equal(result.code, 0, result.stderr);
    const entries = parseAria2(result.stdout);
    assert.deepEqual(
      entries.map((entry) => entry.uri),
      planned.map((shard) => shard.url),
    );
    for (const [index, shard] of planned.entries()) {
      const { options } = entries[index]!;
      assert.equal(join(options.dir!, options.out!), destination(shard));
      assert.equal(options.checksum, `md5=${shard.etag!.replaceAll('"', '')}`);
    }
    assert.match(result.stderr, /^subset few: \d+ shards \([^)]+\) for aria2 to download into .*\/archives; then `kinetics extract few`/);
  });

  test('s5cmd: one quoted `cp --raw s3://kinetics/<path> <destination>` a shard; urls and rclone: the URLs and the bucket paths', async () => {
    const s5cmd = (await cli('plan', 'few', '--format', 's5cmd')).stdout.split('\n').filter((line) => line !== '' && !line.startsWith('#'));
    assert.deepEqual(
      s5cmd.map(shellWords),
      planned.map((shard) => ['cp', '--raw', `s3://kinetics/${bucketPath(shard)}`, destination(shard)]),
    );
    assert.equal((await cli('plan', 'few', '--format', 'urls')).stdout, planned.map((shard) => `${shard.url}\n`).join(''));
    // rclone's --files-from: one path a line from the remote's root, `#` lines are comments.
    const rclone = (await cli('plan', 'few', '--format', 'rclone')).stdout.split('\n').filter((line) => line !== '' && !line.startsWith('#'));
    assert.deepEqual(rclone, planned.map(bucketPath));
    const refused = await cli('plan', 'few', '--format', 'wget');
    assert.equal(refused.code, 64);
  });

  test("a quote in a name survives s5cmd's quoting", () => {
    const tricky = "tasting food's (x).tar.gz";
    assert.deepEqual(shellWords(`cp --raw 's3://kinetics/600/train/${tricky.replaceAll("'", `'\\''`)}' x`), ['cp', '--raw', `s3://kinetics/600/train/${tricky}`, 'x']);
  });

  test('aria2c downloads the plan from 127.0.0.1; extract takes the clips from the archives without a request to the source', async (t) => {
    if (spawnSync('aria2c', ['--version']).status !== 0) return t.skip('aria2c is not installed (.ci/run installs it from Debian)');
    const list = join(tempDir(), 'plan.aria2');
    writeFileSync(list, (await cli('plan', 'few', '--format', 'aria2')).stdout);
    // Run asynchronously: the bucket server answers from this process's event loop.
    await promisify(execFile)('aria2c', ['--input-file', list, '--quiet=true', '--max-concurrent-downloads=4', '--allow-overwrite=true']);
    for (const shard of planned) assert.equal(statSync(destination(shard)).size, shard.bytes);

    const requestsBefore = server.log.length;
    const extracted = await cli('extract', 'few', '--json');
    assert.equal(server.log.length, requestsBefore, 'extract asked the source nothing');
    const summary = JSON.parse(extracted.stdout) as { extracted: number; stillMissing: number; transferredBytes: number };
    assert.equal(summary.transferredBytes, 0);
    assert.ok(summary.extracted > 0);
    const statuses = await queryAll<{ status: string; n: number }>(
      join(home, 'catalog.db'),
      "SELECT c.status, count(*) n FROM subset_clips s JOIN clips c USING (version, split, clip_key) WHERE s.subset = 'few' GROUP BY 1",
    );
    assert.equal(statuses.find((row) => row.status === 'ok')?.n, summary.extracted);
    for (const shard of planned) assert.ok(statSync(destination(shard)).isFile(), 'the archives the engine downloaded are kept');
    assert.equal((await cli('plan', 'few', '--format', 'urls')).stdout, '', 'nothing is left to download');
  });
});

test("fetch never deletes archives it did not write, and downloads a shard whose archive on disk does not read; extract names that file", async () => {
  const bucket = copyOfSampleBucket();
  const server = await new BucketServer(bucket).start();
  try {
    const home = tempDir();
    const cli = (...args: string[]) => runCli([...args, '--home', home]);
    assert.equal((await ingestInto(join(home, 'catalog.db'), server.url)).exitCode, 0);
    const classes = ['abseiling', 'air drumming', 'swinging baseball bat'].flatMap((label) => ['--class', label]);
    assert.equal((await cli('subset', 'create', 'v', '--version', 'k700-2020', '--split', 'val', ...classes, '--per-class', '2')).code, 0);
    assert.equal((await cli('plan', 'v')).code, 0);
    const folder = join(home, 'archives', 'k700-2020', 'val');
    mkdirSync(folder, { recursive: true });
    const original = (name: string) => readFileSync(join(bucket, '700_2020', 'val', name));
    // One aria2c is still writing, one cut short, one whole but corrupt past its first members.
    writeFileSync(join(folder, 'k700_val_001.tar.gz'), original('k700_val_001.tar.gz').subarray(0, 700));
    writeFileSync(join(folder, 'k700_val_001.tar.gz.aria2'), 'control');
    writeFileSync(join(folder, 'k700_val_004.tar.gz'), original('k700_val_004.tar.gz').subarray(0, 300));
    const corrupt = Buffer.from(original('k700_val_601.tar.gz'));
    corrupt.fill(0x55, 200, 260);
    writeFileSync(join(folder, 'k700_val_601.tar.gz'), corrupt);
    const before = Object.fromEntries(readdirSync(folder).map((name) => [name, readFileSync(join(folder, name))]));

    const extracted = await cli('extract', 'v');
    assert.equal(extracted.code, 1);
    assert.match(extracted.stderr, new RegExp(`^failed     k700-2020/val/k700_val_601\\.tar\\.gz: ${join(folder, 'k700_val_601.tar.gz').replaceAll('.', '\\.')}: not a readable gzip stream`, 'm'));
    const fetched = await cli('fetch', 'v');
    assert.equal(fetched.code, 0, fetched.stderr);
    assert.match(fetched.stderr, /^notice     k700_val_601\.tar\.gz: .*k700_val_601\.tar\.gz: not a readable gzip stream .*; it is left as it is, and the shard is downloaded instead$/m);
    assert.deepEqual(Object.fromEntries(readdirSync(folder).map((name) => [name, readFileSync(join(folder, name))])), before, 'every file in the archives folder is as it was');
  } finally {
    await server.stop();
  }
});

describe('extract', () => {
  test('reads archives laid out as the bucket (rclone) from --archives; one not whole (an .aria2 file beside it, or short) is skipped', async () => {
    const home = tempDir();
    const cli = (...args: string[]) => runCli([...args, '--home', home]);
    assert.equal((await ingestInto(join(home, 'catalog.db'), sampleBucket)).exitCode, 0);
    const classes = ['abseiling', 'air drumming', 'skateboarding', 'swinging baseball bat'].flatMap((label) => ['--class', label]);
    assert.equal((await cli('subset', 'create', 'few', '--version', 'k700-2020', '--split', 'val', ...classes, '--per-class', '2')).code, 0);
    const bucketPaths = (await cli('plan', 'few', '--format', 'rclone')).stdout.split('\n').filter((line) => line !== '' && !line.startsWith('#'));
    const urls = await cli('plan', 'few', '--format', 'urls');
    assert.equal(urls.code, 64);
    assert.ok(urls.stderr.startsWith(`kinetics: the catalog's source is a folder (${sampleBucket}): fetch reads its shards in place`), urls.stderr);
    assert.equal(bucketPaths.length, 4);
    const archives = tempDir();
    for (const path of bucketPaths) {
      mkdirSync(dirname(join(archives, path)), { recursive: true });
      copyFileSync(join(sampleBucket, path), join(archives, path));
    }
    const [stillDownloading, short] = bucketPaths;
    writeFileSync(join(archives, `${stillDownloading}.aria2`), 'control file');
    writeFileSync(join(archives, short!), readFileSync(join(archives, short!)).subarray(0, 100));

    const result = await cli('extract', 'few', '--archives', archives);
    assert.equal(result.code, 1, result.stderr);
    for (const path of [stillDownloading!, short!]) {
      assert.match(result.stderr, new RegExp(`^skipped    [\\w-]+/\\w+/${path.split('/').at(-1)!.replace('.', '\\.')} \\(no whole archive of it on disk yet\\)$`, 'm'));
    }
    assert.match(result.stderr, new RegExp(`^extracted  k700-2020/val/${bucketPaths[2]!.split('/').at(-1)!.replace('.', '\\.')}`, 'm'));
    assert.match(result.stderr, /extracted from 2 shards \(2 skipped\) in [\d.]+ s;/);
    assert.doesNotMatch(result.stderr, /downloaded|--retry-absent/, 'extract reads archives: it downloads nothing and takes no --retry-absent');

    // Flat, as `wget -c -i` of the urls list leaves them: taken where the source's size is known and matches.
    const flat = tempDir();
    for (const path of bucketPaths) copyFileSync(join(sampleBucket, path), join(flat, path.split('/').at(-1)!));
    const otherSplits = bucketPaths[0]!.split('/').at(-1)!;
    writeFileSync(join(flat, otherSplits), readFileSync(join(sampleBucket, bucketPaths[1]!)));
    // The two skipped above are left: one flat copy is whole, the other holds another shard's bytes.
    const fromFlat = await cli('extract', 'few', '--archives', flat);
    assert.match(fromFlat.stderr, /extracted from 1 shard \(1 skipped\)/, 'a file of the name but another size is not taken');
    assert.match(fromFlat.stderr, new RegExp(`^extracted  [\\w-]+/\\w+/${bucketPaths[1]!.split('/').at(-1)!.replace('.', '\\.')}`, 'm'));
    assert.match(fromFlat.stderr, new RegExp(`^skipped    [\\w-]+/\\w+/${otherSplits.replace('.', '\\.')} `, 'm'));
    const nowhere = await cli('extract', 'few', '--archives', join(archives, 'nowhere'));
    assert.equal(nowhere.code, 66);
    assert.match(nowhere.stderr, /^kinetics: .*nowhere: no such folder; --archives names the folder the shard archives were downloaded into\n$/);

    // Hundreds of shards skipped: the first 20 are named, the summary counts them all.
    assert.equal((await cli('subset', 'create', 'all-val', '--version', 'k700-2020', '--split', 'val')).code, 0);
    const planned = (JSON.parse((await cli('plan', 'all-val', '--json')).stdout) as { shards: unknown[] }).shards.length;
    assert.ok(planned > 21, `${planned} shards`);
    const many = await cli('extract', 'all-val', '--archives', tempDir());
    const skippedLines = many.stderr.split('\n').filter((line) => line.startsWith('skipped '));
    assert.equal(skippedLines.length, 21);
    assert.equal(skippedLines.at(-1), 'skipped    … and more, not named: the summary counts them, `kinetics plan all-val` lists them');
    assert.match(many.stderr, new RegExp(`^subset all-val: 0 clips extracted from 0 shards \\(${planned} skipped\\)`, 'm'));
  });
});

test('an archive flat in the folder is taken under its name or its URL-encoded one, only where its size is known and matches', () => {
  const dir = tempDir();
  const shard = { version: 'k600', split: 'val', name: 'air drumming.tar.gz', path: '600/val/air drumming.tar.gz', bytes: 5 };
  writeFileSync(join(dir, 'air%20drumming.tar.gz'), '12345');
  assert.equal(archiveOnDisk(dir, shard), join(dir, 'air%20drumming.tar.gz'), 'as curl -O names it');
  assert.equal(archiveOnDisk(dir, { ...shard, bytes: null }), null, 'a size unknown: another split\'s archive of the name could pass');
  assert.equal(archiveOnDisk(dir, { ...shard, bytes: 6 }), null);
});

test('from a folder that holds only the annotations, s5cmd and rclone list every planned shard from CVDF\'s bucket; urls and aria2 refuse', async () => {
  const bucket = copyOfSampleBucket();
  for (const entry of readdirSync(bucket, { recursive: true, withFileTypes: true })) {
    if (entry.isFile() && entry.name.endsWith('.tar.gz') && !entry.parentPath.endsWith('annotations')) rmSync(join(entry.parentPath, entry.name));
  }
  const home = tempDir();
  const cli = (...args: string[]) => runCli([...args, '--home', home]);
  assert.equal((await ingestInto(join(home, 'catalog.db'), bucket)).exitCode, 0);
  assert.equal((await cli('subset', 'create', 'few', '--version', 'k700-2020', '--split', 'val', '--class', 'abseiling', '--per-class', '2')).code, 0);
  const shards = (JSON.parse((await cli('plan', 'few', '--json')).stdout) as { shards: PlannedShardJson[] }).shards;
  assert.ok(shards.length > 0 && shards.every((shard) => shard.absentFromSource), 'the folder has none of them');

  const s5cmd = await cli('plan', 'few', '--format', 's5cmd');
  assert.equal(s5cmd.code, 0, s5cmd.stderr);
  const lines = s5cmd.stdout.split('\n').filter((line) => line !== '' && !line.startsWith('#'));
  assert.deepEqual(lines.map(shellWords), shards.map((shard) => ['cp', '--raw', `s3://kinetics/${shard.url.slice(bucket.length + 1)}`, join(home, 'archives', shard.version, shard.split, shard.name)]));
  assert.match(s5cmd.stderr, new RegExp(`^subset few: ${shards.length} shards? \\(size unknown\\) for s5cmd`));
  assert.doesNotMatch(s5cmd.stderr, /left out/);
  const rclone = await cli('plan', 'few', '--format', 'rclone');
  assert.equal(rclone.stdout.split('\n').filter((line) => line !== '' && !line.startsWith('#')).length, shards.length);

  for (const format of ['urls', 'aria2']) {
    const refused = await cli('plan', 'few', '--format', format);
    assert.equal(refused.code, 64, format);
    assert.match(refused.stderr, /the catalog's source is a folder .*use --format s5cmd or rclone/);
  }
});

test('a shard CVDF itself answered absent is left out of every engine list, and counted; one a mirror lacks is still listed for s5cmd and rclone', () => {
  const shard = (url: string, path: string, absentFromSource: boolean): PlannedShard => ({
    version: 'k600', split: 'val', name: path.split('/').pop()!, url, path, label: null, bytes: absentFromSource ? null : 10, etag: null, state: absentFromSource ? 'absent' : 'remote',
    membersKnown: false, archive: null, partialArchive: null, clips: [], discovery: false, absentFromSource,
  });
  const plan = (shards: PlannedShard[]): Plan => ({
    subset: 's', clips: 2, onDisk: 0, wanted: 2, shards, undiscovered: [], notInAnyShard: [], damagedAtSource: [], bytesToDownload: 10, shardsWithUnknownSize: 0,
    shardsAbsentFromSource: shards.filter((entry) => entry.absentFromSource).length,
  });
  const fromCvdf = plan([shard('https://s3.amazonaws.com/kinetics/600/val/a.tar.gz', '600/val/a.tar.gz', false), shard('https://s3.amazonaws.com/kinetics/600/val/b.tar.gz', '600/val/b.tar.gz', true)]);
  for (const format of ['s5cmd', 'rclone', 'aria2', 'urls'] as const) {
    const { shards, leftOut } = shardsToDownload(fromCvdf, format);
    assert.deepEqual([shards.map((entry) => entry.name), leftOut], [['a.tar.gz'], 1], format);
    assert.doesNotMatch(engineList(fromCvdf, format, '/home'), /b\.tar\.gz/, format);
  }
  assert.match(engineList(fromCvdf, 's5cmd', '/home'), /^# kinetics plan s: 1 shard to download; 1 shard not in the source left out\n/);
  const fromMirror = plan([shard('https://mirror.example/kinetics/600/val/b.tar.gz', '600/val/b.tar.gz', true)]);
  assert.deepEqual(shardsToDownload(fromMirror, 's5cmd').shards.map((entry) => entry.name), ['b.tar.gz']);
  assert.deepEqual(shardsToDownload(fromMirror, 'aria2'), { shards: [], leftOut: 1 });
});
