import { Box, Text } from 'ink';

const KEYS: [string, string][] = [
  ['↑ ↓ / k j', 'move; PgUp PgDn a page'],
  ['tab, ← →', 'switch between splits and classes'],
  ['/', 'filter classes by typing (substring, any case)'],
  ['s', 'sort by name, clip count, coverage'],
  ['space', 'select the class; a: all shown; c: clear'],
  ['enter', "the class's clips as a table; there o opens the clip under the cursor (or gives its path)"],
  ['n', 'make a subset of the selected classes (cap, seed, only missing)'],
  ['p', 'plan the subset: shards, bytes, what is here'],
  ['f', 'fetch the subset, live per shard; esc cancels (resumable)'],
  ['e', 'export the subset (format, folder)'],
  ['S', 'the subsets: enter plans one (and makes it the one p f e act on), d drops one (y confirms)'],
  [':', 'run a read-only SQL query (↑↓ earlier ones; the views and their columns are shown)'],
  ['?', 'this help; esc closes'],
  ['q, ctrl-c', 'quit'],
];

export function HelpOverlay({ width, height }: { width: number; height: number }) {
  return (
    <Box flexDirection="column" width={width} height={height} borderStyle="double" borderColor="cyan" paddingX={1}>
      <Text bold>keys</Text>
      {KEYS.map(([key, what]) => (
        <Box key={key}>
          <Box width={13} flexShrink={0}>
            <Text color="cyan">{key}</Text>
          </Box>
          <Text wrap="wrap">{what}</Text>
        </Box>
      ))}
    </Box>
  );
}
