import { readUserFile } from '../util/read-user-file.js';
import { classLabelsOf } from '../catalog/clips.js';
import type { Catalog } from '../catalog/catalog.js';
import { InputError } from '../errors.js';

export interface LabelMap {
  labels: string[];
  index: Map<string, number>;
  source: string;
}

/** The version's labels in code-point order (the catalog's `classes.idx`), or a checkpoint's own order from a file. */
export function loadLabelMap(catalog: Catalog, version: string, file: string | undefined): LabelMap {
  let labels: string[];
  if (file === undefined) {
    labels = classLabelsOf(catalog, version);
  } else {
    labels = readUserFile(file).split(/\r?\n/).map((line) => line.trim());
    while (labels.at(-1) === '') labels.pop();
    const blank = labels.indexOf('');
    if (blank >= 0) throw new InputError(file, blank + 1, 'expected one label a line, found an empty line');
    const seen = new Set<string>();
    labels.forEach((label, index) => {
      if (seen.has(label)) throw new InputError(file, index + 1, `expected each label once, found "${label}" again`);
      seen.add(label);
    });
  }
  return { labels, index: new Map(labels.map((label, index) => [label, index])), source: file ?? `classes of ${version}, code-point order` };
}
