import { Box, Text } from 'ink';
import { fit, tableLine, visibleColumns } from '../layout.js';
import { windowStart } from '../state.js';

export interface TableView {
  title: string;
  columns: string[];
  rows: unknown[][];
  scroll: number;
  /** The query a SQL result came from: `n` makes a subset of its clips when it returns version, split, clip_key. */
  sql?: string;
  /** The first column shown (←/→ move it), when not all fit. */
  first?: number;
  /** Columns left out first on a narrow terminal. */
  optional?: string[];
}

/** The title cut so that the row count after it always shows. */
function titleLine(title: string, rows: string, width: number): string {
  const room = width - rows.length - 3;
  return `${title.length <= room ? title : fit(title, Math.max(1, room))} · ${rows}`;
}

/** A scrollable result table: SQL results, plans, lists to pick from. */
export function TablePane({ view, height, width, cursor }: { view: TableView; height: number; width: number; cursor?: number }) {
  const visible = Math.max(1, height - 4);
  // With a cursor (a list to pick from), the window follows it; else it starts at the scroll position.
  const start = cursor === undefined ? view.scroll : windowStart(cursor, visible, view.rows.length);
  const shown = view.rows.slice(start, start + visible);
  const { indices, widths } = visibleColumns(view.columns, shown, width - 2, view.first, view.optional);
  const pick = (cells: unknown[]) => indices.map((index) => cells[index]);
  const hidden = view.columns.length - indices.length;
  const place = `rows ${view.rows.length === 0 ? 0 : start + 1}-${start + shown.length} of ${view.rows.length}${hidden > 0 ? ` · +${hidden} cols ←→` : ''}`;
  return (
    <Box flexDirection="column" width={width} height={height} borderStyle="single" borderColor="cyan">
      <Text bold wrap="truncate">
        {titleLine(view.title, place, width - 2)}
      </Text>
      <Text color="gray" wrap="truncate">
        {tableLine(pick(view.columns), widths)}
      </Text>
      {shown.map((row, index) => (
        <Text key={start + index} inverse={start + index === cursor} wrap="truncate">
          {tableLine(pick(row), widths)}
        </Text>
      ))}
    </Box>
  );
}
