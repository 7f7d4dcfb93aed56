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
}

/** A clip is on disk in usable form with one of these statuses; the others need fetching. */
export const USABLE_STATUSES = ['ok', 'unchecked', 'unverified'] as const;
