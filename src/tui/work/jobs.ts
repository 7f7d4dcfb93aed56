import type { Catalog } from '../../catalog/catalog.js';
import { runReadOnlyQuery } from '../../catalog/read-only-query.js';
import { createSubset, hasClipOnDisk } from '../../catalog/subsets.js';
import { type ExportOptions, type ExportSummary, exportSubset } from '../../export/export-subset.js';
import { type Plan, planSubset } from '../../fetch/plan.js';
import { shardSizeInWords } from '../../fetch/plan-words.js';
import type { SubsetDefinition } from '../../subset/definition.js';
import { formatBytes, formatCount, plural } from '../../util/words.js';
import type { TableView } from '../components/table-pane.js';

/** Work the TUI hands to its job process, so that the screen keeps drawing and `esc` can stop it. */
export type Job =
  | { kind: 'subset'; name: string; definition: SubsetDefinition }
  | { kind: 'plan'; subset: string; home: string }
  | { kind: 'export'; options: Omit<ExportOptions, 'onProgress'> }
  | { kind: 'query'; sql: string };

export type JobResult =
  | { kind: 'subset'; name: string; clips: number }
  | { kind: 'table'; view: TableView }
  | { kind: 'export'; out: string; summary: ExportSummary };

/** A SQL result shows at most this many rows: the screen shows a page of them, and a copy crosses processes. */
export const QUERY_ROWS_SHOWN = 10_000;

export function planView(plan: Plan, name: string): TableView {
  // A plan of one version and split says so once, in its title, and leaves the room to the shards' names.
  const places = [...new Set(plan.shards.map((shard) => `${shard.version} ${shard.split}`))];
  const one = places.length === 1;
  return {
    title:
      `plan ${name}: ${formatCount(plan.wanted)} of ${plural(plan.clips, 'clip')} to fetch, ${formatBytes(plan.bytesToDownload)}${one ? ` from ${places[0]}` : ''}` +
      `${plan.shardsAbsentFromSource > 0 ? `; ${plural(plan.shardsAbsentFromSource, 'shard')} not in the source` : ''}`,
    columns: [...(one ? [] : ['version', 'split']), 'shard', 'label', 'bytes', 'clips', 'members'],
    rows: plan.shards.map((shard) => [
      ...(one ? [] : [shard.version, shard.split]),
      shard.name,
      shard.label,
      shardSizeInWords(shard),
      shard.clips.length,
      shard.archive ? 'on disk' : shard.discovery ? 'discover' : shard.membersKnown ? 'known' : 'by class',
    ]),
    scroll: 0,
    optional: ['members', 'label'],
  };
}

/** Runs one job on the catalog; `progress` hears how far an export's files are laid out. */
export async function runJob(catalog: Catalog, job: Job, progress: (done: number, total: number) => void): Promise<JobResult> {
  switch (job.kind) {
    case 'subset':
      // Replacing is asked on the screen before the job starts.
      return { kind: 'subset', name: job.name, clips: createSubset(catalog, job.name, job.definition, true) };
    case 'plan':
      return { kind: 'table', view: planView(await planSubset(catalog, job.subset, job.home), job.subset) };
    case 'export': {
      // Said before the subset is read: the TUI has no --include-missing.
      if (!job.options.includeMissing && !hasClipOnDisk(catalog, job.options.subset)) throw new Error(`no clip of ${job.options.subset} is on disk yet: f fetches it, then e exports it`);
      const summary = exportSubset(catalog, { ...job.options, onProgress: progress });
      return { kind: 'export', out: job.options.out, summary };
    }
    case 'query': {
      const result = runReadOnlyQuery(catalog, job.sql);
      const rows: unknown[][] = [];
      for (const row of result.rows) if (rows.push(row) >= QUERY_ROWS_SHOWN) break;
      return { kind: 'table', view: { title: job.sql, columns: result.columns, rows, scroll: 0, sql: job.sql } };
    }
  }
}
