import { copyFileSync, existsSync, lstatSync, mkdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { basename, dirname } from 'node:path';
import type { Catalog } from '../catalog/catalog.js';
import { type FileRecord, FileWriter, SHORT_AT_SOURCE, finishedRecordingFiles, recordedRank, scanRootId } from '../catalog/disk-files.js';
import { ABSENT, recordShardMembers, recordShardSize, setShardState, undecodableMembers } from '../catalog/shards.js';
import { copyRank, serveRank, verifiedAgain } from '../scan/file-record.js';
import { REPLACEMENT_SPLIT } from '../sources/bucket-layout.js';
import { MemberExtractor, SET_ASIDE, UnreadableArchiveError } from './extract-members.js';
import { type HomeLock, lockHome } from './home-lock.js';
import type { SubsetClip } from '../catalog/subsets.js';
import { type PlannedShard, archivePath, mayHold } from './plan.js';
import { AbsentFromSourceError, downloadResumable } from './resumable-download.js';
import { readChunks } from './read-chunks.js';
import { eachLimited } from '../util/each-limited.js';
import { isRemote } from './shard-size.js';
import { clipDestination, videosRoot } from './video-layout.js';
import { USABLE_STATUSES } from '../subset/definition.js';

const USABLE = new Set<string>(USABLE_STATUSES);
/** The statuses `scan --decode` decodes (and fetch may know undecodable without decoding). */
const DECODABLE = new Set<string>(['ok', 'short', 'unchecked']);
const UNDECODABLE_AT_SOURCE = 'undecodable at the source: the same bytes as a copy scan --decode found undecodable';

/** A written file read as `scan --verify` reads it. */
function verifiedRecord(path: string, rootId: number): FileRecord {
  return verifiedAgain(path, { rootId, scannedAt: new Date().toISOString() });
}

/**
 * The copy a member replaced goes once the member verifies usable or at least as good; when the old copy was the
 * better (short, against a member the source holds damaged), it is put back. The old copy ranks as its structure
 * says, or worse when the catalog knows worse of those bytes (undecodable, corrupted). The record to write: the
 * member's, or none when the old copy is back as the catalog recorded it.
 */
function settleSetAside(catalog: Catalog, path: string, member: FileRecord): FileRecord | undefined {
  const aside = path + SET_ASIDE;
  if (!existsSync(aside)) return member;
  const old = statSync(aside);
  const recorded = recordedRank(catalog, path, old.size, Math.trunc(old.mtimeMs));
  if (USABLE.has(member.status) || member.serveRank <= Math.max(copyRank(aside, basename(path)), recorded ?? 0)) {
    rmSync(aside);
    return member;
  }
  renameSync(aside, path);
  return recorded === undefined ? verifiedRecord(path, member.rootId) : undefined;
}

export interface FetchOptions {
  home: string;
  jobs: number;
  keepArchives: boolean;
  /** Only shards whose archive is on disk are read; the others are skipped (`kinetics extract`). */
  offline?: boolean;
  /** The home's lock this fetch takes (default `fetch.lock`; each worker of a split fetch has its own). */
  lock?: HomeLock;
  /** Which of the discovery shards' members to keep: the wanted clips not located yet, by version/split. */
  undiscovered: SubsetClip[];
  onProgress?: (event: ShardEvent) => void;
  /** Cancels: no new shard starts, downloads in flight stop (their part files stay, for a later resume). */
  signal?: AbortSignal;
}

export type ShardEvent =
  | { kind: 'started'; shard: PlannedShard }
  | { kind: 'bytes'; shard: PlannedShard; bytes: number }
  | { kind: 'skipped'; shard: PlannedShard; reason: string }
  | { kind: 'notice'; shard: PlannedShard; message: string }
  | { kind: 'finished'; shard: PlannedShard; result: ShardResult };

export interface ShardResult {
  name: string;
  version: string;
  split: string;
  /** cancelled: stopped by the caller (esc in the TUI); its part file stays, and a later fetch resumes it. */
  state: 'extracted' | 'failed' | 'absent' | 'skipped' | 'cancelled';
  members: number;
  extracted: number;
  transferred: number;
  refused: { member: string; reason: string }[];
  error?: string;
}

/**
 * Streams each shard once — from an archive on disk, a directory bucket, or over HTTP with resume — through the member
 * extractor, writing only the wanted clips, recording every member seen, and recording each written file as `scan
 * --verify` would. Discovery shards are skipped once every clip they were meant to find has been found.
 */
export async function fetchShards(catalog: Catalog, shards: PlannedShard[], options: FetchOptions): Promise<ShardResult[]> {
  const release = options.lock?.heldByCaller ? () => {} : lockHome(options.home, options.lock?.name, options.lock?.conflictsWith);
  try {
    return await streamShards(catalog, shards, options);
  } finally {
    release();
  }
}

async function streamShards(catalog: Catalog, shards: PlannedShard[], options: FetchOptions): Promise<ShardResult[]> {
  const root = videosRoot(options.home);
  mkdirSync(root, { recursive: true });
  const rootId = scanRootId(catalog, root);
  const writer = new FileWriter(catalog);
  // By version and clip key: a member of any shard of the version (the replacement archive's too) finds the clip,
  // in whichever splits it is wanted.
  const unfoundKey = (version: string, clipKey: string) => `${version}\0${clipKey}`;
  const stillUnfound = new Map<string, SubsetClip[]>();
  for (const clip of options.undiscovered) {
    const key = unfoundKey(clip.version, clip.clip_key);
    stillUnfound.set(key, [...(stillUnfound.get(key) ?? []), clip]);
  }
  const results: ShardResult[] = [];

  const skip = (shard: PlannedShard, reason: string) => {
    options.onProgress?.({ kind: 'skipped', shard, reason });
    results.push({ name: shard.name, version: shard.version, split: shard.split, state: 'skipped', members: 0, extracted: 0, transferred: 0, refused: [] });
  };

  await eachLimited(shards, options.jobs, async (shard) => {
    if (options.signal?.aborted) return;
    if (options.offline && shard.archive === null) return skip(shard, 'no whole archive of it on disk yet');
    if (shard.absentFromSource) return skip(shard, 'not in the source, as it said before; --retry-absent asks it again');
    const wanted = new Map(shard.clips.map((clip) => [clip.clip_key, clip]));
    if (shard.discovery) {
      for (const clip of [...stillUnfound.values()].flat()) if (mayHold(shard, clip)) wanted.set(clip.clip_key, clip);
      if (shard.clips.length === 0 && wanted.size === 0) return skip(shard, 'every clip it might hold was found elsewhere');
    }
    options.onProgress?.({ kind: 'started', shard });
    const result = await transferShard(
      shard,
      wanted,
      options,
      (state, error) => setShardState(catalog, shard, state, error),
      (bytes, etag) => recordShardSize(catalog, shard, bytes, etag),
    );
    // Members written before a failure are on disk: they are recorded too, so status tells the truth.
    const damaged = new Map<string, string>();
    const sha256 = new Map<string, string>();
    const undecodable = undecodableMembers(catalog, shard);
    const records: FileRecord[] = [];
    for (const [path, written] of result.written) {
      const member = { ...verifiedRecord(path, rootId), sha256: written.sha256 };
      if (member.status === 'short') member.detail = `${member.detail}; ${SHORT_AT_SOURCE}`;
      // Bytes `scan --decode` found undecodable before are so again: said without decoding them (decoded stays NULL).
      if (DECODABLE.has(member.status) && undecodable.get(written.clipKey) === written.sha256) {
        Object.assign(member, { status: 'undecodable', detail: UNDECODABLE_AT_SOURCE, serveRank: serveRank('undecodable', member.isReplacement) });
      }
      if (!USABLE.has(member.status) && member.clipKey !== null) damaged.set(member.clipKey, member.status);
      // A member the shard holds twice: its size is that of the last copy, its sum that of the copy kept.
      if (result.memberBytes.get(written.clipKey) === member.bytes) sha256.set(written.clipKey, written.sha256);
      const record = settleSetAside(catalog, path, member);
      if (record) records.push(record);
    }
    // The files and the shard extracted with its members are one commit: killed between the two, a shard stayed
    // `downloaded` with its members unknown, and a rerun that found its clips on disk never learned them. Added in
    // it too: a writer commits what it has gathered for a second (reading a large shard's members can take longer).
    writer.readyToWrite();
    catalog.sqlite.transaction(() => {
      for (const record of records) writer.add(record);
      writer.flush();
      if (result.state === 'extracted') recordShardMembers(catalog, [{ ...shard, members: result.memberBytes, damaged, sha256 }], { extracted: true });
    }).immediate();
    if (result.state === 'extracted') for (const clipKey of result.memberBytes.keys()) stillUnfound.delete(unfoundKey(shard.version, clipKey));
    const summary: ShardResult = {
      name: shard.name,
      version: shard.version,
      split: shard.split,
      state: result.state,
      members: result.memberBytes.size,
      extracted: result.written.size,
      transferred: result.transferred,
      refused: result.refused,
      error: result.error,
    };
    results.push(summary);
    options.onProgress?.({ kind: 'finished', shard, result: summary });
  });
  finishedRecordingFiles(catalog, writer.written);
  return results;
}

interface TransferResult {
  /** absent: the source has no such file (HTTP 403/404/410, or none in a folder bucket); recorded, not asked again. */
  state: 'extracted' | 'failed' | 'absent' | 'cancelled';
  memberBytes: Map<string, number>;
  /** Each file written, with its clip and the sha256 of the member it holds. */
  written: Map<string, { clipKey: string; sha256: string }>;
  transferred: number;
  refused: { member: string; reason: string }[];
  error?: string;
}

async function transferShard(
  shard: PlannedShard,
  wanted: Map<string, SubsetClip>,
  options: FetchOptions,
  setState: (state: string, error: string | null) => void,
  recordSize: (bytes: number, etag: string | null) => void,
): Promise<TransferResult> {
  const result: TransferResult = { state: 'failed', memberBytes: new Map(), written: new Map(), transferred: 0, refused: [] };
  const root = videosRoot(options.home);
  const newExtractor = () => {
    result.memberBytes.clear();
    result.written = new Map();
    result.refused = [];
    // Named by its file when it is read from disk: the one to look at, or to delete, when it does not read.
    return new MemberExtractor(shard.archive, {
      destinationOf: (clipKey, fileName) => {
        const clip = wanted.get(clipKey);
        return clip ? clipDestination(root, clip, fileName, shard.split === REPLACEMENT_SPLIT) : undefined;
      },
      onMember: (clipKey, bytes) => result.memberBytes.set(clipKey, bytes),
      onExtracted: (clipKey, path, sha256) => result.written.set(path, { clipKey, sha256 }),
      onRefused: (member, reason) => result.refused.push({ member, reason }),
      rankCopy: copyRank,
    });
  };
  let extractor = newExtractor();
  const archive = archivePath(options.home, shard);
  const part = `${archive}.part`;
  const readFile = async (path: string) => {
    await readChunks(path, async (chunk) => {
      await extractor.write(chunk);
      options.onProgress?.({ kind: 'bytes', shard, bytes: chunk.length });
    });
  };
  const download = async () => {
    setState('downloading', null);
    mkdirSync(dirname(archive), { recursive: true });
    // A part that is not a plain file (a link could point anywhere) is never written through: it goes.
    if (lstatSync(part, { throwIfNoEntry: false })?.isFile() === false) rmSync(part, { recursive: true, force: true });
    // An archive scan found cut off gives its bytes once, as a part file of our own: the user's copy is never written.
    if (shard.partialArchive !== null && (statSync(part, { throwIfNoEntry: false })?.size ?? 0) < (statSync(shard.partialArchive, { throwIfNoEntry: false })?.size ?? 0)) {
      copyFileSync(shard.partialArchive, part);
    }
    const replaying = existsSync(part) && statSync(part).size > 0;
    const downloadOnce = () =>
      downloadResumable({
        url: shard.url,
        partFile: part,
        etag: shard.etag,
        sink: (chunk) => extractor.write(chunk),
        onRestart: async () => {
          extractor = newExtractor();
        },
        onBytes: (bytes) => options.onProgress?.({ kind: 'bytes', shard, bytes }),
        signal: options.signal,
      });
    // Bytes that do not parse (an error page, junk) would be replayed by every later fetch: they go, whichever
    // attempt brought them. Those of an earlier run are downloaded again, once; the server's own are reported.
    const discardingUnreadable = async () => {
      try {
        return await downloadOnce();
      } catch (error) {
        if (error instanceof UnreadableArchiveError) rmSync(part, { force: true });
        throw error;
      }
    };
    let downloaded;
    try {
      downloaded = await discardingUnreadable();
    } catch (error) {
      if (!(error instanceof UnreadableArchiveError) || !replaying) throw error;
      options.onProgress?.({ kind: 'notice', shard, message: `its part file from an earlier fetch did not parse (${error.message}); downloading it again` });
      extractor = newExtractor();
      downloaded = await discardingUnreadable();
    }
    result.transferred = downloaded.transferred;
    // The length was checked against the response itself; a shard that changed upstream updates the cache.
    if (downloaded.bytes !== shard.bytes || downloaded.etag !== shard.etag) recordSize(downloaded.bytes, downloaded.etag);
    setState('downloaded', null);
    if (options.keepArchives) renameSync(part, archive);
    else rmSync(part, { force: true });
  };
  try {
    if (shard.archive !== null) {
      try {
        await readFile(shard.archive);
        await extractor.finish();
      } catch (error) {
        // An archive on disk that does not read is left as it is (it is not ours): fetch downloads the shard instead.
        if (!(error instanceof UnreadableArchiveError) || options.offline || !isRemote(shard.url)) throw error;
        options.onProgress?.({ kind: 'notice', shard, message: `${error.message}; it is left as it is, and the shard is downloaded instead` });
        await extractor.abandon();
        extractor = newExtractor();
        await download();
        await extractor.finish();
      }
    } else {
      if (isRemote(shard.url)) await download();
      else await readFile(shard.url);
      await extractor.finish();
    }
    result.state = 'extracted';
  } catch (error) {
    // What was written whole before the failure is kept and recorded; the member cut off goes.
    await extractor.abandon();
    if (options.signal?.aborted) {
      // Cancelled is not failed: the shard stays where it got to (`downloading`, its part file kept) for a resume.
      result.state = 'cancelled';
      return result;
    }
    result.error = (error as Error).message;
    const absent = shard.archive === null && (error instanceof AbsentFromSourceError || (error as NodeJS.ErrnoException).code === 'ENOENT');
    if (absent) result.state = 'absent';
    setState(absent ? ABSENT : 'failed', result.error);
    if (existsSync(part) && statSync(part).size === 0) rmSync(part);
  }
  return result;
}
