import { Box, Text } from 'ink';
import { columnWidths, tableLine } from '../layout.js';

export interface TableView {
  title: string;
  columns: string[];
  rows: unknown[][];
  scroll: number;
}

/** A scrollable result table: SQL results and plans. */
export function TablePane({ view, height, width }: { view: TableView; height: number; width: number }) {
  const visible = Math.max(1, height - 4);
  const shown = view.rows.slice(view.scroll, view.scroll + visible);
  const widths = columnWidths(view.columns, shown, width - 2);
  return (
    <Box flexDirection="column" width={width} height={height} borderStyle="single" borderColor="cyan">
      <Text bold wrap="truncate">
        {view.title} · rows {view.rows.length === 0 ? 0 : view.scroll + 1}-{view.scroll + shown.length} of {view.rows.length}
      </Text>
      <Text color="gray" wrap="truncate">
        {tableLine(view.columns, widths)}
      </Text>
      {shown.map((row, index) => (
        <Text key={view.scroll + index} wrap="truncate">
          {tableLine(row, widths)}
        </Text>
      ))}
    </Box>
  );
}
