import { Box, Text } from 'ink';
import type { ClassDetails } from '../../catalog/browse.js';

const statusColor: Record<string, string> = { ok: 'green', missing: 'gray', damaged: 'red', undecodable: 'red', empty: 'red', short: 'yellow' };

export function DetailsPane({ label, details, height, width }: { label: string | undefined; details: ClassDetails | undefined; height: number; width: number }) {
  if (!label || !details) {
    return (
      <Box width={width} height={height} borderStyle="single" borderColor="gray">
        <Text color="gray">no class</Text>
      </Box>
    );
  }
  const room = Math.max(0, height - 6);
  return (
    <Box flexDirection="column" width={width} height={height} borderStyle="single" borderColor="gray">
      <Text bold wrap="truncate">
        {label}
      </Text>
      <Text color="gray" wrap="truncate">
        countix {details.countix} · ava keyframes {details.avaKeyframes} · also in{' '}
        {details.counterparts.length > 0 ? details.counterparts.map((other) => `${other.version}#${other.idx}`).join(', ') : '—'}
      </Text>
      {details.clips.slice(0, room).map((clip) => {
        // The id and status always; the window when it fits; the path's end in what is left.
        const inner = width - 2;
        const window = inner >= 29 ? ` ${String(clip.time_start).padStart(4)}-${String(clip.time_end).padEnd(4)}` : '';
        const pathRoom = inner - (11 + window.length + 1 + 8 + 1);
        const path = clip.path && pathRoom >= 8 ? ` ${clip.path.length <= pathRoom ? clip.path : `…${clip.path.slice(-(pathRoom - 1))}`}` : '';
        return (
          <Text key={`${clip.youtube_id}${clip.time_start}`} wrap="truncate">
            {clip.youtube_id}
            {window} <Text color={statusColor[clip.status] ?? 'white'}>{clip.status.padEnd(8)}</Text>
            {path}
          </Text>
        );
      })}
    </Box>
  );
}
