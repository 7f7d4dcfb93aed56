import { basename, dirname, sep } from 'node:path';
import type { Catalog } from '../catalog/catalog.js';
import { type ShardCandidate, type ShardId, archiveFilesUnder, recordShardArchives, shardsByName } from '../catalog/shards.js';

export type ArchiveMatch =
  | { kind: 'shard'; shard: ShardCandidate; partial: boolean }
  | { kind: 'ambiguous'; candidates: ShardCandidate[]; reason: string };

/** `part_0.tar.gz`, `abseiling.tar.gz`, `replacement_for_corrupted_k400.tgz`; a `.part` suffix marks a download cut off. */
const ARCHIVE_NAME = /^(.+\.(?:tar\.gz|tgz|tar))(\.part)?$/;

export function shardNameOf(fileName: string): { name: string; partialByName: boolean } | undefined {
  const match = ARCHIVE_NAME.exec(fileName);
  return match ? { name: match[1]!, partialByName: match[2] !== undefined } : undefined;
}

/** Folder names that say a version: `k400_targz`, `kinetics700_2020`, `400`, `k600`. */
const VERSION_FOLDERS: [string, RegExp][] = [
  ['k400', /(^|\D)400(\D|$)/],
  ['k600', /(^|\D)600(\D|$)/],
  ['k700-2020', /(^|\D)700(\D|$)/],
];
const SPLIT_FOLDERS: Record<string, string> = { train: 'train', val: 'val', validate: 'val', validation: 'val', test: 'test', holdout_test: 'holdout_test', replacement: 'replacement' };

/** The version and split the folders above an archive name, the nearest folder first. */
function folderHints(path: string): { version?: string; split?: string } {
  const hints: { version?: string; split?: string } = {};
  for (const folder of dirname(path).split(sep).reverse()) {
    const lower = folder.toLowerCase();
    hints.split ??= SPLIT_FOLDERS[lower];
    hints.version ??= VERSION_FOLDERS.find(([, pattern]) => pattern.test(lower))?.[0];
  }
  return hints;
}

/**
 * Which shard an archive on disk is, never by guessing: among the shards of its name (`part_0.tar.gz` is in every
 * K400 split), the folders above it decide (`k400_targz/val/`), then its size against the source's; what is still
 * undecided is ambiguous. An archive smaller than the source's size, or named `.part`, is partial; larger, it is
 * no copy of that shard.
 */
export function matchArchive(path: string, bytes: number, byName: Map<string, ShardCandidate[]>): ArchiveMatch | undefined {
  const named = shardNameOf(basename(path));
  const candidates = named && byName.get(named.name);
  if (!named || !candidates) return undefined;
  const hints = folderHints(path);
  const inFolder = candidates.filter((shard) => (hints.version === undefined || shard.version === hints.version) && (hints.split === undefined || shard.split === hints.split));
  if (inFolder.length === 0) return { kind: 'ambiguous', candidates, reason: 'its folders name another version or split than any shard of its name' };
  const fitting = inFolder.filter((shard) => shard.bytes === null || bytes <= shard.bytes);
  const sameSize = fitting.filter((shard) => shard.bytes === bytes);
  // Its size decides only among shards whose sizes are all known: one of unknown size could be the same.
  const decided = fitting.length === 1 ? fitting : sameSize.length === 1 && fitting.every((shard) => shard.bytes !== null) ? sameSize : [];
  if (decided.length === 0) {
    return { kind: 'ambiguous', candidates: inFolder, reason: fitting.length === 0 ? 'larger than the source says the shard is' : 'neither its folders nor its size tell which shard it is' };
  }
  const shard = decided[0]!;
  return { kind: 'shard', shard, partial: named.partialByName || (shard.bytes !== null && bytes < shard.bytes) };
}

export interface ArchiveFindings {
  /** Archives recorded on their shards, whole or partial. */
  recognised: number;
  partial: number;
  ambiguous: { path: string; reason: string; candidates: string[] }[];
}

/** After a scan: the shard archives among the files under `roots`, recorded on their shards. */
export function recogniseShardArchives(catalog: Catalog, roots: string[]): ArchiveFindings {
  const files = archiveFilesUnder(catalog, roots);
  const findings: ArchiveFindings = { recognised: 0, partial: 0, ambiguous: [] };
  if (files.length === 0) {
    recordShardArchives(catalog, roots, []);
    return findings;
  }
  const byName = shardsByName(catalog);
  const found: (ShardId & { path: string; bytes: number })[] = [];
  for (const file of files) {
    const match = matchArchive(file.path, file.bytes, byName);
    if (match?.kind === 'shard') {
      const { version, split, name } = match.shard;
      found.push({ version, split, name, path: file.path, bytes: file.bytes });
      findings.recognised++;
      if (match.partial) findings.partial++;
    } else if (match) {
      findings.ambiguous.push({ path: file.path, reason: match.reason, candidates: match.candidates.map((shard) => `${shard.version}/${shard.split}/${shard.name}`) });
    }
  }
  recordShardArchives(catalog, roots, found);
  return findings;
}
