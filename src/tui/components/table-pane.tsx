import { Box, Text } from 'ink';

export interface TableView {
  title: string;
  columns: string[];
  rows: unknown[][];
  scroll: number;
}

const cell = (value: unknown) => (value === null || value === undefined ? '' : String(value));

/** A scrollable result table: SQL results and plans. */
export function TablePane({ view, height, width }: { view: TableView; height: number; width: number }) {
  const visible = Math.max(1, height - 4);
  const shown = view.rows.slice(view.scroll, view.scroll + visible);
  const widths = view.columns.map((column, index) => Math.min(40, Math.max(column.length, ...shown.map((row) => cell(row[index]).length))));
  const line = (cells: string[]) => cells.map((text, index) => text.slice(0, widths[index]).padEnd(widths[index]!)).join('  ');
  return (
    <Box flexDirection="column" width={width} height={height} borderStyle="single" borderColor="cyan">
      <Text bold wrap="truncate">
        {view.title} · rows {view.rows.length === 0 ? 0 : view.scroll + 1}-{view.scroll + shown.length} of {view.rows.length}
      </Text>
      <Text color="gray" wrap="truncate">
        {line(view.columns)}
      </Text>
      {shown.map((row, index) => (
        <Text key={view.scroll + index} wrap="truncate">
          {line(row.map(cell))}
        </Text>
      ))}
    </Box>
  );
}
