import { someOf } from '../util/words.js';

/**
 * What a folder loader would make of one split of a class tree. torchvision's `find_classes` (DatasetFolder,
 * ImageFolder, datasets.Kinetics) and pytorchvideo's `LabeledVideoPaths.from_directory` number the class folders
 * present, in sorted order of their names: a split that lacks classes, or folder names that sort otherwise than the
 * label map, gives targets other than `classes.txt`. Undefined when every folder's number is its label index.
 *
 * `folders` maps each class folder present to its label index and clip count; `labels` is the label map, the whole
 * version's unless `offerCompact` is false (--labels compact, or a label map file).
 */
export function folderLoaderMismatch(
  split: string,
  folders: Map<string, { labelIdx: number; clips: number }>,
  labels: string[],
  offerCompact = false,
): string | undefined {
  const sorted = [...folders].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const misnumbered = sorted.filter(([, folder], position) => folder.labelIdx !== position);
  if (misnumbered.length === 0) return undefined;
  const clips = (entries: typeof sorted) => entries.reduce((sum, [, folder]) => sum + folder.clips, 0);
  const reasons: string[] = [];
  const present = new Set(sorted.map(([, folder]) => folder.labelIdx));
  const absent = labels.filter((_, index) => !present.has(index));
  if (absent.length > 0) reasons.push(`${absent.length} of the ${labels.length} classes ${absent.length === 1 ? 'has' : 'have'} no folder there (${someOf(absent)})`);
  const swapped: string[] = [];
  for (let i = 0; i < sorted.length; i++) {
    for (let j = i + 1; j < sorted.length; j++) {
      if (sorted[i]![1].labelIdx > sorted[j]![1].labelIdx) swapped.push(`"${sorted[i]![0]}" sorts before "${sorted[j]![0]}"`);
    }
  }
  if (swapped.length > 0) reasons.push(`${someOf(swapped)}, which classes.txt orders the other way`);
  return (
    `${split}: a folder loader (torchvision DatasetFolder or datasets.Kinetics, pytorchvideo from_directory) numbers the ` +
    `${sorted.length} class folders there by sorted name, so ${clips(misnumbered)} of its ${clips(sorted)} clips would get targets ` +
    `other than classes.txt: ${reasons.join('; ')}. Read the targets from tree.tsv, or export a list format` +
    (offerCompact && absent.length > 0 ? ', or number only the subset\'s classes (--labels compact; the same numbers where each has a folder)' : '')
  );
}
