import { createReadStream, createWriteStream, mkdirSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { once } from 'node:events';
import { Readable } from 'node:stream';
import type { Output } from '../util/output.js';
import type { Catalog } from '../catalog/catalog.js';
import { InputError, KineticsError } from '../errors.js';
import { mapHeader, parseWholeNumber, readCsvRecords } from '../ingest/parsers/csv-records.js';
import { parseClipFileName } from '../util/clip-key.js';
import { knownAsGiven, recordShardMembers, shardExists, shardMemberRows } from '../catalog/shards.js';

const COLUMNS = ['version', 'split', 'shard', 'clip_key', 'bytes', 'sha256'] as const;
/** An index exported before sums were kept has no sha256 column. */
const REQUIRED = COLUMNS.filter((column) => column !== 'sha256');
const SHA256 = /^[0-9a-f]{64}$/;

/**
 * Writes every learned shard member as TSV (`version split shard clip_key bytes sha256`, with a header; sha256 empty
 * where no fetch hashed the member) to `file`, or with `-` to `stdout`: another lab's `scan --checksum` then tells
 * a silently corrupted copy from a good one.
 */
export async function exportShardIndex(catalog: Catalog, file: string, only: { version: string | null; split: string | null }, stdout: Output): Promise<number> {
  const out = file === '-' ? undefined : (mkdirSync(dirname(file), { recursive: true }), createWriteStream(file));
  const write = async (text: string) => {
    if (!out) stdout.write(text);
    else if (!out.write(text)) await once(out, 'drain');
  };
  await write(`${COLUMNS.join('\t')}\n`);
  let rows = 0;
  let batch = '';
  for (const row of shardMemberRows(catalog, only)) {
    batch += `${row.map((value) => value ?? '').join('\t')}\n`;
    rows++;
    if (batch.length >= 1 << 16) {
      await write(batch);
      batch = '';
    }
  }
  await write(batch);
  if (out) {
    out.end();
    await once(out, 'finish');
  }
  return rows;
}

/**
 * Reads an index another catalog exported: every shard named must exist here; each shard's members replace what
 * was known of it, all shards in one transaction, so a bad line changes nothing.
 */
export async function importShardIndex(catalog: Catalog, file: string, readStdin: () => string): Promise<{ shards: number; members: number; unchanged: number }> {
  if (file !== '-' && statSync(file).isDirectory()) throw new KineticsError(`${file}: is a folder; expected a TSV file that \`shards export-index\` wrote`, 66);
  const isKnown = shardExists(catalog);
  const shards = new Map<string, { version: string; split: string; name: string; members: Map<string, number>; sha256: Map<string, string> }>();
  let columns: Map<(typeof COLUMNS)[number], number> | undefined;
  await readCsvRecords(
    file === '-' ? Readable.from([readStdin()]) : createReadStream(file),
    file === '-' ? 'stdin' : file,
    (fields, line) => {
      if (!columns) {
        columns = mapHeader(fields, COLUMNS, REQUIRED, file, COLUMNS.join('\t'));
        return;
      }
      const [version, split, name, clipKey, bytes, sha256] = COLUMNS.map((column) => (columns!.has(column) ? fields[columns!.get(column)!]! : ''));
      if (!isKnown({ version: version!, split: split!, name: name! })) throw new InputError(file, line, `expected a shard this catalog knows, found ${version}/${split}/${name}`);
      if (!parseClipFileName(`${clipKey}.mp4`)) throw new InputError(file, line, `expected a clip key, found "${clipKey}"`);
      if (sha256 && !SHA256.test(sha256)) throw new InputError(file, line, `expected a sha256 (64 lower-case hex digits) or nothing, found "${sha256}"`);
      const key = `${version}\0${split}\0${name}`;
      let shard = shards.get(key);
      if (!shard) shards.set(key, (shard = { version: version!, split: split!, name: name!, members: new Map(), sha256: new Map() }));
      shard.members.set(clipKey!, parseWholeNumber(bytes!, file, line, 'bytes'));
      if (sha256) shard.sha256.set(clipKey!, sha256);
    },
    { delimiter: '\t' },
  );
  const unchanged = [...shards.values()].filter(knownAsGiven(catalog)).length;
  recordShardMembers(catalog, shards.values());
  return { shards: shards.size, members: [...shards.values()].reduce((sum, shard) => sum + shard.members.size, 0), unchanged };
}
