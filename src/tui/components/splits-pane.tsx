import { Box, Text } from 'ink';
import type { SplitRow } from '../../catalog/browse.js';

export function SplitsPane({ rows, cursor, focused, width }: { rows: SplitRow[]; cursor: number; focused: boolean; width: number }) {
  return (
    <Box flexDirection="column" width={width} borderStyle="single" borderColor={focused ? 'cyan' : 'gray'}>
      <Text bold>versions / splits</Text>
      {rows.map((row, index) => (
        <Text key={`${row.version}/${row.split}`} inverse={index === cursor} wrap="truncate">
          {`${row.version} ${row.split}`.padEnd(width - 9)}
          {String(row.clips).padStart(5)}
        </Text>
      ))}
      {rows[cursor] && (
        <Text color="gray" wrap="truncate">
          ok {rows[cursor].ok} · miss {rows[cursor].missing} · dmg {rows[cursor].damaged}
        </Text>
      )}
    </Box>
  );
}
