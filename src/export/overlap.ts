import type { OverlapClip, VersionSplit } from '../catalog/clips.js';
import { UsageError } from '../errors.js';
import { SPLITS, VERSIONS, normaliseSplit, parseVersion, unknownName } from '../sources/bucket-layout.js';

/** `k700-2020:train,k400:train` → [{version, split}, ...]. */
export function parseVersionSplits(text: string): VersionSplit[] {
  return text.split(',').map((item) => {
    const [versionText, splitText] = item.split(':');
    const version = versionText === undefined ? undefined : parseVersion(versionText);
    const split = splitText === undefined ? undefined : normaliseSplit(splitText);
    if (versionText === undefined || splitText === undefined) throw new UsageError(`expected VERSION:SPLIT like k700-2020:train, found "${item}"`);
    if (!version) throw new UsageError(`${unknownName('version', versionText, VERSIONS)} (in "${item}")`);
    if (!split) throw new UsageError(`${unknownName('split', splitText, SPLITS)} (in "${item}")`);
    return { version, split };
  });
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
