import { Text } from 'ink';
import type { Mode } from '../state.js';
import { firstThatFits } from '../layout.js';

export type HintMode = Mode['kind'] | 'pick' | 'table' | 'result' | 'busy';

const hints: Record<HintMode, string | string[]> = {
  browse: [
    '? keys  q quit  ↑↓ move  tab pane  / filter  s sort  space select  a all  n subset  S subsets  p plan  f fetch  e export  : sql',
    '? keys  q quit  ↑↓ move  / filter  space select  a all  n subset  p plan  f fetch  e export  : sql',
    '? keys  q quit  / filter  space select  a all  n subset  p plan  f fetch  : sql',
  ],
  filter: 'type to filter · enter keep · esc clear',
  help: 'esc close',
  sql: 'type a read-only query · enter run · esc cancel',
  form: 'type · enter next · esc cancel',
  pick: '←→ pick · enter next · esc cancel',
  table: ['↑↓ PgUp PgDn g G scroll · ←→ columns · esc back · p plan · f fetch · e export', '↑↓ scroll · ←→ columns · esc back'],
  result: [
    '↑↓ PgUp PgDn g G scroll · ←→ columns · esc back · o open the clip (path) · n subset of its clips (version, split, clip_key)',
    '↑↓ scroll · ←→ columns · esc back · o open · n subset of its clips',
  ],
  subsets: '↑↓ move · enter plan it · f fetch · e export · d drop · esc back',
  busy: 'esc cancels · other keys wait until it ends',
};

/** Two lines: what is being typed (or the last message), then the keys that work now (as many as fit). */
export function HintBar({ mode, status, width }: { mode: HintMode; status: string; width: number }) {
  const hint = hints[mode];
  return (
    <>
      <Text color="yellow" wrap="truncate">
        {status || ' '}
      </Text>
      <Text inverse wrap="truncate">
        {typeof hint === 'string' ? hint : firstThatFits(hint, width)}
      </Text>
    </>
  );
}
