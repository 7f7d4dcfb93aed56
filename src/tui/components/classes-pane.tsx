import { Box, Text } from 'ink';
import type { ClassStats } from '../../catalog/browse.js';
import { type SortOrder, windowStart } from '../state.js';

function coverageBar(row: ClassStats, width: number): string {
  const filled = Math.round((row.onDisk / Math.max(1, row.annotated)) * width);
  return '█'.repeat(filled) + '·'.repeat(width - filled);
}

interface Props {
  rows: ClassStats[];
  total: number;
  cursor: number;
  selected: ReadonlySet<string>;
  focused: boolean;
  height: number;
  width: number;
  filter: string;
  filtering: boolean;
  sort: SortOrder;
}

/** Only the rows that fit are drawn, so 700 classes scroll as fast as 20. */
export function ClassesPane({ rows, total, cursor, selected, focused, height, width, filter, filtering, sort }: Props) {
  const visible = Math.max(1, height - 4);
  const start = windowStart(cursor, visible, rows.length);
  const labelWidth = Math.max(8, width - 21);
  return (
    <Box flexDirection="column" width={width} height={height} borderStyle="single" borderColor={focused ? 'cyan' : 'gray'}>
      <Text bold wrap="truncate">
        classes {rows.length}/{total} · sort {sort} · {selected.size} selected
      </Text>
      <Text color={filtering ? 'yellow' : 'gray'} wrap="truncate">
        /{filter}
        {filtering ? '_' : ''}
      </Text>
      {rows.slice(start, start + visible).map((row, offset) => {
        const index = start + offset;
        return (
          <Text key={row.label} inverse={index === cursor && focused} wrap="truncate">
            {selected.has(row.label) ? '●' : ' '}{row.label.slice(0, labelWidth).padEnd(labelWidth)}{String(row.onDisk).padStart(5)}/
            {String(row.annotated).padEnd(5)}
            {row.damaged > 0 ? <Text color="red">!</Text> : ' '}
            {coverageBar(row, 6)}
          </Text>
        );
      })}
    </Box>
  );
}
