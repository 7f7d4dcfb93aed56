import type { Database } from 'better-sqlite3';
import { UsageError } from '../errors.js';
import { SPLITS, normaliseSplit, parseVersion } from '../sources/bucket-layout.js';

export interface VersionSplit {
  version: string;
  split: string;
}

/** `k700-2020:train,k400:train` → [{version, split}, ...]. */
export function parseVersionSplits(text: string): VersionSplit[] {
  return text.split(',').map((item) => {
    const [versionText, splitText] = item.split(':');
    const version = versionText === undefined ? undefined : parseVersion(versionText);
    const split = splitText === undefined ? undefined : normaliseSplit(splitText);
    if (!version || !split) throw new UsageError(`expected VERSION:SPLIT like k700-2020:train (splits: ${SPLITS.join(', ')}), found "${item}"`);
    return { version, split };
  });
}

export interface OverlapClip {
  clip_key: string;
  label: string | null;
  other_version: string;
  other_split: string;
  other_clip_key: string;
  other_label: string | null;
  identical: number;
}

/**
 * Clips of `evaluation` that also stand in any of `training`: the same YouTube video with an overlapping window,
 * not only identical windows (a shifted window still shows the same frames).
 */
export function findOverlap(db: Database, training: VersionSplit[], evaluation: VersionSplit): OverlapClip[] {
  return db
    .prepare(
      `SELECT a.clip_key, a.label, b.version AS other_version, b.split AS other_split, b.clip_key AS other_clip_key,
              b.label AS other_label, a.clip_key = b.clip_key AS identical
       FROM clips a
       JOIN clips b ON b.youtube_id = a.youtube_id AND b.time_start < a.time_end AND a.time_start < b.time_end
       WHERE a.version = @version AND a.split = @split
         AND EXISTS (SELECT 1 FROM json_each(@training) t
                     WHERE json_extract(t.value, '$.version') = b.version AND json_extract(t.value, '$.split') = b.split)
       ORDER BY a.label, a.clip_key, b.version, b.split, b.clip_key`,
    )
    .all({ version: evaluation.version, split: evaluation.split, training: JSON.stringify(training) }) as OverlapClip[];
}

export interface OverlapReport {
  total: number;
  identical: number;
  by_class: { label: string | null; clips: number; identical: number }[];
  clips: OverlapClip[];
}

/** Counts each evaluation clip once, however many training clips it meets. */
export function overlapReport(clips: OverlapClip[]): OverlapReport {
  const byClip = new Map<string, { label: string | null; identical: boolean }>();
  for (const clip of clips) {
    const seen = byClip.get(clip.clip_key);
    byClip.set(clip.clip_key, { label: clip.label, identical: (seen?.identical ?? false) || clip.identical === 1 });
  }
  const byClass = new Map<string | null, { label: string | null; clips: number; identical: number }>();
  for (const { label, identical } of byClip.values()) {
    const entry = byClass.get(label) ?? { label, clips: 0, identical: 0 };
    entry.clips++;
    if (identical) entry.identical++;
    byClass.set(label, entry);
  }
  return {
    total: byClip.size,
    identical: [...byClip.values()].filter((clip) => clip.identical).length,
    by_class: [...byClass.values()].sort((a, b) => b.clips - a.clips || String(a.label).localeCompare(String(b.label))),
    clips,
  };
}
