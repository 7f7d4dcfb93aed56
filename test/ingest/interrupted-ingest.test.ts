import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import BetterSqlite3 from 'better-sqlite3';
import { newCatalogFile, queryAll } from '../helpers/catalog.js';
import { cliEntry, runCli, tsxLoader } from '../helpers/run-cli.js';
import { copyOfSampleBucket } from '../helpers/temp.js';

function sourcePaths(file: string): string[] {
  try {
    const db = new BetterSqlite3(file, { readonly: true, fileMustExist: true });
    try {
      return db.prepare("SELECT path FROM source_files WHERE sha256 <> ''").pluck().all() as string[];
    } finally {
      db.close();
    }
  } catch {
    return [];
  }
}

test('kill -9 in the middle of a big file: nothing of it is visible, and the next run resumes without redoing finished files', async () => {
  const bucket = copyOfSampleBucket();
  const rows = ['label,youtube_id,time_start,time_end,split'];
  for (let index = 0; index < 600_000; index++) rows.push(`abseiling,${index.toString(36).padStart(11, '-')},0,10,train`);
  writeFileSync(join(bucket, '700_2020/annotations/train.csv'), rows.join('\r\n') + '\r\n');
  const file = newCatalogFile();

  const child = spawn(process.execPath, ['--import', tsxLoader, cliEntry, 'ingest', '--source', bucket, '--db', file], { stdio: 'ignore' });
  const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)));
  const deadline = Date.now() + 60_000;
  while (!sourcePaths(file).includes('600/readme.md')) {
    assert.ok(Date.now() < deadline, 'ingest reached K700-2020');
    await sleep(20);
  }
  await sleep(150);
  child.kill('SIGKILL');
  assert.equal(await exited, 'SIGKILL');

  // 600/readme.md is the file just before the big one: committed, while the big one and all after it are not,
  // so the kill landed while the big file was being read.
  const finished = sourcePaths(file);
  assert.ok(finished.includes('600/readme.md'));
  for (const later of ['700_2020/annotations/train.csv', '700_2020/annotations/val.csv', '700_2020/annotations/countix.tar.gz']) {
    assert.ok(!finished.includes(later), later);
  }
  const [partial] = await queryAll<{ n: number }>(file, "SELECT count(*) n FROM clips WHERE version = 'k700-2020' AND split = 'train'");
  assert.equal(partial!.n, 0, 'no partial file is visible');

  const resumed = await runCli(['ingest', '--source', bucket, '--db', file, '--json']);
  assert.equal(resumed.code, 0, resumed.stderr);
  const summary = JSON.parse(resumed.stdout) as { files: { path: string; status: string }[] };
  for (const outcome of summary.files) {
    assert.equal(outcome.status, finished.includes(outcome.path) ? 'unchanged' : 'loaded', outcome.path);
  }
  const [complete] = await queryAll<{ n: number }>(file, "SELECT count(*) n FROM clips WHERE version = 'k700-2020' AND split = 'train'");
  assert.equal(complete!.n, 600_000);
  const indexes = await queryAll<{ name: string }>(file, "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'clip_annotations'");
  assert.deepEqual(indexes.map((index) => index.name).sort(), ['clip_annotations_by_key', 'clip_annotations_by_split_label', 'clip_annotations_by_status', 'clip_annotations_by_youtube_id']);
  const [deferred] = await queryAll<{ n: number }>(file, 'SELECT count(*) n FROM deferred_indexes');
  assert.equal(deferred!.n, 0);
});
