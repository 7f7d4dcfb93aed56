import { UsageError } from '../../errors.js';
import { type DefinitionChange, type ManifestDiff, diffExports, readExport } from '../../export/manifest-diff.js';
import { plural, someOf } from '../../util/words.js';
import { type Command, type OptionSpecs, parseCommandArgs } from '../command.js';

const usage = 'kinetics manifest diff A B [--json] [--home DIR] [--db FILE]   (A, B: export folders or their manifest.json)';

const signed = (added: number, removed: number) => `+${added} −${removed}`;

const shown = (value: unknown) => (value === undefined || value === null ? '(none)' : typeof value === 'string' ? value : JSON.stringify(value));

/** A list of names as what was added and removed; any other value as before → after. */
function describeChange({ a, b }: DefinitionChange): string {
  const names = (value: unknown) => (Array.isArray(value) && value.every((item) => typeof item === 'string') ? (value as string[]) : undefined);
  const [before, after] = [names(a), names(b)];
  if (!before || !after) return `${shown(a)} → ${shown(b)}`;
  const added = after.filter((name) => !before.includes(name));
  const removed = before.filter((name) => !after.includes(name));
  if (added.length + removed.length === 0) return `reordered (${someOf(after)})`;
  return [added.length > 0 ? `+${added.length} (${someOf(added)})` : '', removed.length > 0 ? `−${removed.length} (${someOf(removed)})` : ''].filter(Boolean).join(' ');
}

function describe(diff: ManifestDiff): string[] {
  const lines: string[] = [];
  const { subset, labelMap, sources, clips } = diff;
  lines.push(`subset: ${subset.a === subset.b ? subset.a : `${subset.a} → ${subset.b}`}, definition ${subset.definitionChanged ? 'changed' : 'the same'}`);
  for (const change of subset.definitionChanges) lines.push(`  ${change.field}: ${describeChange(change)}`);
  if (diff.formats.a !== diff.formats.b) lines.push(`format: ${diff.formats.a} → ${diff.formats.b}`);
  if (labelMap.same) lines.push('label map: the same');
  else {
    const parts = [
      labelMap.added.length > 0 ? `${plural(labelMap.added.length, 'class')} added (${someOf(labelMap.added)})` : '',
      labelMap.removed.length > 0 ? `${plural(labelMap.removed.length, 'class')} removed (${someOf(labelMap.removed)})` : '',
      labelMap.renumbered.length > 0 ? `${plural(labelMap.renumbered.length, 'class')} renumbered (${someOf(labelMap.renumbered.map((entry) => `${entry.label} ${entry.a}→${entry.b}`))})` : '',
    ];
    lines.push(`label map: ${parts.filter(Boolean).join('; ')}`);
  }
  const sourceChanges = sources.changed.length + sources.added.length + sources.removed.length;
  lines.push(sourceChanges === 0 ? 'catalog source files: the same' : `catalog source files: ${plural(sourceChanges, 'change')}`);
  for (const source of sources.changed) lines.push(`  changed  ${source.path} (sha256 ${source.a.slice(0, 12)}… → ${source.b.slice(0, 12)}…)`);
  for (const path of sources.added) lines.push(`  added    ${path}`);
  for (const path of sources.removed) lines.push(`  removed  ${path}`);
  lines.push(`clips: ${signed(clips.added, clips.removed)}${clips.relabeled > 0 ? `, ${clips.relabeled} relabeled` : ''}`);
  for (const group of clips.bySplitAndClass) {
    lines.push(`  ${group.split}  ${group.label ?? '(unlabeled)'}  ${signed(group.added, group.removed)}${group.relabeled > 0 ? `, ${group.relabeled} relabeled here` : ''}`);
  }
  return lines;
}

const options = {
  json: { type: 'boolean', description: 'the differences as JSON on stdout' },
} as const satisfies OptionSpecs;

export const manifestCommand: Command = {
  usage,
  options,
  examples: [
    'kinetics manifest diff lists/v1 lists/v2',
  ],
  async run(args, globals) {
    const { values, positionals } = parseCommandArgs(args, options, usage);
    if (positionals[0] !== 'diff' || positionals.length !== 3) throw new UsageError(`manifest takes diff and two exports\nusage: ${usage}`);
    const [a, b] = await Promise.all([readExport(positionals[1]!), readExport(positionals[2]!)]);
    const diff = diffExports(a, b);
    if (values.json) globals.io.stdout.write(`${JSON.stringify(diff, null, 2)}\n`);
    else for (const line of describe(diff)) globals.io.stdout.write(`${line}\n`);
    return diff.same ? 0 : 1;
  },
};
