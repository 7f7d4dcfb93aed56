import type { SourceKind } from '../catalog/schema.js';
import { nearestName } from '../util/closest-names.js';

/** What CVDF publishes under https://s3.amazonaws.com/kinetics/, file by file. */

export const VERSIONS = ['k400', 'k600', 'k700-2020'] as const;
export type VersionId = (typeof VERSIONS)[number];

export const SPLITS = ['train', 'val', 'test', 'holdout_test'] as const;
export type Split = (typeof SPLITS)[number];

/** K400's `replacement_for_corrupted_k400.tgz`, in no path list: its shard split, and the folder it unpacks to. */
export const REPLACEMENT_SPLIT = 'replacement';
export const REPLACEMENT_FOLDER = 'replacement_for_corrupted_k400';
/** The splits shards are filed under: the annotation splits, and K400's replacement archive. */
export const SHARD_SPLITS = [...SPLITS, REPLACEMENT_SPLIT] as const;

/** The words of a usage error for a name outside `known`: `unknown split "trian" (did you mean train?); one of train, val, …`. */
export function unknownName(what: string, text: string, known: readonly string[]): string {
  const near = nearestName(text, known);
  return `unknown ${what.replace(/^-+/, '')} "${text}"${near ? ` (did you mean ${near}?)` : ''}; one of ${known.join(', ')}`;
}

export const CVDF_BUCKET_URL = 'https://s3.amazonaws.com/kinetics';

/** How a split's shards group clips: one tar per class named after it, one per class numbered, or at random. */
export type ShardGrouping = 'class-name' | 'class-number' | 'random';

export type FileFormat = 'annotations-csv' | 'ls-r-listing' | 'path-list' | 'readme' | 'ava-kinetics' | 'countix';

export interface BucketFile {
  path: string;
  version: VersionId | null;
  format: FileFormat;
  /** The split a per-split file holds (annotations, listings, path lists). */
  split?: Split;
  shardGrouping?: ShardGrouping;
}

const formatKinds: Record<FileFormat, SourceKind> = {
  'annotations-csv': 'annotations',
  'ls-r-listing': 'listing',
  'path-list': 'path-list',
  readme: 'readme',
  'ava-kinetics': 'ava-kinetics',
  countix: 'countix',
};

export function kindOf(format: FileFormat): SourceKind {
  return formatKinds[format];
}

interface VersionLayout {
  folder: string;
  readme: string;
  annotations: { split: Split; file: string; format: FileFormat }[];
  pathLists: { split: 'train' | 'val' | 'test'; file: string; grouping: ShardGrouping }[];
  /** Shards in no path list, recorded as one more shard row each. */
  extraShards: { split: string; path: string }[];
}

const layouts: Record<VersionId, VersionLayout> = {
  k400: {
    folder: '400',
    readme: 'readme.md',
    annotations: [
      { split: 'train', file: 'annotations/train.csv', format: 'annotations-csv' },
      { split: 'val', file: 'annotations/val.csv', format: 'annotations-csv' },
      { split: 'test', file: 'annotations/test.csv', format: 'annotations-csv' },
    ],
    pathLists: [
      { split: 'train', file: 'train/k400_train_path.txt', grouping: 'random' },
      { split: 'val', file: 'val/k400_val_path.txt', grouping: 'random' },
      { split: 'test', file: 'test/k400_test_path.txt', grouping: 'random' },
    ],
    extraShards: [{ split: REPLACEMENT_SPLIT, path: `400/${REPLACEMENT_FOLDER}.tgz` }],
  },
  k600: {
    folder: '600',
    readme: 'readme.md',
    annotations: [
      { split: 'train', file: 'annotations/train.txt', format: 'ls-r-listing' },
      { split: 'val', file: 'annotations/val.txt', format: 'ls-r-listing' },
      { split: 'test', file: 'annotations/test.csv', format: 'annotations-csv' },
      { split: 'holdout_test', file: 'annotations/kinetics600_holdout_test.csv', format: 'annotations-csv' },
    ],
    pathLists: [
      { split: 'train', file: 'train/k600_train_path.txt', grouping: 'class-name' },
      { split: 'val', file: 'val/k600_val_path.txt', grouping: 'class-name' },
      { split: 'test', file: 'test/k600_test_path.txt', grouping: 'random' },
    ],
    extraShards: [],
  },
  'k700-2020': {
    folder: '700_2020',
    readme: 'K700_2020_readme.txt',
    annotations: [
      { split: 'train', file: 'annotations/train.csv', format: 'annotations-csv' },
      { split: 'val', file: 'annotations/val.csv', format: 'annotations-csv' },
      { split: 'test', file: 'annotations/test.csv', format: 'annotations-csv' },
    ],
    pathLists: [
      { split: 'train', file: 'train/k700_2020_train_path.txt', grouping: 'class-number' },
      { split: 'val', file: 'val/k700_2020_val_path.txt', grouping: 'class-number' },
      { split: 'test', file: 'test/k700_2020_test_path.txt', grouping: 'random' },
    ],
    extraShards: [],
  },
};

export const DOWNSTREAM_FILES: BucketFile[] = [
  { path: '700_2020/annotations/ava_kinetics_v1_0.tar.gz', version: null, format: 'ava-kinetics' },
  { path: '700_2020/annotations/countix.tar.gz', version: null, format: 'countix' },
];

export function extraShardsOf(version: VersionId): { split: string; path: string }[] {
  return layouts[version].extraShards;
}

/** Every file to read for these versions, annotations first so that per-class shards can be labelled. */
export function bucketFiles(versions: readonly VersionId[], downstream: boolean): BucketFile[] {
  const files: BucketFile[] = [];
  for (const version of versions) {
    const layout = layouts[version];
    const at = (file: string) => `${layout.folder}/${file}`;
    for (const annotation of layout.annotations) {
      files.push({ path: at(annotation.file), version, format: annotation.format, split: annotation.split });
    }
    for (const list of layout.pathLists) {
      files.push({ path: at(list.file), version, format: 'path-list', split: list.split, shardGrouping: list.grouping });
    }
    files.push({ path: at(layout.readme), version, format: 'readme' });
  }
  return downstream ? [...files, ...DOWNSTREAM_FILES] : files;
}

const splitAliases: Record<string, Split> = {
  train: 'train',
  training: 'train',
  val: 'val',
  validate: 'val',
  validation: 'val',
  test: 'test',
  testing: 'test',
  holdout_test: 'holdout_test',
};

/** `validate` and friends → the four split names used everywhere in the catalog; undefined when unknown. */
export function normaliseSplit(value: string): Split | undefined {
  return splitAliases[value.trim().toLowerCase()];
}

/** Parses `k400`, `400`, `k700`, `700`, `k700-2020`, `700_2020` → a version id; undefined when unknown. */
export function parseVersion(value: string): VersionId | undefined {
  const key = value.trim().toLowerCase().replace(/^kinetics-?/, 'k').replace('_', '-');
  const aliases: Record<string, VersionId> = {
    k400: 'k400',
    '400': 'k400',
    k600: 'k600',
    '600': 'k600',
    k700: 'k700-2020',
    '700': 'k700-2020',
    'k700-2020': 'k700-2020',
    '700-2020': 'k700-2020',
  };
  return aliases[key];
}
