import assert from 'node:assert/strict';
import { createReadStream, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { InputError } from '../../src/errors.js';
import { parseAvaActionList } from '../../src/ingest/parsers/ava-action-list.js';
import { parseAvaKineticsCsv } from '../../src/ingest/parsers/ava-kinetics-csv.js';
import { parseCountixCsv } from '../../src/ingest/parsers/countix-csv.js';
import { readTarMembers } from '../../src/ingest/parsers/tar-members.js';
import { collect } from '../helpers/collect.js';
import { rawTar } from '../helpers/raw-tar.js';
import { makeTarball } from '../helpers/tarball.js';
import { sampleBucket, tempDir } from '../helpers/temp.js';

describe('AVA-Kinetics rows', () => {
  test('header-less 7-column rows and 2-column empty keyframes', async () => {
    const { rows } = await collect(
      parseAvaKineticsCsv,
      '00_77WAvZ_o,17.000000,0.308489,0.465223,0.530244,0.991838,12\n00g-inkLork,5.016949\n',
    );
    assert.deepEqual(rows[0], {
      split: 'val',
      youtubeId: '00_77WAvZ_o',
      timestamp: 17,
      box: [0.308489, 0.465223, 0.530244, 0.991838],
      actionId: 12,
    });
    assert.deepEqual(rows[1], { split: 'val', youtubeId: '00g-inkLork', timestamp: 5.016949, box: null, actionId: null });
  });

  test('a row of another width, or a non-numeric box, is an error with its line', async () => {
    await assert.rejects(collect(parseAvaKineticsCsv, 'aaaaaaaaaaa,1.0\naaaaaaaaaaa,1.0,0.1,0.2\n'), /test\.csv:2: expected youtube_id,timestamp.*found 4 columns/);
    await assert.rejects(collect(parseAvaKineticsCsv, 'aaaaaaaaaaa,1.0,0.1,zero,0.3,0.4,5\n'), /test\.csv:1: expected a number for box column 2/);
  });
});

describe('Countix rows', () => {
  test('train/val carry a class; the real test file has no class column and gets NULL labels', async () => {
    const { rows: val } = await collect(parseCountixCsv, 'video_id,class,kinetics_start,kinetics_end,repetition_start,repetition_end,count\nADtYZmfgeSM,battle rope training,102,112,102.000000,105.770437,10\n');
    assert.deepEqual(val[0], {
      split: 'val',
      youtubeId: 'ADtYZmfgeSM',
      label: 'battle rope training',
      kineticsStart: 102,
      kineticsEnd: 112,
      repetitionStart: 102,
      repetitionEnd: 105.770437,
      count: 10,
    });
    const { rows: testRows } = await collect(parseCountixCsv, 'video_id,kinetics_start,kinetics_end,repetition_start,repetition_end,count\n0CnQ-_e5Sl8,17,27,18.500000,20.233333,4\n', 'test');
    assert.equal(testRows[0]!.label, null);
    assert.equal(testRows[0]!.repetitionEnd, 20.233333);
  });

  test('an unknown column is refused', async () => {
    await assert.rejects(collect(parseCountixCsv, 'video_id,label,kinetics_start\n'), /test\.csv:1: expected a header of video_id.*unknown column "label"/);
  });
});

test('AVA action list pbtxt: names, ids and types', () => {
  const actions = parseAvaActionList(
    'label {\n  name: "bend/bow (at the waist)"\n  label_id: 1\n  label_type: PERSON_MOVEMENT\n}\nlabel {\n  name: "carry/hold (an object)"\n  label_id: 17\n  label_type: OBJECT_MANIPULATION\n}\n',
    'list.pbtxt',
  );
  assert.deepEqual(actions, [
    { actionId: 1, name: 'bend/bow (at the waist)', labelType: 'PERSON_MOVEMENT' },
    { actionId: 17, name: 'carry/hold (an object)', labelType: 'OBJECT_MANIPULATION' },
  ]);
  assert.throws(() => parseAvaActionList('label {\n  name: "x"\n}\n', 'list.pbtxt'), InputError);
});

describe('tar members by basename', () => {
  test('members are found in any folder; AppleDouble junk and unwanted members are skipped', async () => {
    const file = await makeTarball({
      'deep/nested/countix_val.csv': 'a',
      'deep/nested/._countix_val.csv': 'junk',
      'other.txt': 'b',
    });
    const seen: Record<string, string> = {};
    const read = await readTarMembers(createReadStream(file), file, (basename) =>
      basename.endsWith('.csv')
        ? async (member, path) => {
            let text = '';
            for await (const chunk of member) text += chunk;
            seen[path] = text;
          }
        : undefined,
    );
    assert.deepEqual(read, ['deep/nested/countix_val.csv']);
    assert.deepEqual(seen, { 'deep/nested/countix_val.csv': 'a' });
  });

  test('a plain tar under a .tar.gz name still reads', async () => {
    const file = await makeTarball({ 'countix_test.csv': 'hello' }, { gzip: false });
    const read = await readTarMembers(createReadStream(file), file, () => async (member) => void member.resume());
    assert.deepEqual(read, ['countix_test.csv']);
  });

  test('a member reader error surfaces, the archive is abandoned', async () => {
    const file = await makeTarball({ 'a.csv': 'x'.repeat(100_000), 'b.csv': 'y' });
    await assert.rejects(
      readTarMembers(createReadStream(file), file, () => async () => {
        throw new InputError('a.csv', 3, 'expected something');
      }),
      /a\.csv:3: expected something/,
    );
  });

  test('a member of interest found twice, or a member named with .. or an absolute path, refuses the archive by name', async () => {
    const read = (archive: Buffer) => {
      const file = join(tempDir(), 'countix.tar.gz');
      writeFileSync(file, archive);
      return readTarMembers(createReadStream(file), 'countix.tar.gz', (basename) => (basename.endsWith('.csv') ? async (member) => void member.resume() : undefined));
    };
    await assert.rejects(
      read(rawTar([{ path: 'countix/countix_val.csv', content: Buffer.from('a') }, { path: 'copy/countix_val.csv', content: Buffer.from('b') }])),
      /^InputError: countix\.tar\.gz: expected each member once, found "countix_val\.csv" twice \("countix\/countix_val\.csv" and "copy\/countix_val\.csv"\)$/,
    );
    await assert.rejects(
      read(rawTar([{ path: 'countix_val.csv', content: Buffer.from('a') }, { path: 'countix_val.csv', content: Buffer.from('b') }])),
      /found "countix_val\.csv" twice/,
    );
    await assert.rejects(read(rawTar([{ path: '../countix_test.csv', content: Buffer.from('a') }])), /expected member paths inside the archive, found the member "\.\.\/countix_test\.csv"/);
  });

  test('bytes that are not an archive are an input error', async () => {
    await assert.rejects(readTarMembers(createReadStream(join(sampleBucket, '400/readme.md')), 'readme.tgz', () => undefined), InputError);
  });

  test('the sample Countix tarball holds all three splits', async () => {
    const file = join(sampleBucket, '700_2020/annotations/countix.tar.gz');
    const read = await readTarMembers(createReadStream(file), file, (basename) => (basename.startsWith('countix_') ? async (member) => void member.resume() : undefined));
    assert.deepEqual(read.sort(), ['countix/countix_test.csv', 'countix/countix_train.csv', 'countix/countix_val.csv']);
  });
});
