import { createHash } from 'node:crypto';
import { closeSync, fstatSync, openSync, readSync, statSync, writeSync } from 'node:fs';
import { extname } from 'node:path';
import { writeErrorAt } from '../errors.js';
import { Header } from 'tar';
import { shuffleRank } from '../catalog/clip-selection.js';

/** How many samples a tar holds: a count of clips, or bytes (a tar is closed before a sample would pass them). */
export type ShardSize = { clips: number } | { bytes: number };

export const DEFAULT_SHARD_SIZE: ShardSize = { bytes: 1024 ** 3 };

const UNITS: Record<string, number> = { '': 1, k: 1e3, m: 1e6, g: 1e9, t: 1e12, ki: 1024, mi: 1024 ** 2, gi: 1024 ** 3, ti: 1024 ** 4 };

/** `500` is 500 clips; `512MiB`, `2GB`, `100MB` are bytes. Undefined when the text is neither. */
export function parseShardSize(text: string): ShardSize | undefined {
  if (/^[1-9]\d*$/.test(text)) return { clips: Number(text) };
  const match = /^(\d+(?:\.\d+)?)\s*([kmgt]i?)?b$/i.exec(text);
  if (!match) return undefined;
  const bytes = Math.round(Number(match[1]) * UNITS[(match[2] ?? '').toLowerCase()]!);
  return bytes >= 1 ? { bytes } : undefined;
}

/**
 * A class-balanced order: each class's clips in the seed's shuffle order, spread evenly through the whole, so that
 * every stretch of samples (a shard, a buffer of a streaming loader) holds the classes in their overall shares (±1).
 * The i-th of a class's n clips takes a place drawn with the seed within [i/n, (i+1)/n): the classes interleave
 * in a different order in every stretch, never a fixed cycle a loader without a shuffle buffer would learn.
 */
/** Draws a clip's place within its stratum independently of its rank within the class. */
const JITTER = 0x5bd1e995;

export function balancedOrder<T extends { clipKey: string; label: string | null }>(items: T[], seed: number): T[] {
  const byClass = new Map<string, T[]>();
  for (const item of items) {
    const key = item.label ?? '';
    const members = byClass.get(key);
    if (members) members.push(item);
    else byClass.set(key, [item]);
  }
  const placed: { item: T; at: number; label: string }[] = [];
  for (const [label, members] of byClass) {
    const ranked = members.map((item) => ({ item, rank: shuffleRank(seed, item.clipKey) }));
    ranked.sort((a, b) => a.rank - b.rank || (a.item.clipKey < b.item.clipKey ? -1 : 1));
    ranked.forEach(({ item }, index) => placed.push({ item, at: (index + shuffleRank(seed ^ JITTER, item.clipKey) / 2 ** 32) / ranked.length, label }));
  }
  placed.sort((a, b) => a.at - b.at || (a.label < b.label ? -1 : a.label > b.label ? 1 : 0) || (a.item.clipKey < b.item.clipKey ? -1 : 1));
  return placed.map(({ item }) => item);
}

export interface Sample {
  clipKey: string;
  label: string | null;
  labelIdx: number;
  file: string;
  /** The sample's metadata, written as `<key>.json`. */
  json: object;
}

export interface WrittenShard {
  name: string;
  sha256: string;
  samples: number;
  bytes: number;
}

const BLOCK = 512;
const CHUNK = 1 << 20;
/** Fixed member times and owners: the same samples make the same bytes. */
const MEMBER = { mode: 0o644, uid: 0, gid: 0, uname: '', gname: '', mtime: new Date(0) };

/** One tar being written: headers from node-tar, file bytes streamed through one reused buffer, hashed as written. */
class TarWriter {
  private readonly fd: number;
  private readonly hash = createHash('sha256');
  bytes = 0;
  samples = 0;

  constructor(
    readonly name: string,
    private readonly path: string,
    private readonly chunk: Buffer,
  ) {
    this.fd = openSync(path, 'w');
  }

  private put(data: Buffer): void {
    try {
      writeSync(this.fd, data);
    } catch (error) {
      throw writeErrorAt(error, this.path);
    }
    this.hash.update(data);
    this.bytes += data.length;
  }

  private header(name: string, size: number): void {
    const header = new Header({ ...MEMBER, path: name, size, type: 'File' });
    header.encode();
    this.put(header.block!);
  }

  private pad(size: number): void {
    const rest = (BLOCK - (size % BLOCK)) % BLOCK;
    if (rest > 0) this.put(Buffer.alloc(rest));
  }

  addText(name: string, text: string): void {
    const data = Buffer.from(text);
    this.header(name, data.length);
    this.put(data);
    this.pad(data.length);
  }

  /** Copies a file in chunks: a clip is never held in memory whole. */
  addFile(name: string, path: string): void {
    const input = openSync(path, 'r');
    try {
      const size = fstatSync(input).size;
      this.header(name, size);
      let done = 0;
      while (done < size) {
        const read = readSync(input, this.chunk, 0, Math.min(CHUNK, size - done), done);
        if (read === 0) throw new Error(`${path} got shorter while it was being written to ${this.path}`);
        this.put(this.chunk.subarray(0, read));
        done += read;
      }
      this.pad(size);
    } finally {
      closeSync(input);
    }
  }

  /** Closes the file of a tar that will not be finished (the export removes it). */
  abandon(): void {
    closeSync(this.fd);
  }

  finish(): string {
    this.put(Buffer.alloc(2 * BLOCK));
    closeSync(this.fd);
    return this.hash.digest('hex');
  }
}

/** Bytes a sample adds to a tar: three headers, the file and the two small members, each padded to a block. */
function sampleBytes(fileBytes: number, texts: number[]): number {
  const padded = (size: number) => Math.ceil(size / BLOCK) * BLOCK;
  return 3 * BLOCK + padded(fileBytes) + texts.reduce((sum, size) => sum + padded(size), 0);
}

/**
 * Writes one split's samples as `<split>-000000.tar`, …, each to where `stage` says until the export puts it in
 * place: each sample `<key>.mp4` (or the file's own extension), `<key>.cls` (the label index, as text) and
 * `<key>.json`, members of a sample next to each other, as webdataset groups them by the name before the first dot.
 */
export function writeShards(stage: (name: string) => string, split: string, samples: Sample[], size: ShardSize, onSample?: () => void): WrittenShard[] {
  const written: WrittenShard[] = [];
  const chunk = Buffer.allocUnsafe(CHUNK);
  let tar: TarWriter | undefined;
  const close = () => {
    if (!tar) return;
    written.push({ name: tar.name, sha256: tar.finish(), samples: tar.samples, bytes: tar.bytes });
    tar = undefined;
  };
  try {
    for (const sample of samples) {
      const cls = String(sample.labelIdx);
      const json = JSON.stringify(sample.json);
      const adds = sampleBytes(statSync(sample.file).size, [Buffer.byteLength(cls), Buffer.byteLength(json)]);
      if (tar && ('clips' in size ? tar.samples >= size.clips : tar.bytes + adds + 2 * BLOCK > size.bytes)) close();
      if (!tar) {
        const name = `${split}-${String(written.length).padStart(6, '0')}.tar`;
        tar = new TarWriter(name, stage(name), chunk);
      }
      tar.addFile(`${sample.clipKey}${extname(sample.file) || '.mp4'}`, sample.file);
      tar.addText(`${sample.clipKey}.cls`, cls);
      tar.addText(`${sample.clipKey}.json`, json);
      tar.samples++;
      onSample?.();
    }
    close();
  } catch (error) {
    tar?.abandon();
    throw error;
  }
  return written;
}
