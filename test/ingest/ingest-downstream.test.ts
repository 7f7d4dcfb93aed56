import assert from 'node:assert/strict';
import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { ingestInto, newCatalogFile, queryAll } from '../helpers/catalog.js';
import { makeTarball } from '../helpers/tarball.js';
import { copyOfSampleBucket } from '../helpers/temp.js';

const actionList = (ids: number[]) =>
  ids.map((id) => `label {\n  name: "action ${id}"\n  label_id: ${id}\n  label_type: PERSON_MOVEMENT\n}\n`).join('');

test("the AVA tarball's action lists become ava_actions; AVA's own movie files are passed over", async () => {
  const bucket = copyOfSampleBucket();
  const tarball = await makeTarball({
    'ava_kinetics_v1_0/kinetics_train_v1.0.csv': 'aaaaaaaaaaa,1.0,0.1,0.2,0.3,0.4,3\naaaaaaaaaaa,2.0\n',
    'ava_kinetics_v1_0/kinetics_test_v1.0.csv': 'bbbbbbbbbbb,4.0\n',
    'ava_kinetics_v1_0/ava_train_v2.2.csv': '-5KQ66BBWC4,0902,0.077,0.151,0.283,0.811,80,1\n',
    'ava_kinetics_v1_0/ava_action_list_v2.2.pbtxt': actionList([1, 2, 3]),
    'ava_kinetics_v1_0/ava_action_list_v2.2_for_activitynet.pbtxt': actionList([1, 3]),
  });
  copyFileSync(tarball, join(bucket, '700_2020/annotations/ava_kinetics_v1_0.tar.gz'));
  const file = newCatalogFile();
  const summary = await ingestInto(file, bucket);
  assert.equal(summary.exitCode, 0);
  assert.deepEqual(await queryAll(file, 'SELECT action_id, name, in_activitynet FROM ava_actions ORDER BY action_id'), [
    { action_id: 1, name: 'action 1', in_activitynet: 1 },
    { action_id: 2, name: 'action 2', in_activitynet: 0 },
    { action_id: 3, name: 'action 3', in_activitynet: 1 },
  ]);
  assert.deepEqual(await queryAll(file, 'SELECT split, count(*) n, count(action_id) actions FROM ava_kinetics GROUP BY split ORDER BY split'), [
    { split: 'test', n: 1, actions: 0 },
    { split: 'train', n: 2, actions: 1 },
  ]);
});

test('a downstream tarball without its expected members fails that file and keeps its previous rows', async () => {
  const bucket = copyOfSampleBucket();
  const file = newCatalogFile();
  await ingestInto(file, bucket);
  const before = await queryAll(file, 'SELECT * FROM countix ORDER BY split, youtube_id, repetition_start');
  copyFileSync(await makeTarball({ 'countix/README': 'nothing here' }), join(bucket, '700_2020/annotations/countix.tar.gz'));
  const summary = await ingestInto(file, bucket);
  const outcome = summary.files.find((candidate) => candidate.path === '700_2020/annotations/countix.tar.gz')!;
  assert.equal(outcome.status, 'failed');
  assert.match(outcome.error!, /countix\.tar\.gz: expected members countix_\{train,val,test\}\.csv/);
  assert.equal(summary.exitCode, 65);
  assert.deepEqual(await queryAll(file, 'SELECT * FROM countix ORDER BY split, youtube_id, repetition_start'), before);
});
