import type { Database } from 'better-sqlite3';
import { USABLE_STATUSES } from '../subset/definition.js';

/** The numbers the TUI shows, read with plain synchronous statements on the catalog's handle. */

export interface SplitRow {
  version: string;
  split: string;
  clips: number;
  ok: number;
  missing: number;
  damaged: number;
}

export interface ClassStats {
  label: string;
  annotated: number;
  onDisk: number;
  damaged: number;
}

export interface ClassDetails {
  clips: { youtube_id: string; time_start: number; time_end: number; status: string; path: string | null }[];
  countix: number;
  avaKeyframes: number;
  counterparts: { version: string; idx: number }[];
}

const usable = `(${USABLE_STATUSES.map((status) => `'${status}'`).join(', ')})`;
const broken = "('damaged', 'empty', 'short')";

export function splitRows(db: Database): SplitRow[] {
  return db
    .prepare(
      `SELECT version, split, count(*) AS clips,
              count(*) FILTER (WHERE status IN ${usable}) AS ok,
              count(*) FILTER (WHERE status = 'missing') AS missing,
              count(*) FILTER (WHERE status IN ${broken}) AS damaged
       FROM clips GROUP BY version, split
       ORDER BY version, CASE split WHEN 'train' THEN 0 WHEN 'val' THEN 1 WHEN 'test' THEN 2 ELSE 3 END`,
    )
    .all() as SplitRow[];
}

export function classStats(db: Database, version: string, split: string): ClassStats[] {
  return db
    .prepare(
      `SELECT coalesce(label, '(unlabeled)') AS label, count(*) AS annotated,
              count(*) FILTER (WHERE status IN ${usable}) AS onDisk,
              count(*) FILTER (WHERE status IN ${broken}) AS damaged
       FROM clips WHERE version = ? AND split = ? GROUP BY label`,
    )
    .all(version, split) as ClassStats[];
}

export function classDetails(db: Database, version: string, split: string, label: string, limit: number): ClassDetails {
  const labelled = label !== '(unlabeled)';
  const clips = db
    .prepare(
      `SELECT youtube_id, time_start, time_end, status, path FROM clips
       WHERE version = ? AND split = ? AND ${labelled ? 'label = ?' : 'label IS NULL'}
       ORDER BY CASE WHEN status IN ${usable} THEN 1 ELSE 0 END, clip_key LIMIT ?`,
    )
    .all(...(labelled ? [version, split, label, limit] : [version, split, limit])) as ClassDetails['clips'];
  const countix = labelled ? (db.prepare('SELECT count(*) FROM countix WHERE label = ?').pluck().get(label) as number) : 0;
  const avaKeyframes = labelled
    ? (db
        .prepare(
          `SELECT count(*) FROM ava_kinetics WHERE youtube_id IN
             (SELECT youtube_id FROM clips WHERE version = ? AND split = ? AND label = ?)`,
        )
        .pluck()
        .get(version, split, label) as number)
    : 0;
  const counterparts = labelled
    ? (db.prepare('SELECT version, idx FROM classes WHERE label = ? AND version <> ? ORDER BY version').all(label, version) as ClassDetails['counterparts'])
    : [];
  return { clips, countix, avaKeyframes, counterparts };
}
