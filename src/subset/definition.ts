import type { Split, VersionId } from '../sources/bucket-layout.js';

/** How a subset was made; stored with it so it can be shown and re-evaluated. */
export interface SubsetDefinition {
  versions: VersionId[];
  splits: Split[];
  classes: string[];
  match: string | null;
  perClass: number | null;
  limit: number | null;
  seed: number;
  onlyMissing: boolean;
  onlyOnDisk: boolean;
  sql: string | null;
  /** Only clips a scan or fetch once recorded a file for (repair: the others were never on disk). */
  onceOnDisk?: boolean;
  /** A part of another subset, made by `subset split`: the subset, this part, all parts, and how they were dealt. */
  partOf?: { subset: string; part: string; parts: Record<string, number>; seed: number; stratify: boolean };
}

/** A clip is on disk in usable form with one of these statuses; the others need fetching. */
export const USABLE_STATUSES = ['ok', 'unchecked', 'unverified'] as const;
