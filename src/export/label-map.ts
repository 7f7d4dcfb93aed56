import type { UserInput } from '../util/read-user-file.js';
import { classLabelsOf } from '../catalog/clips.js';
import { subsetLabels } from '../catalog/subsets.js';
import type { Catalog } from '../catalog/catalog.js';
import { InputError } from '../errors.js';

export interface LabelMap {
  labels: string[];
  index: Map<string, number>;
  source: string;
}

/** Where label indices come from: the version's classes, a checkpoint's file, or the subset's own classes (0..K−1). */
export type LabelSource = { kind: 'version'; version: string } | { kind: 'file'; file: UserInput } | { kind: 'compact'; subset: string; versions: string[] };

/**
 * The version's labels in code-point order (the catalog's `classes.idx`), a checkpoint's own order from a file, or
 * only the classes the subset holds, in code-point order.
 */
export function loadLabelMap(catalog: Catalog, from: LabelSource): LabelMap {
  if (from.kind === 'version') return labelMap(classLabelsOf(catalog, from.version), `classes of ${from.version}, code-point order`);
  if (from.kind === 'compact') return labelMap(subsetLabels(catalog, from.subset, from.versions), `classes of subset ${from.subset}, code-point order`);
  const file = from.file.name;
  const labels = from.file.text.split(/\r?\n/).map((line) => line.trim());
  while (labels.at(-1) === '') labels.pop();
  const blank = labels.indexOf('');
  if (blank >= 0) throw new InputError(file, blank + 1, 'expected one label a line, found an empty line');
  const seen = new Set<string>();
  labels.forEach((label, index) => {
    if (seen.has(label)) throw new InputError(file, index + 1, `expected each label once, found "${label}" again`);
    seen.add(label);
  });
  return labelMap(labels, file);
}

function labelMap(labels: string[], source: string): LabelMap {
  return { labels, index: new Map(labels.map((label, index) => [label, index])), source };
}
