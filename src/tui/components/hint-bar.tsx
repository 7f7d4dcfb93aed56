import { Text } from 'ink';
import type { Mode } from '../state.js';

const hints: Record<Mode['kind'] | 'table', string> = {
  browse: '? keys  q quit  ↑↓ move  tab pane  / filter  s sort  space select  a all  n subset  p plan  f fetch  e export  : sql',
  filter: 'type to filter · enter keep · esc clear',
  help: 'esc close',
  sql: 'type a read-only query · enter run · esc cancel',
  form: 'type · enter next · esc cancel',
  table: '↑↓ scroll · esc back',
};

/** Two lines: what is being typed (or the last message), then the keys that work now. */
export function HintBar({ mode, status }: { mode: Mode['kind'] | 'table'; status: string }) {
  return (
    <>
      <Text color="yellow" wrap="truncate">
        {status || ' '}
      </Text>
      <Text inverse wrap="truncate">
        {hints[mode]}
      </Text>
    </>
  );
}
