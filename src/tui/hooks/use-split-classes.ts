import { useRef } from 'react';
import { type ClassStats, type SplitRow, classStats } from '../../catalog/browse.js';
import type { Catalog } from '../../catalog/catalog.js';

/**
 * The class list of a split, read when the cursor comes to it and kept while it stays (and until the splits are
 * read again). A function rather than a value of the render: keys that arrive in one read (tmux, a paste) are
 * handled before the next render, and each must see the list of the split the keys before it moved to.
 */
export function useSplitClasses(catalog: Catalog, splits: SplitRow[]): (row: SplitRow | undefined) => ClassStats[] {
  const last = useRef<{ splits: SplitRow[]; row: SplitRow; list: ClassStats[] } | null>(null);
  return (row) => {
    if (!row) return [];
    const kept = last.current;
    if (kept && kept.splits === splits && kept.row === row) return kept.list;
    const list = classStats(catalog, row.version, row.split);
    last.current = { splits, row, list };
    return list;
  };
}
