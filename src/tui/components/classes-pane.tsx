import { Box, Text } from 'ink';
import type { ClassStats } from '../../catalog/browse.js';
import { type SortOrder, windowStart } from '../state.js';
import { firstThatFits, fit } from '../layout.js';

/**
 * In ASCII, as the rest of a row mostly is: Ink measures each row's width every frame, at once for ASCII and by
 * segmenting graphemes otherwise ('█' and '·' cost ~7 ms a key at 200×50).
 */
function coverageBar(row: ClassStats, width: number): string {
  const filled = Math.round((row.onDisk / Math.max(1, row.annotated)) * width);
  return '#'.repeat(filled) + '.'.repeat(width - filled);
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
  const countWidth = Math.max(1, ...rows.map((row) => String(row.annotated).length));
  // ● label onDisk/annotated ! bar: the counts and the bar whole, the label in what is left.
  const labelWidth = Math.max(4, width - 2 - (1 + 1 + countWidth + 1 + countWidth + 1 + 6));
  return (
    <Box flexDirection="column" width={width} height={height} borderStyle="single" borderColor={focused ? 'cyan' : 'gray'}>
      <Text bold wrap="truncate">
        {firstThatFits(
          [
            `classes ${rows.length}/${total} · sort ${sort} · ${selected.size} selected`,
            `classes ${rows.length}/${total} · ${sort} · ${selected.size} selected`,
            `${rows.length}/${total} · ${sort} · ${selected.size} sel`,
          ],
          width - 2,
        )}
      </Text>
      <Text color={filtering ? 'yellow' : 'gray'} wrap="truncate">
        /{filter}
        {filtering ? '_' : ''}
      </Text>
      {rows.slice(start, start + visible).map((row, offset) => {
        const index = start + offset;
        return (
          <Text key={row.label} inverse={index === cursor && focused} wrap="truncate">
            {selected.has(row.label) ? '●' : ' '}{fit(row.label, labelWidth)} {String(row.onDisk).padStart(countWidth)}/
            {String(row.annotated).padEnd(countWidth)}
            {row.damaged > 0 ? <Text color="red">!</Text> : ' '}
            {coverageBar(row, 6)}
          </Text>
        );
      })}
    </Box>
  );
}
