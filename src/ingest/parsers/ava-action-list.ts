import { InputError } from '../../errors.js';

export interface AvaAction {
  actionId: number;
  name: string;
  labelType: string | null;
}

/**
 * AVA's `ava_action_list_v2.2*.pbtxt`: text-format protobuf blocks
 * `label { name: "bend/bow (at the waist)" label_id: 1 label_type: PERSON_MOVEMENT }`.
 */
export function parseAvaActionList(text: string, file: string): AvaAction[] {
  const actions: AvaAction[] = [];
  const block = /(label|item)\s*\{([^}]*)\}/g;
  for (let match = block.exec(text); match !== null; match = block.exec(text)) {
    const body = match[2]!;
    const line = text.slice(0, match.index).split('\n').length;
    const name = /name:\s*"((?:[^"\\]|\\.)*)"/.exec(body)?.[1];
    const id = /(?:label_id|id):\s*(\d+)/.exec(body)?.[1];
    if (name === undefined || id === undefined) {
      throw new InputError(file, line, 'expected a label block with name: "…" and label_id: N');
    }
    actions.push({ actionId: Number(id), name, labelType: /label_type:\s*(\w+)/.exec(body)?.[1] ?? null });
  }
  if (actions.length === 0) throw new InputError(file, 1, 'expected label { name: "…" label_id: N } blocks');
  return actions;
}
