import type { Catalog } from '../catalog/catalog.js';
import { type ShardEvent, type ShardResult, fetchShards } from './fetch-shards.js';
import type { SubsetClip } from '../catalog/subsets.js';
import { type PlannedShard, planSubset } from './plan.js';
import type { HomeLock } from './home-lock.js';
import { shardKeyOf } from './worker-share.js';
import { isRemote } from './shard-size.js';

export interface FetchSummary {
  subset: string;
  wanted: number;
  shards: ShardResult[];
  extracted: number;
  /** Clips some shard holds (or may hold) that are still not usable on disk. */
  stillMissing: number;
  /** The first of them, with their status: what to look at. */
  stillMissingClips: { version: string; split: string; clip_key: string; status: string }[];
  notInAnyShard: number;
  /** Clips every shard holding them sent damaged, empty or short: reported, not fetched again unless asked. */
  damagedAtSource: number;
  damagedAtSourceClips: { version: string; split: string; clip_key: string; status: string }[];
  transferredBytes: number;
  /** Every shard streamed was read in place from a folder source: nothing was downloaded. */
  readInPlace: boolean;
  seconds: number;
  exitCode: number;
}

/** Plans the subset, fetches the planned shards, and re-plans to tell what is still missing. */
export async function fetchSubset(
  catalog: Catalog,
  subset: string,
  options: {
    home: string;
    jobs: number;
    keepArchives: boolean;
    /** Ask the source again for shards it said it does not have. */
    retryAbsent?: boolean;
    /** Stream again the shards that sent wanted clips damaged. */
    retryDamaged?: boolean;
    /** Where whole archives are looked for (default `--home/archives`). */
    archives?: string;
    /** Read only archives on disk, never the source (`kinetics extract`). */
    offline?: boolean;
    /** Only these shards (by `shardKeyOf`): a worker's share; what is still missing is counted among their clips. */
    share?: { has: (key: string) => boolean };
    /** The home's lock this fetch takes, and the others it may not run beside (a worker has its own). */
    lock?: HomeLock;
    onProgress?: (event: ShardEvent) => void;
    /** The shards this fetch will read, once planned. */
    onPlan?: (shards: PlannedShard[]) => void;
    signal?: AbortSignal;
  },
): Promise<FetchSummary> {
  const started = performance.now();
  const plan = await planSubset(catalog, subset, options.home, {
    retryAbsent: options.retryAbsent,
    retryDamaged: options.retryDamaged,
    archives: options.archives,
    lookupSizes: !options.offline,
  });
  const inShare = (shard: PlannedShard) => options.share === undefined || options.share.has(shardKeyOf(shard));
  const mine = plan.shards.filter(inShare);
  options.onPlan?.(mine);
  const shards = await fetchShards(catalog, mine, {
    home: options.home,
    jobs: options.jobs,
    keepArchives: options.keepArchives,
    offline: options.offline,
    lock: options.lock,
    undiscovered: plan.undiscovered,
    onProgress: options.onProgress,
    signal: options.signal,
  });
  // Planned again for what the shards changed; when each was skipped (none planned, or every one known absent),
  // nothing did, and the plan stands (~4 s for 536k clips).
  const unchanged = shards.every((shard) => shard.state === 'skipped') && !options.retryAbsent && !options.retryDamaged;
  const after = unchanged ? plan : await planSubset(catalog, subset, options.home, { lookupSizes: false, archives: options.archives });
  const identity = (clip: SubsetClip) => `${clip.version}\0${clip.split}\0${clip.clip_key}`;
  const noShard = new Set(after.notInAnyShard.map(identity));
  // A damaged K400 clip may be planned twice: in its own shard and in the replacement archive. A worker answers for
  // the clips of its own shards only: those still sought among the discovery shards of all workers are the merge's.
  const sought = new Map(
    [...after.shards.filter(inShare).flatMap((shard) => shard.clips), ...(options.share ? [] : after.undiscovered)].map((clip) => [identity(clip), clip]),
  );
  const stillMissing = options.share ? sought.size : after.wanted - after.notInAnyShard.length - after.damagedAtSource.length;
  const firstOf = (clips: SubsetClip[]) => clips.slice(0, 20).map(({ version, split, clip_key, status }) => ({ version, split, clip_key, status }));
  return {
    subset,
    wanted: plan.wanted,
    shards,
    extracted: shards.reduce((sum, shard) => sum + shard.extracted, 0),
    stillMissing,
    stillMissingClips: firstOf([...sought.values()].filter((clip) => !noShard.has(identity(clip)))),
    notInAnyShard: after.notInAnyShard.length,
    damagedAtSource: after.damagedAtSource.length,
    damagedAtSourceClips: firstOf(after.damagedAtSource),
    transferredBytes: shards.reduce((sum, shard) => sum + shard.transferred, 0),
    readInPlace: mine.length > 0 && !mine.some((shard) => isRemote(shard.url)),
    seconds: (performance.now() - started) / 1000,
    exitCode: stillMissing === 0 ? 0 : 1,
  };
}
