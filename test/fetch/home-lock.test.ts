import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { lockHome } from '../../src/fetch/home-lock.js';
import { packageRoot } from '../../src/util/package-root.js';
import { runCli, tsxLoader } from '../helpers/run-cli.js';
import { sampleBucket, tempDir } from '../helpers/temp.js';

test('one process at a time streams shards into a home; the lock of a process that died is taken over', async () => {
  const home = tempDir();
  const release = lockHome(home);
  assert.throws(() => lockHome(home), (error: Error & { exitCode?: number }) => error.exitCode === 75 && /another fetch \(process \d+@[^)]+\)/.test(error.message));
  release();
  assert.ok(!existsSync(join(home, 'fetch.lock')));
  lockHome(home)();

  writeFileSync(join(home, 'fetch.lock'), '999999999\n'); // no such process: left by a kill -9
  lockHome(home)();
  // This process's own id, from an earlier process that had it (a container's pid 1): stale too.
  writeFileSync(join(home, 'fetch.lock'), `${process.pid}\n`);
  const again = lockHome(home);
  assert.match(readFileSync(join(home, 'fetch.lock'), 'utf8'), new RegExp(`^${process.pid}@${hostname()}#\\d+\n$`), 'a lock names its process, its host and its start');
  again();
  // A running process of this host that started after the lock was taken (the id given again): stale too.
  writeFileSync(join(home, 'fetch.lock'), `${process.ppid}@${hostname()}#1\n`);
  lockHome(home)();
  assert.ok(!existsSync(join(home, 'fetch.lock')));
  // A process of another host (a home on a shared file system) cannot be asked: its lock holds, whatever its id.
  writeFileSync(join(home, 'fetch.lock'), '999999999@another-node\n');
  assert.throws(() => lockHome(home), /another fetch \(process 999999999@another-node\)/);
});

test("the copy a taker killed before linking it left behind goes with the next lock; a running taker's stays", () => {
  const home = tempDir();
  writeFileSync(join(home, 'fetch.lock.999999999'), '999999999@somewhere\n'); // kill -9 between writing and linking
  writeFileSync(join(home, `fetch.lock.${process.ppid}`), `${process.ppid}@${hostname()}\n`); // a taker running now
  writeFileSync(join(home, 'fetch.lock.takeover'), 'x\n');
  lockHome(home)();
  assert.ok(!existsSync(join(home, 'fetch.lock.999999999')));
  assert.ok(existsSync(join(home, `fetch.lock.${process.ppid}`)));
  assert.ok(existsSync(join(home, 'fetch.lock.takeover')), 'not a copy: the takeover mark has its own expiry');
});

test('a lock file holding no process id (garbage, empty, a fraction, a FIFO, a link, a folder) is stale: taken over at once, no spinning', () => {
  const home = tempDir();
  // In a child process with a deadline: a lock that is never taken over would spin this one forever.
  const script = `import { lockHome } from ${JSON.stringify(join(packageRoot, 'src', 'fetch', 'home-lock.ts'))};
    const fs = await import('node:fs');
    const lock = process.argv[1] + '/fetch.lock';
    for (const content of ['garbage', '', '12.5', '-3', '1e400']) {
      fs.writeFileSync(lock, content);
      lockHome(process.argv[1])();
    }
    // Not a file at all: a FIFO (reading it would block), a dangling link, a link to /dev/zero, a folder.
    const { execFileSync } = await import('node:child_process');
    const oddities = [() => execFileSync('mkfifo', [lock]), () => fs.symlinkSync('/nonexistent/x', lock), () => fs.symlinkSync('/dev/zero', lock), () => fs.mkdirSync(lock)];
    for (const make of oddities) {
      make();
      lockHome(process.argv[1])();
    }
    process.stdout.write('taken over');`;
  const child = spawnSync(process.execPath, ['--import', tsxLoader, '--input-type=module', '-e', script, home], { encoding: 'utf8', timeout: 20_000 });
  assert.equal(child.signal, null, 'it did not end on its own within 20 s');
  assert.equal(child.stdout, 'taken over', child.stderr);
  assert.ok(!existsSync(join(home, 'fetch.lock')));
});

test('a second `kinetics fetch` into the same home is refused with exit 75 while the first runs', async () => {
  const home = tempDir();
  assert.equal((await runCli(['ingest', '--source', sampleBucket, '--no-downstream', '--versions', 'k400', '--home', home])).code, 0);
  assert.equal((await runCli(['subset', 'create', 'few', '--version', 'k400', '--split', 'val', '--limit', '2', '--home', home])).code, 0);
  const holder = spawn('sleep', ['30']); // stands in for a running fetch
  try {
    writeFileSync(join(home, 'fetch.lock'), `${holder.pid}\n`);
    const refused = await runCli(['fetch', 'few', '--home', home]);
    assert.equal(refused.code, 75, refused.stderr);
    assert.match(refused.stderr, new RegExp(`another fetch \\(process ${holder.pid}\\) is streaming shards into`));
  } finally {
    holder.kill();
    await once(holder, 'exit');
  }
  const fetched = await runCli(['fetch', 'few', '--home', home]);
  assert.equal(fetched.code, 0, fetched.stderr);
  assert.ok(!existsSync(join(home, 'fetch.lock')), 'released at the end');
});

test('a lock listens for Ctrl-C only while held, and leaves the signal to another listener when there is one (the TUI)', () => {
  const home = tempDir();
  const listeners = () => ['SIGINT', 'SIGTERM', 'SIGHUP'].map((signal) => process.listenerCount(signal));
  const before = listeners();
  const release = lockHome(home);
  assert.deepEqual(listeners(), before.map((count) => count + 1));
  const another = () => {};
  process.on('SIGTERM', another);
  try {
    process.emit('SIGTERM', 'SIGTERM');
    assert.ok(existsSync(join(home, 'fetch.lock')), 'the other listener decides: the lock stays with the process');
  } finally {
    process.removeListener('SIGTERM', another);
  }
  release();
  assert.deepEqual(listeners(), before, 'none left once released');
});
