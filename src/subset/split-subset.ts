import { shuffleRank } from '../catalog/clip-selection.js';
import type { SubsetClip } from '../catalog/subsets.js';
import { UsageError } from '../errors.js';

export interface Part {
  name: string;
  share: number;
}

/** `train=0.8,val=0.2` → parts; the shares must be positive and add up to 1. */
export function parseParts(text: string): Part[] {
  const parts = text.split(',').map((entry) => {
    const match = /^([\w.-]+)=(\d*\.?\d+)$/.exec(entry.trim());
    if (!match) throw new UsageError(`--into takes NAME=SHARE pairs, as train=0.8,val=0.2; not "${entry}"`);
    return { name: match[1]!, share: Number(match[2]) };
  });
  if (new Set(parts.map((part) => part.name)).size !== parts.length) throw new UsageError(`--into names each part once: "${text}"`);
  const total = parts.reduce((sum, part) => sum + part.share, 0);
  if (parts.some((part) => part.share <= 0) || Math.abs(total - 1) > 1e-6) throw new UsageError(`--into shares are positive and add up to 1, not ${Number(total.toFixed(6))}: "${text}"`);
  return parts;
}

/** K folds of equal share, fold1 … foldK. */
export function foldParts(folds: number): Part[] {
  return Array.from({ length: folds }, (_, index) => ({ name: `fold${index + 1}`, share: 1 / folds }));
}

/** Whole counts for the shares of n that add up to n: floors, then the largest remainders (ties: the earlier part). */
function counts(n: number, parts: Part[]): number[] {
  const exact = parts.map((part) => part.share * n);
  const whole = exact.map(Math.floor);
  const order = exact.map((value, index) => ({ index, rest: value - whole[index]! })).sort((a, b) => b.rest - a.rest || a.index - b.index);
  for (let left = n - whole.reduce((sum, value) => sum + value, 0), at = 0; left > 0; left--, at++) whole[order[at]!.index]!++;
  return whole;
}

/**
 * Deals a subset's clips into parts. Each group — a version's split, or with `stratify` each class of it — is put in
 * the seed's shuffle order and cut by the shares, so every part holds each group in its share (to one clip).
 */
export function splitClips(clips: SubsetClip[], parts: Part[], seed: number, stratify: boolean): Map<string, SubsetClip[]> {
  const groups = new Map<string, SubsetClip[]>();
  for (const clip of clips) {
    const key = `${clip.version}\0${clip.split}${stratify ? `\0${clip.label ?? ''}` : ''}`;
    const members = groups.get(key);
    if (members) members.push(clip);
    else groups.set(key, [clip]);
  }
  const dealt = new Map<string, SubsetClip[]>(parts.map((part) => [part.name, []]));
  for (const members of groups.values()) {
    const ranked = members.map((clip) => ({ clip, rank: shuffleRank(seed, clip.clip_key) })).sort((a, b) => a.rank - b.rank || (a.clip.clip_key < b.clip.clip_key ? -1 : 1));
    let at = 0;
    counts(ranked.length, parts).forEach((count, index) => {
      dealt.get(parts[index]!.name)!.push(...ranked.slice(at, at + count).map(({ clip }) => clip));
      at += count;
    });
  }
  return dealt;
}
