import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { InputError } from '../../src/errors.js';
import { parseAnnotationsCsv } from '../../src/ingest/parsers/annotations-csv.js';
import { collect } from '../helpers/collect.js';
import { sampleBucket } from '../helpers/temp.js';

const realFile = (path: string) => readFileSync(join(sampleBucket, path));

describe('annotation CSVs', () => {
  test('K400: labels quoted iff they hold a space, is_cc kept, clip keys zero-padded', async () => {
    const text = 'label,youtube_id,time_start,time_end,split,is_cc\n"air drumming",--nQbRBEz2s,104,114,val,0\nabseiling,0wR5jVB-WPk,7,17,val,1\n';
    const { rows } = await collect(parseAnnotationsCsv, text);
    assert.deepEqual(rows[0], {
      split: 'val',
      youtubeId: '--nQbRBEz2s',
      timeStart: 104,
      timeEnd: 114,
      label: 'air drumming',
      isCc: 0,
      clipKey: '--nQbRBEz2s_000104_000114',
    });
    assert.equal(rows[1]!.clipKey, '0wR5jVB-WPk_000007_000017');
    assert.equal(rows[1]!.isCc, 1);
  });

  test('K700-2020 val: CRLF, bare labels with spaces and parentheses, `validate` normalised to val', async () => {
    const bytes = realFile('700_2020/annotations/val.csv');
    assert.ok(bytes.includes('\r\n'), 'the real file is CRLF');
    const { rows } = await collect(parseAnnotationsCsv, bytes);
    const dataLines = bytes.toString().split('\r\n').filter((line) => line !== '').length - 1;
    assert.equal(rows.length, dataLines);
    assert.ok(rows.every((row) => row.split === 'val' && row.isCc === null));
    assert.ok(rows.some((row) => row.label === 'hugging (not baby)'));
    assert.ok(rows.every((row) => !row.label!.endsWith('\r')));
  });

  test('K400 real rows: every row of the file, labels unquoted', async () => {
    const bytes = realFile('400/annotations/test.csv');
    const { rows } = await collect(parseAnnotationsCsv, bytes, 'test');
    assert.equal(rows.length, bytes.toString().trim().split('\n').length - 1);
    assert.ok(rows.some((row) => row.label === 'air drumming'));
    assert.ok(rows.every((row) => !row.label!.includes('"')));
  });

  test('test files without labels give NULL labels', async () => {
    const { rows } = await collect(parseAnnotationsCsv, 'youtube_id,time_start,time_end,split\r\n---v8pgm1eQ,0,10,test\r\n', 'test');
    assert.equal(rows[0]!.label, null);
    assert.equal(rows[0]!.clipKey, '---v8pgm1eQ_000000_000010');
  });

  test('a clip listed twice is kept once and counted', async () => {
    const { rows, result } = await collect(
      parseAnnotationsCsv,
      'youtube_id,time_start,time_end,split\nabcdefghijk,0,10,test\nabcdefghijk,0,10,test\nabcdefghijk,5,15,test\n',
      'test',
    );
    assert.equal(rows.length, 2);
    assert.deepEqual(result, { rows: 2, repeats: 1 });
  });

  const bad: [string, string, number, RegExp][] = [
    ['wrong column count', 'label,youtube_id,time_start,time_end,split\nabseiling,abcdefghijk,1,11,val\nabseiling,abcdefghijk,1,val\n', 3, /expected 5 columns/],
    ['non-numeric time', 'label,youtube_id,time_start,time_end,split\nabseiling,abcdefghijk,1,11,val\nabseiling,bbcdefghijk,x1,11,val\n', 3, /whole number for time_start/],
    ['empty youtube id', 'label,youtube_id,time_start,time_end,split\nabseiling,,1,11,val\n', 2, /youtube_id/],
    ['unknown header', 'label,video,time_start,time_end,split\n', 1, /unknown column "video"/],
    ['missing header column', 'label,youtube_id,time_start,split\n', 1, /missing time_end/],
    ['split of another file', 'label,youtube_id,time_start,time_end,split\nabseiling,abcdefghijk,1,11,train\n', 2, /expected split "val"/],
    ['a label that is a path', 'label,youtube_id,time_start,time_end,split\n../../etc,abcdefghijk,1,11,val\n', 2, /expected a class name/],
    ['end before start', 'label,youtube_id,time_start,time_end,split\nabseiling,abcdefghijk,11,1,val\n', 2, /time_end after time_start/],
    ['unterminated quote', 'label,youtube_id,time_start,time_end,split\n"abseiling,abcdefghijk,1,11,val\n', 2, /closing quote/],
    ['a youtube id of 10 characters', 'label,youtube_id,time_start,time_end,split\nabseiling,abcdefghij,1,11,val\n', 2, /youtube_id of 11 characters/],
    ['a youtube id of 12 characters', 'label,youtube_id,time_start,time_end,split\nabseiling,abcdefghijkl,1,11,val\n', 2, /youtube_id of 11 characters/],
    ['a class name of 201 characters', `label,youtube_id,time_start,time_end,split\n${'a'.repeat(201)},abcdefghijk,1,11,val\n`, 2, /at most 200 characters, found one of 201/],
    ['a class named ..', 'label,youtube_id,time_start,time_end,split\n..,abcdefghijk,1,11,val\n', 2, /expected a class name/],
  ];
  for (const [name, text, line, message] of bad) {
    test(`bad input: ${name} → file:line and what was expected`, async () => {
      await assert.rejects(collect(parseAnnotationsCsv, text), (error: unknown) => {
        assert.ok(error instanceof InputError, String(error));
        assert.equal(error.file, 'test.csv');
        assert.equal(error.line, line);
        assert.match(error.message, message);
        assert.match(error.message, new RegExp(`^test\\.csv:${line}: expected`));
        return true;
      });
    });
  }
});

test('a label with bytes that are not UTF-8 is refused, not turned into a new class', async () => {
  const { Readable } = await import('node:stream');
  const bytes = Buffer.concat([Buffer.from('label,youtube_id,time_start,time_end,split\nabseiling,abcdefghijk,1,11,val\ncaf'), Buffer.from([0xe9]), Buffer.from(',bbcdefghijk,1,11,val\n')]);
  await assert.rejects(parseAnnotationsCsv(Readable.from([bytes]), 'latin1.csv', 'val', () => {}), /^InputError: latin1\.csv:3: expected a class name in UTF-8, found bytes that are not UTF-8/);
});

test('CRLF and LF mixed in one file (edited on two systems) read as one file, quotes and all', async () => {
  const { rows } = await collect(
    parseAnnotationsCsv,
    'label,youtube_id,time_start,time_end,split,is_cc\r\n"air drumming",abcdefghijk,1,11,val,0\r\nabseiling,bbcdefghijk,1,11,val,1\n"air drumming",cbcdefghijk,2,12,val,0\n',
  );
  assert.deepEqual(rows.map((row) => [row.label, row.youtubeId, row.isCc]), [['air drumming', 'abcdefghijk', 0], ['abseiling', 'bbcdefghijk', 1], ['air drumming', 'cbcdefghijk', 0]]);
});

test('line numbers stay exact deep into a large streamed file (many chunks, blank lines, CRLF)', async () => {
  const rows = ['label,youtube_id,time_start,time_end,split'];
  for (let index = 0; index < 60_000; index++) {
    rows.push(index % 1000 === 0 ? '' : `abseiling,${String(index).padStart(11, 'a')},1,11,validate`);
  }
  rows[54_321] = 'abseiling,bad id here!,1,11,validate';
  const text = rows.join('\r\n') + '\r\n';
  const chunks = [];
  for (let offset = 0; offset < text.length; offset += 4096) chunks.push(Buffer.from(text.slice(offset, offset + 4096)));
  const { Readable } = await import('node:stream');
  await assert.rejects(
    parseAnnotationsCsv(Readable.from(chunks), 'big.csv', 'val', () => {}),
    /^InputError: big\.csv:54322: expected a youtube_id/,
  );
});

test('an unclosed quote deep in a CRLF file is reported on the line it opens, not where csv-parse gives up', async () => {
  const lines = ['label,youtube_id,time_start,time_end,split'];
  for (let row = 2; row <= 1000; row++) lines.push(`${row === 100 ? '"' : ''}abseiling,${String(row).padStart(11, 'a')},1,11,val`);
  for (const ending of ['\r\n', '\n']) {
    await assert.rejects(collect(parseAnnotationsCsv, `${lines.join(ending)}${ending}`), (error: unknown) => {
      assert.ok(error instanceof InputError);
      assert.equal(error.line, 100, `${JSON.stringify(ending)}: ${error.message}`);
      assert.match(error.message, /expected a closing quote/);
      return true;
    });
  }
});
