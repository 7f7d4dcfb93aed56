import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { InputError } from '../../src/errors.js';
import { parseLsRListing } from '../../src/ingest/parsers/ls-r-listing.js';
import { collect } from '../helpers/collect.js';
import { sampleBucket } from '../helpers/temp.js';

test('the real K600 val listing: root folders skipped, clips labelled by their block', async () => {
  const text = readFileSync(join(sampleBucket, '600/annotations/val.txt'), 'utf8');
  const { rows } = await collect(parseLsRListing, text);
  const fileLines = text.split('\n').filter((line) => line.endsWith('.mp4')).length;
  assert.equal(rows.length, fileLines);
  assert.equal(rows[0]!.label, 'tying knot (not on a tie)');
  assert.equal(rows[0]!.clipKey, 'OALI_5D8pV0_000174_000184');
  assert.equal(rows[0]!.youtubeId, 'OALI_5D8pV0');
  assert.equal(rows[0]!.timeStart, 174);
  assert.ok(rows.some((row) => row.label === 'swinging baseball bat'));
});

test('stray whitespace-only lines and CRLF anywhere are ignored', async () => {
  const text = 'train:\r\nabseiling\r\n   \r\nzumba\r\n\r\ntrain/abseiling:\r\n \t\r\n-abcdefghij_000001_000011.mp4\r\n\r\n\r\ntrain/zumba:\r\nabc_defghij_000100_000110.mp4\r\n';
  const { rows } = await collect(parseLsRListing, text, 'train');
  assert.deepEqual(
    rows.map((row) => [row.label, row.clipKey]),
    [
      ['abseiling', '-abcdefghij_000001_000011'],
      ['zumba', 'abc_defghij_000100_000110'],
    ],
  );
});

test('a line that is neither a clip file nor a block header is an error with its line', async () => {
  const text = 'val:\nabseiling\n\nval/abseiling:\nabcdefghijk_000001_000011.mp4\nnot-a-clip.txt\n';
  await assert.rejects(collect(parseLsRListing, text), (error: unknown) => {
    assert.ok(error instanceof InputError);
    assert.equal(error.line, 6);
    assert.match(error.message, /expected a clip file name/);
    return true;
  });
});

test('a listing of another split is refused on its first line', async () => {
  await assert.rejects(collect(parseLsRListing, 'train:\nabseiling\n', 'val'), /test\.csv:1: expected the listing of the val folder/);
});

test('a clip name whose window ends before it starts, or a class folder that is no class name, is refused with its line', async () => {
  await assert.rejects(
    collect(parseLsRListing, 'val:\nabseiling\n\nval/abseiling:\nabcdefghijk_000001_000011.mp4\nbbcdefghijk_000020_000010.mp4\n', 'val'),
    /test\.csv:6: expected time_end after time_start in "bbcdefghijk_000020_000010\.mp4", found 20\.\.10/,
  );
  await assert.rejects(collect(parseLsRListing, `val:\nx\n\nval/${'x'.repeat(201)}:\nabcdefghijk_000001_000011.mp4\n`, 'val'), /test\.csv:4: expected a class name of at most 200 characters/);
  await assert.rejects(collect(parseLsRListing, 'val:\nx\n\nval/..:\nabcdefghijk_000001_000011.mp4\n', 'val'), /test\.csv:4: expected a class name/);
});
