import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { test } from 'node:test';
import { packageRoot } from '../../src/util/package-root.js';
import { BucketServer } from '../helpers/bucket-server.js';
import { queryAll } from '../helpers/catalog.js';
import { copyOfSampleBucket, tempDir } from '../helpers/temp.js';

const bin = join(packageRoot, 'bin', 'kinetics.js');
const run = (...args: string[]) => spawnSync(process.execPath, [bin, ...args], { cwd: tempDir(), encoding: 'utf8', env: { ...process.env, KINETICS_SOURCE: '' } });
/** Like run, without blocking this process's event loop, which serves the HTTP bucket. */
function runAsync(...args: string[]): Promise<{ status: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bin, ...args], { cwd: tempDir(), env: { ...process.env, KINETICS_SOURCE: '' } });
    let stderr = '';
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, stderr }));
  });
}

test('the bundled program (npm run build, what bin/kinetics.js runs) does the whole demo and loads the TUI', async () => {
  const build = spawnSync(process.execPath, [join(packageRoot, 'scripts', 'build.mjs')], { cwd: packageRoot, encoding: 'utf8' });
  assert.equal(build.status, 0, build.stderr);

  const home = tempDir();
  const demo = run('demo', '--home', home);
  assert.equal(demo.status, 0, demo.stderr);
  const [fetched] = await queryAll<{ n: number }>(join(home, 'catalog.db'), "SELECT count(*) AS n FROM clips WHERE status = 'ok'");
  assert.ok(fetched!.n > 0, 'the demo fetched and verified clips');
  assert.match(demo.stdout, /k700-2020\s+val\s+\d+/);

  const query = run('query', '@class-counts', '-p', 'version', 'k600', '--home', home, '--csv');
  assert.equal(query.status, 0, query.stderr);
  assert.match(query.stdout.split('\n')[0]!, /label/);

  // Over HTTP (undici, loaded on the first request).
  const server = await new BucketServer(copyOfSampleBucket()).start();
  try {
    const overHttp = tempDir();
    const ingested = await runAsync('ingest', '--source', server.url, '--versions', 'k700-2020', '--no-downstream', '--home', overHttp);
    assert.equal(ingested.status, 0, ingested.stderr);
    assert.equal(run('subset', 'create', 'one', '--version', 'k700-2020', '--split', 'val', '--class', 'abseiling', '--home', overHttp).status, 0);
    const fetchedOverHttp = await runAsync('fetch', 'one', '--home', overHttp);
    assert.equal(fetchedOverHttp.status, 0, fetchedOverHttp.stderr);
    assert.ok(server.log.some((entry) => entry.method === 'GET' && entry.path.endsWith('.tar.gz') && entry.status === 200));
  } finally {
    await server.stop();
  }

  // Loading the TUI command evaluates the bundled Ink, React and yoga; without a terminal it refuses.
  const tui = run('tui', '--home', home);
  assert.equal(tui.status, 2);
  assert.match(tui.stderr, /needs an interactive terminal/);
});
