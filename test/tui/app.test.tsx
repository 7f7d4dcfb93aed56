import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { render } from 'ink-testing-library';
import { Catalog } from '../../src/catalog/catalog.js';
import { classStats, splitRows } from '../../src/catalog/browse.js';
import { dropSubset, subsetNames } from '../../src/catalog/subsets.js';
import { App } from '../../src/tui/app.js';
import { visibleClasses } from '../../src/tui/state.js';
import { JobRunner } from '../../src/tui/work/job-runner.js';
import { BucketServer } from '../helpers/bucket-server.js';
import { ingestInto } from '../helpers/catalog.js';
import { packageRoot } from '../../src/util/package-root.js';
import { runCli, spawnCli } from '../helpers/run-cli.js';
import { copyOfSampleBucket, tempDir } from '../helpers/temp.js';

const bucket = copyOfSampleBucket();

/** Another process that takes the catalog's write lock and holds it for `seconds`, as a long ingest does. */
async function holdWriting(file: string, seconds: number): Promise<{ writer: ChildProcess; exited: Promise<unknown> }> {
  const script = `
    const db = new (require('better-sqlite3'))(process.argv[1]);
    db.exec('BEGIN IMMEDIATE');
    db.exec("INSERT OR REPLACE INTO catalog_settings VALUES ('held', '1')");
    process.stdout.write('holding\\n');
    setTimeout(() => { db.exec('COMMIT'); db.close(); }, ${seconds * 1000});`;
  const writer = spawn(process.execPath, ['-e', script, file], { cwd: packageRoot });
  const exited = once(writer, 'exit');
  await once(writer.stdout!, 'data');
  return { writer, exited };
}

async function until(check: () => boolean, what: string, timeout = 10_000): Promise<void> {
  const deadline = Date.now() + timeout;
  while (!check()) {
    assert.ok(Date.now() < deadline, `timed out waiting for ${what}`);
    await sleep(20);
  }
}

describe('kinetics tui (ink-testing-library, real catalog, local HTTP bucket)', () => {
  let server: BucketServer;
  let catalog: Catalog;
  const home = tempDir();
  before(async () => {
    server = await new BucketServer(bucket).start();
    await ingestInto(join(home, 'catalog.db'), server.url);
    catalog = Catalog.open(join(home, 'catalog.db'));
  });
  after(async () => {
    await catalog.close();
    await server.stop();
  });

  test('browse, filter, select, make a subset, see its plan, fetch it, query it', async () => {
    const app = render(<App catalog={catalog} home={home} runner={new JobRunner(catalog.file)} />);
    const frame = () => app.lastFrame() ?? '';
    try {
      await until(() => frame().includes('versions / splits'), 'the first frame');
      assert.match(frame(), /k700-2020 val/);
      assert.match(frame(), /\? keys +q quit +↑↓ move/);
      // Down the splits pane to K700-2020 val, back to classes, filter and select.
      app.stdin.write('\t');
      await sleep(30);
      for (let index = 0; index < 8; index++) app.stdin.write('j');
      await until(() => frame().includes('classes 700/700'), 'the K700-2020 val classes');
      app.stdin.write('\t');
      app.stdin.write('/');
      app.stdin.write('AIR DRUM');
      await until(() => frame().includes('classes 1/700'), 'the filter');
      assert.match(frame(), /air drumming/);
      app.stdin.write('\r');
      app.stdin.write(' ');
      await until(() => frame().includes('1 selected'), 'the selection');
      app.stdin.write('n');
      await until(() => frame().includes('name: tui-k700-2020-val'), 'the subset form');
      for (const answer of ['\r', '\r', '3', '\r', '\r', '\r']) {
        app.stdin.write(answer);
        await sleep(20);
      }
      await until(() => frame().includes('plan tui-k700-2020-val: 3 of 3 clips to fetch'), 'the plan');
      assert.match(frame(), /│k700_val_004\.tar\.gz +air drumming +1\.4 KiB +3 +by class/);
      const members = catalog.sqlite.prepare("SELECT count(*) FROM subset_clips WHERE subset = 'tui-k700-2020-val'").pluck().get();
      assert.equal(members, 3);

      app.stdin.write('f'); // straight from the plan
      await until(() => /extracted 3\/4\d/.test(frame()), 'the fetch');
      await until(() => frame().includes('3 clips extracted, 0 still missing'), 'the fetch summary');
      const paths = catalog.sqlite
        .prepare("SELECT c.path FROM subset_clips s JOIN clips c USING (version, split, clip_key) WHERE s.subset = 'tui-k700-2020-val'")
        .pluck()
        .all() as string[];
      assert.ok(paths.length === 3 && paths.every((path) => path !== null && existsSync(path)));

      // Exported with the paths relative to --home itself rather than --home/videos (export --root).
      app.stdin.write('e');
      await until(() => frame().includes('format: csv jsonl [mmaction]'), 'the export form');
      app.stdin.write('\r');
      await sleep(20);
      app.stdin.write('\r');
      await until(() => frame().includes(`paths relative to (relative: under --home): ${join(home, 'videos')}`), 'the root field');
      for (let index = 0; index < 'videos'.length + 1; index++) app.stdin.write('\x7f');
      await sleep(20);
      app.stdin.write('\r');
      await until(() => frame().includes('exported 3 clips to'), 'the export');
      const list = readFileSync(join(home, 'exports', 'tui-k700-2020-val', 'k700-2020_val_list_videos.txt'), 'utf8').trim().split('\n');
      assert.equal(list.length, 3);
      assert.ok(list.every((line) => line.startsWith('videos/k700-2020/val/')), list.join('\n'));

      app.stdin.write('\x1b');
      await sleep(50);
      app.stdin.write(':');
      app.stdin.write("select count(DISTINCT clip_key) AS fetched from clips where status = 'ok'");
      app.stdin.write('\r');
      await until(() => frame().includes('fetched'), 'the SQL result');
      assert.match(frame(), /││ {6}3 {10,}│/, "the count under its column, at the right");
      app.stdin.write('\x1b');
      await sleep(50);
      app.stdin.write(':');
      app.stdin.write('delete from clips\r');
      await until(() => frame().includes('refused: DELETE would change the catalog'), 'the refusal');
      app.stdin.write('?');
      await until(() => frame().includes('this help; esc closes'), 'the help');
    } finally {
      app.unmount();
    }
  });

  test('the details pane: read ahead for the classes beside the cursor, else once keys stop coming; split and class together', async () => {
    const app = render(<App catalog={catalog} home={home} runner={new JobRunner(catalog.file)} />);
    const plain = (text: string | undefined) => (text ?? '').replace(/\x1b\[[0-9;]*m/g, '');
    // The details pane's title: the class it shows (the last pane of the first row inside the borders).
    const detailsTitle = (text: string) => text.split('\n')[1]!.split('│').filter((part) => part.trim() !== '').at(-1)!.trim();
    const [first, second] = splitRows(catalog);
    const labelsOf = (split: typeof first) => visibleClasses(classStats(catalog, split!.version, split!.split), '', 'name').map((row) => row.label);
    const labels = labelsOf(first);
    try {
      await until(() => detailsTitle(plain(app.lastFrame())) === labels[0], 'the first class in the details pane');
      await sleep(150); // the cursor stood: the class below was read ahead
      let drawn = app.frames.length;
      // Three keys 10 ms apart, as a repeating key comes: the first shows the class read ahead with the cursor; the
      // next is never read, and the last once the keys stop.
      for (let press = 0; press < 3; press++) {
        app.stdin.write('j');
        await sleep(10);
      }
      await until(() => detailsTitle(plain(app.lastFrame())) === labels[3], 'the details of the class under the cursor');
      const titles = app.frames.slice(drawn).map((frame) => detailsTitle(plain(frame)));
      // (These frames have no colours, so the cursor's inverse row does not show in them.)
      assert.equal(titles[0], labels[1], 'the class read ahead comes with the frame that moves the cursor');
      assert.deepEqual([...new Set(titles)], [labels[1], labels[3]]);

      // To the next split: the pane shows the earlier split's class until it shows the new split's first.
      app.stdin.write('\t');
      await sleep(50);
      drawn = app.frames.length;
      app.stdin.write('j');
      const next = labelsOf(second);
      await until(() => detailsTitle(plain(app.lastFrame())) === next[0], "the new split's first class");
      const shown = new Set(app.frames.slice(drawn).map((frame) => detailsTitle(plain(frame))));
      assert.deepEqual([...shown], [labels[3], next[0]]);
    } finally {
      app.unmount();
    }
  });

  test('a subset of the selected classes takes their clips from the split on screen, every split of its version, that split in every version, or all', async () => {
    const app = render(<App catalog={catalog} home={home} runner={new JobRunner(catalog.file)} />);
    const frame = () => app.lastFrame() ?? '';
    const spread = (name: string) =>
      catalog.sqlite.prepare('SELECT DISTINCT version, split FROM subset_clips WHERE subset = ? ORDER BY version, split').all(name) as { version: string; split: string }[];
    const [first] = splitRows(catalog);
    const labels = visibleClasses(classStats(catalog, first!.version, first!.split), '', 'name').map((row) => row.label).filter((label) => label !== '(unlabeled)');
    // Every split and version that has one of those classes.
    const having = (versions: string[], splits: string[]) =>
      (catalog.sqlite
        .prepare(`SELECT DISTINCT version, split FROM clips WHERE label IN (SELECT value FROM json_each(?)) AND version IN (SELECT value FROM json_each(?))
                  AND (json_array_length(?) = 0 OR split IN (SELECT value FROM json_each(?))) ORDER BY version, split`)
        .all(JSON.stringify(labels), JSON.stringify(versions), JSON.stringify(splits), JSON.stringify(splits))) as { version: string; split: string }[];
    const makeSubset = async (name: string, rightArrows: number) => {
      app.stdin.write('n');
      await until(() => frame().includes('name: tui-'), 'the subset form');
      for (const key of ['\x7f'.repeat(40), name, '\r', ...Array<string>(rightArrows).fill('\x1b[C'), '\r', '1', '\r', '\r', '\r']) {
        app.stdin.write(key);
        await sleep(20);
      }
      await until(() => frame().includes(`plan ${name}:`), `the plan of ${name}`);
      app.stdin.write('\x1b'); // back to the classes, the selection kept
      await sleep(100); // a key right after esc would be read with it as one escape sequence
    };
    try {
      await until(() => frame().includes('versions / splits'), 'the first frame');
      app.stdin.write('a');
      await until(() => frame().includes(`${labels.length + 1} selected`) || frame().includes(`${labels.length} selected`), 'all classes selected');
      await makeSubset('scope-split', 0);
      assert.deepEqual(spread('scope-split'), [{ version: first!.version, split: first!.split }]);
      await makeSubset('scope-version', 1);
      const everySplit = having([first!.version], []);
      assert.ok(everySplit.length > 1, 'the sample has these classes in more than one split');
      assert.deepEqual(spread('scope-version'), everySplit);
      await makeSubset('scope-versions', 2);
      const everyVersion = having(['k400', 'k600', 'k700-2020'], [first!.split]);
      assert.ok(new Set(everyVersion.map((row) => row.version)).size > 1, 'and in more than one version');
      assert.deepEqual(spread('scope-versions'), everyVersion);
      await makeSubset('scope-all', 3);
      assert.deepEqual(spread('scope-all'), having(['k400', 'k600', 'k700-2020'], []));
    } finally {
      app.unmount();
      for (const name of ['scope-split', 'scope-version', 'scope-versions', 'scope-all']) if (subsetNames(catalog).has(name)) dropSubset(catalog, name);
    }
  });

  test('details read before the cursor came are read again once it stands: another process may have changed the catalog', async () => {
    const app = render(<App catalog={catalog} home={home} runner={new JobRunner(catalog.file)} />);
    const split = splitRows(catalog)[0]!;
    const label = visibleClasses(classStats(catalog, split.version, split.split), '', 'name')[0]!.label;
    const clip = catalog.sqlite
      .prepare('SELECT clip_key, disk_status FROM clip_annotations WHERE version = ? AND split = ? AND label = ? ORDER BY clip_key LIMIT 1')
      .get(split.version, split.split, label) as { clip_key: string; disk_status: string };
    const setStatus = catalog.sqlite.prepare('UPDATE clip_annotations SET disk_status = ? WHERE version = ? AND split = ? AND clip_key = ?');
    const frame = () => app.lastFrame() ?? '';
    try {
      await until(() => frame().includes(clip.clip_key.slice(0, 11)), 'the first class with its first clip');
      assert.doesNotMatch(frame(), /damaged/);
      app.stdin.write('j');
      await sleep(150);
      setStatus.run('damaged', split.version, split.split, clip.clip_key); // as a scan beside the TUI would
      app.stdin.write('k');
      await until(() => /damaged/.test(frame()), 'the first class read again, its clip now damaged');
    } finally {
      setStatus.run(clip.disk_status, split.version, split.split, clip.clip_key);
      app.unmount();
    }
  });

  test('(unlabeled) selected makes a subset of the unlabeled clips (with the classes beside it), where the scope says', async () => {
    const app = render(<App catalog={catalog} home={home} runner={new JobRunner(catalog.file)} />);
    const frame = () => app.lastFrame() ?? '';
    const rows = splitRows(catalog);
    const at = rows.findIndex((row) => row.version === 'k600' && row.split === 'test');
    const unlabeled = catalog.sqlite.prepare("SELECT count(*) FROM clips WHERE version = 'k600' AND label IS NULL").pluck().get() as number;
    try {
      await until(() => frame().includes('versions / splits'), 'the first frame');
      app.stdin.write('\t');
      await sleep(30);
      for (let index = 0; index < at; index++) {
        app.stdin.write('j');
        await sleep(10);
      }
      app.stdin.write('\t');
      await until(() => frame().includes('(unlabeled)'), 'the unlabeled clips of K600 test');
      app.stdin.write(' ');
      await until(() => frame().includes('1 selected'), 'the selection');
      app.stdin.write('n');
      await until(() => frame().includes('name: tui-k600-test'), 'the subset form, on K600 test');
      for (const key of ['\x7f'.repeat(40), 'unlabeled-k600', '\r', '\x1b[C', '\r', '\r', '\r', '\r']) {
        app.stdin.write(key);
        await sleep(20);
      }
      await until(() => frame().includes('plan unlabeled-k600:'), 'the plan');
      const made = catalog.sqlite
        .prepare("SELECT count(*) AS clips, count(*) FILTER (WHERE c.label IS NULL AND c.version = 'k600') AS unlabeled FROM subset_clips s JOIN clips c USING (version, split, clip_key) WHERE s.subset = 'unlabeled-k600'")
        .get() as { clips: number; unlabeled: number };
      assert.ok(unlabeled > 0);
      assert.deepEqual(made, { clips: unlabeled, unlabeled }, 'every unlabeled clip of every K600 split, and no other');
    } finally {
      app.unmount();
      if (subsetNames(catalog).has('unlabeled-k600')) dropSubset(catalog, 'unlabeled-k600');
    }
  });

  test('keys that arrive in one read act on what the keys before them showed: across a split change, space selects the new split\'s class', async () => {
    const app = render(<App catalog={catalog} home={home} runner={new JobRunner(catalog.file)} />);
    const frame = () => app.lastFrame() ?? '';
    const rows = splitRows(catalog);
    const at = rows.findIndex((row) => row.version === 'k600' && row.split === 'holdout_test');
    try {
      await until(() => frame().includes('versions / splits'), 'the first frame');
      app.stdin.write('\t');
      await sleep(30);
      // As tmux sends `j j … Tab Space`: one chunk, handled before any render in between.
      app.stdin.write(`${'j'.repeat(at)}\t `);
      await until(() => frame().includes('1 selected'), 'the selection');
      assert.match(frame(), /●\(unlabeled\)/, 'the class selected is the one on screen, of K600 holdout_test');
    } finally {
      app.unmount();
    }
  });

  test('moving to another split clears the selection and the filter of the split left, and says so', async () => {
    const app = render(<App catalog={catalog} home={home} runner={new JobRunner(catalog.file)} />);
    const frame = () => app.lastFrame() ?? '';
    try {
      await until(() => frame().includes('versions / splits'), 'the first frame');
      app.stdin.write(' ');
      await until(() => frame().includes('1 selected'), 'a class selected');
      app.stdin.write('\t');
      await sleep(30);
      app.stdin.write('j');
      await until(() => /left \S+ \S+: cleared 1 class selected/.test(frame()), 'the selection said cleared');
      assert.doesNotMatch(frame(), /1 selected/);
    } finally {
      app.unmount();
    }
  });

  test('n never replaces a subset unasked: the default name is a new one; an existing name asks, and only y replaces it', async () => {
    const app = render(<App catalog={catalog} home={home} runner={new JobRunner(catalog.file)} />);
    const frame = () => app.lastFrame() ?? '';
    const clipsOf = (name: string) => catalog.sqlite.prepare('SELECT count(*) FROM subset_clips WHERE subset = ?').pluck().get(name);
    /** Opens the form, optionally takes the suffix off the default name, and submits it with a per-class cap. */
    const makeSubset = async (cap: string, dropSuffix = 0) => {
      app.stdin.write('n');
      await until(() => frame().includes('name: tui-'), 'the subset form');
      for (let index = 0; index < dropSuffix; index++) app.stdin.write('\x7f');
      for (const key of ['\r', '\r', cap, '\r', '\r', '\r']) {
        app.stdin.write(key);
        await sleep(20);
      }
    };
    try {
      await until(() => frame().includes('versions / splits'), 'the first frame');
      app.stdin.write('a');
      await makeSubset('1');
      await until(() => /subset (tui-\S+): \d+ clips/.test(frame()), 'the first subset');
      const base = /subset (tui-\S+): \d+ clips/.exec(frame())![1]!;
      const first = clipsOf(base);
      app.stdin.write('\x1b');
      await sleep(50);
      await makeSubset('2');
      await until(() => frame().includes(`subset ${base}-2:`), 'a second subset under a new default name');
      assert.equal(clipsOf(base), first, 'the first one is as it was');

      app.stdin.write('\x1b');
      await sleep(50);
      await makeSubset('2', 2);
      await until(() => frame().includes(`replace the subset ${base}? (y/N)`), 'the question');
      app.stdin.write('\r');
      await until(() => frame().includes(`subset ${base} kept as it was`), 'kept');
      assert.equal(clipsOf(base), first);

      await makeSubset('2', 2);
      await until(() => frame().includes(`replace the subset ${base}? (y/N)`), 'the question again');
      app.stdin.write('y');
      app.stdin.write('\r');
      await until(() => frame().includes(`subset ${base}: ${clipsOf(`${base}-2`)} clips`), 'replaced once the user said yes');
      assert.equal(clipsOf(base), clipsOf(`${base}-2`));
    } finally {
      app.unmount();
    }
  });

  test('long work shows a spinner at once, keys typed meanwhile are dropped, esc cancels it, and the TUI goes on', async () => {
    const app = render(<App catalog={catalog} home={home} runner={new JobRunner(catalog.file)} />);
    const frame = () => app.lastFrame() ?? '';
    try {
      await until(() => frame().includes('versions / splits'), 'the first frame');
      app.stdin.write(':');
      app.stdin.write('WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 1000000000) SELECT count(*) AS n FROM c');
      const started = Date.now();
      app.stdin.write('\r');
      await until(() => /running the query · \d+\.\d s · esc cancels/.test(frame()), 'the spinner');
      assert.ok(Date.now() - started < 1000, `the spinner came after ${Date.now() - started} ms`);
      await until(() => /running the query · [1-9]\.\d s/.test(frame()), 'its clock moving');
      // Keys for the browse screen: none of them may act while the query runs, nor after it.
      for (const key of ['a', 'n', '?', 'q', ':']) app.stdin.write(key);
      await sleep(200);
      assert.match(frame(), /running the query/);
      assert.doesNotMatch(frame(), /[1-9]\d* selected|name: tui-|this help/);
      app.stdin.write('\x1b');
      await until(() => frame().includes('cancelled running the query: nothing of it was kept'), 'the cancellation', 3000);
      assert.match(frame(), / 0 selected/, 'the keys typed during the work were dropped');
      app.stdin.write(':');
      app.stdin.write('select 41 + 1 AS answer\r');
      await until(() => frame().includes('answer'), 'a query after the cancelled one');
      assert.match(frame(), /42/);
    } finally {
      app.unmount();
    }
  });

  test('export: the format is picked, not typed; the folder is under --home; an export with no clip on disk is refused as the CLI does', async () => {
    const app = render(<App catalog={catalog} home={home} runner={new JobRunner(catalog.file)} />);
    const frame = () => app.lastFrame() ?? '';
    try {
      await until(() => frame().includes('versions / splits'), 'the first frame');
      app.stdin.write('a');
      app.stdin.write('n');
      await until(() => frame().includes('name: tui-'), 'the subset form');
      for (const key of ['\r', '\r', '1', '\r', '\r', '\r']) {
        app.stdin.write(key);
        await sleep(20);
      }
      await until(() => /plan (tui-\S+):/.test(frame()), 'the plan');
      const subset = /plan (tui-\S+):/.exec(frame())![1]!;
      app.stdin.write('e');
      await until(() => frame().includes('format: csv jsonl [mmaction]'), 'the format picker');
      assert.match(frame(), /←→ pick · enter next · esc cancel/);
      app.stdin.write('x');
      await sleep(30);
      assert.match(frame(), /format: csv jsonl \[mmaction\]/, 'typing does not change a picked field');
      app.stdin.write('\x1b[C');
      await until(() => frame().includes('[pytorchvideo]'), 'the next format');
      app.stdin.write('\x1b[D');
      app.stdin.write('\x1b[D');
      await until(() => frame().includes('[jsonl]'), 'two back');
      app.stdin.write('\r');
      await until(() => frame().includes(`folder (relative: under --home): ${join(home, 'exports', subset)}`), 'the folder under --home');
      app.stdin.write('\r');
      await until(() => frame().includes(`paths relative to (relative: under --home): ${join(home, 'videos')}`), 'the root of the paths, --home/videos unless typed');
      assert.match(frame(), /type · enter next · esc cancel/, 'a typed field offers no picking');
      app.stdin.write('\r');
      await until(() => frame().includes(`no clip of ${subset} is on disk yet: f fetches it, then e exports it`), 'the refusal of an empty export');
      assert.ok(!existsSync(join(home, 'exports', subset)), 'refused before anything is written');
    } finally {
      app.unmount();
    }
  });

  test('SQL: the views are shown while typing, Up/Down recall earlier queries (kept across sessions), n makes a subset of the clips a query returned', async () => {
    const open = () => render(<App catalog={catalog} home={home} runner={new JobRunner(catalog.file)} />);
    let app = open();
    let frame = () => app.lastFrame() ?? '';
    try {
      await until(() => frame().includes('versions / splits'), 'the first frame');
      app.stdin.write(':');
      await until(() => frame().includes('views (↑↓ recalls earlier queries)'), 'the schema pane');
      assert.match(frame(), /│clips +version, split, youtube_id, time_start/);
      assert.match(frame(), /│ava_kinetics +split, youtube_id/, 'short names whole, the long column cut');
      const query = "select version, split, clip_key from clips where version = 'k400' and split = 'val' order by clip_key limit 4";
      app.stdin.write(query);
      app.stdin.write('\r');
      await until(() => frame().includes('· rows 1-4 of 4'), 'the result, its count shown however long the query');
      app.stdin.write('n');
      await until(() => frame().includes('name: tui-sql'), 'the subset form for the query');
      for (const key of ['\r', '\r', '\r', '\r']) {
        app.stdin.write(key);
        await sleep(20);
      }
      await until(() => /plan tui-sql\S*: \d+ of 4 clips/.test(frame()), 'the subset of the query and its plan');
      const made = /plan (tui-sql\S*):/.exec(frame())![1]!;
      const members = catalog.sqlite.prepare('SELECT clip_key FROM subset_clips WHERE subset = ? ORDER BY clip_key').pluck().all(made) as string[];
      assert.deepEqual(members, catalog.sqlite.prepare(query).all().map((row) => (row as { clip_key: string }).clip_key), 'the clips the query returned');
      app.stdin.write('\x1b');
      await sleep(50);
      app.stdin.write(':');
      app.stdin.write('select 6 * 7 as answer\r');
      await until(() => frame().includes('answer'), 'a query without clips');
      app.stdin.write('n');
      await until(() => frame().includes('a subset needs version, split and clip_key from the query; it lacks version, split, clip_key'), 'the refusal');
    } finally {
      app.unmount();
    }
    app = open();
    frame = () => app.lastFrame() ?? '';
    try {
      await until(() => frame().includes('versions / splits'), 'the first frame again');
      app.stdin.write(':');
      await sleep(30);
      app.stdin.write('\x1b[A');
      await until(() => frame().includes(':select 6 * 7 as answer_'), 'the latest query, from the last session');
      app.stdin.write('\x1b[A');
      await until(() => frame().includes("and split = 'val' order by clip_key limit 4_"), 'the one before (its end, where the cursor is)');
      app.stdin.write('\x1b[B');
      app.stdin.write('\x1b[B');
      await until(() => /^:_$/m.test(frame()), 'past the latest, an empty prompt');
    } finally {
      app.unmount();
    }
  });

  test('the subsets screen: enter plans the one under the cursor; d asks, and only y drops it', async () => {
    for (const name of ['aa-one', 'aa-two']) {
      assert.equal((await runCli(['subset', 'create', name, '--version', 'k400', '--split', 'val', '--limit', '2', '--replace', '--db', catalog.file])).code, 0);
    }
    const app = render(<App catalog={catalog} home={home} runner={new JobRunner(catalog.file)} />);
    const frame = () => app.lastFrame() ?? '';
    try {
      await until(() => frame().includes('versions / splits'), 'the first frame');
      app.stdin.write('S');
      await until(() => frame().includes('subsets · rows'), 'the subsets screen');
      assert.match(frame(), /aa-one +2 +\S+ \S+ +k400 val · every class/);
      app.stdin.write('d');
      await until(() => frame().includes('drop subset aa-one (2 clips)? y drops it'), 'the question');
      app.stdin.write('n');
      await until(() => frame().includes('subset aa-one kept'), 'kept');
      app.stdin.write('d');
      await until(() => frame().includes('drop subset aa-one'), 'asked again');
      app.stdin.write('y');
      await until(() => frame().includes('dropped subset aa-one'), 'dropped');
      assert.equal(catalog.sqlite.prepare("SELECT count(*) FROM subsets WHERE name = 'aa-one'").pluck().get(), 0);
      assert.match(frame(), /aa-two/);
      app.stdin.write('\r');
      await until(() => frame().includes('plan aa-two: '), 'the plan of the subset under the cursor');
    } finally {
      app.unmount();
    }
  });

  test("enter shows a class's clips; o opens the one under the cursor, or gives its path with no desktop to open it on", async () => {
    const display = { DISPLAY: process.env.DISPLAY, WAYLAND_DISPLAY: process.env.WAYLAND_DISPLAY };
    delete process.env.DISPLAY;
    delete process.env.WAYLAND_DISPLAY;
    after(() => Object.assign(process.env, Object.fromEntries(Object.entries(display).filter(([, value]) => value !== undefined))));
    const app = render(<App catalog={catalog} home={home} runner={new JobRunner(catalog.file)} />);
    const frame = () => app.lastFrame() ?? '';
    try {
      await until(() => frame().includes('versions / splits'), 'the first frame');
      app.stdin.write('\r');
      await until(() => frame().includes('abseiling in k400 train · rows'), "the class's clips");
      assert.match(frame(), /version +split +clip_key +time_start +time_end +status +path/);
      app.stdin.write('o');
      await until(() => frame().includes('that clip is not on disk'), 'a clip not on disk');
      app.stdin.write('\x1b');
      await sleep(50);
      app.stdin.write(':');
      app.stdin.write("select 'k400' as version, 'val' as split, 'x' as clip_key, '/data/k400/val/x.mp4' as path\r");
      await until(() => frame().includes('· rows 1-1 of 1'), 'the query');
      app.stdin.write('o');
      await until(() => frame().includes('no desktop to open it on; the file: /data/k400/val/x.mp4'), 'the path given');
    } finally {
      app.unmount();
    }
  });

  test('the TUI and CLI writers take turns on one catalog; a turn that never comes is one line, and the TUI goes on', async () => {
    const file = join(home, 'catalog.db');
    // The TUI's worker thread waits this long for its turn to write (it reads the variable as it starts).
    const busyWait = process.env.KINETICS_BUSY_WAIT;
    process.env.KINETICS_BUSY_WAIT = '3';
    after(() => (busyWait === undefined ? delete process.env.KINETICS_BUSY_WAIT : (process.env.KINETICS_BUSY_WAIT = busyWait)));
    const app = render(<App catalog={catalog} home={home} runner={new JobRunner(catalog.file)} />);
    const frame = () => app.lastFrame() ?? '';
    const makeSubset = async () => {
      app.stdin.write('a');
      app.stdin.write('n');
      await until(() => frame().includes('name: tui-'), 'the subset form');
      for (const answer of ['\r', '\r', '2', '\r', '\r', '\r']) {
        app.stdin.write(answer);
        await sleep(20);
      }
    };
    try {
      await until(() => frame().includes('versions / splits'), 'the first frame');
      const [ingest, subset] = await Promise.all([
        spawnCli(['ingest', '--source', server.url, '--db', file]),
        spawnCli(['subset', 'create', 'from-cli', '--version', 'k600', '--limit', '7', '--db', file]),
      ]);
      assert.equal(ingest.code, 0, ingest.stderr);
      assert.equal(subset.code, 0, subset.stderr);

      const holder = await holdWriting(file, 1.5);
      await makeSubset();
      await until(() => /subset tui-\S+: \d+ clips/.test(frame()), 'the subset made once the CLI writer let go');
      await holder.exited;

      const stubborn = await holdWriting(file, 5);
      try {
        app.stdin.write('\x1b');
        await sleep(50);
        await makeSubset();
        await until(() => frame().includes('is busy: another process'), 'the busy message');
        assert.doesNotMatch(frame(), /SqliteError|database is locked/);
      } finally {
        stubborn.writer.kill();
      }
      app.stdin.write('?');
      await until(() => frame().includes('this help; esc closes'), 'the TUI answering keys after the busy catalog');
      assert.equal(catalog.sqlite.prepare("SELECT count(*) FROM subset_clips WHERE subset = 'from-cli'").pluck().get(), 7);
    } finally {
      app.unmount();
    }
  });
});

test('without a terminal, kinetics tui refuses with a clear message and exit code 2', async () => {
  const home = tempDir();
  const result = await runCli(['tui', '--home', home]);
  assert.equal(result.code, 2);
  assert.match(result.stderr, /^kinetics: tui needs an interactive terminal/);
});
