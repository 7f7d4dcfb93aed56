import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { test } from 'node:test';
import { packageRoot } from '../../src/util/package-root.js';
import { queryAll } from '../helpers/catalog.js';
import { tempDir } from '../helpers/temp.js';

const bin = join(packageRoot, 'bin', 'kinetics.js');
const run = (...args: string[]) => spawnSync(process.execPath, [bin, ...args], { cwd: tempDir(), encoding: 'utf8', env: { ...process.env, KINETICS_SOURCE: '' } });

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

  // Loading the TUI command evaluates the bundled Ink, React and yoga; without a terminal it refuses.
  const tui = run('tui', '--home', home);
  assert.equal(tui.status, 2);
  assert.match(tui.stderr, /needs an interactive terminal/);
});
