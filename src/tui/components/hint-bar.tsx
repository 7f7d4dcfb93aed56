import { Text } from 'ink';
import type { Mode } from '../state.js';

export type HintMode = Mode['kind'] | 'table' | 'busy';

const hints: Record<HintMode, string> = {
  browse: '? keys  q quit  ↑↓ move  tab pane  / filter  s sort  space select  a all  n subset  p plan  f fetch  e export  : sql',
  filter: 'type to filter · enter keep · esc clear',
  help: 'esc close',
  sql: 'type a read-only query · enter run · esc cancel',
  form: 'type (←→ pick) · enter next · esc cancel',
  table: '↑↓ scroll · esc back',
  busy: 'esc cancels · other keys wait until it ends',
};

/** Two lines: what is being typed (or the last message), then the keys that work now. */
export function HintBar({ mode, status }: { mode: HintMode; status: string }) {
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
