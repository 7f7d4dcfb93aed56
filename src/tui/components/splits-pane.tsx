import { Box, Text } from 'ink';
import type { SplitRow } from '../../catalog/browse.js';
import { joinIntoLines, nameAndNumber } from '../layout.js';

export function SplitsPane({ rows, cursor, focused, width }: { rows: SplitRow[]; cursor: number; focused: boolean; width: number }) {
  const countWidth = Math.max(0, ...rows.map((row) => String(row.clips).length));
  return (
    <Box flexDirection="column" width={width} borderStyle="single" borderColor={focused ? 'cyan' : 'gray'}>
      <Text bold>versions / splits</Text>
      {rows.map((row, index) => (
        <Text key={`${row.version}/${row.split}`} inverse={index === cursor} wrap="truncate">
          {nameAndNumber(`${row.version} ${row.split}`, String(row.clips).padStart(countWidth), width - 2)}
        </Text>
      ))}
      {rows[cursor] &&
        joinIntoLines([`ok ${rows[cursor].ok}`, `miss ${rows[cursor].missing}`, `dmg ${rows[cursor].damaged}`], width - 2).map((line) => (
          <Text key={line} color="gray" wrap="truncate">
            {line}
          </Text>
        ))}
    </Box>
  );
}
