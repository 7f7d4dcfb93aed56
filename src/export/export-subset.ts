import { createHash } from 'node:crypto';
import { rmSync } from 'node:fs';
import { extname, join, relative, sep } from 'node:path';
import type { Catalog } from '../catalog/catalog.js';
import { makeFolder } from '../util/make-folder.js';
import type { SubsetDefinition } from '../subset/definition.js';
import { KineticsError, UsageError } from '../errors.js';
import { classFolder, clipFolder, safeFolderName } from '../fetch/video-layout.js';
import { type ExportableClip, exportableClips, findSubset, partOfClips, subsetSourceShards, subsetSplits } from '../catalog/subsets.js';
import { annotationSourcesOf } from '../catalog/source-files.js';
import { findOverlap, type VersionSplit } from '../catalog/clips.js';
import { packageVersion } from '../util/package-root.js';
import { formatCount, plural } from '../util/words.js';
import { folderLoaderMismatch } from './folder-loader-order.js';
import { loadLabelMap } from './label-map.js';
import { DEFAULT_SHARD_SIZE, type Sample, type ShardSize, balancedOrder, writeShards } from './webdataset.js';
import { earlierExport, removeStale } from './previous-export.js';
import { StagedOutput } from './staged-output.js';
import type { ExportFormat } from './formats.js';
import type { UserInput } from '../util/read-user-file.js';


export interface ExportOptions {
  subset: string;
  /** Only the subset's clips of this version (a subset spanning versions exports one at a time). */
  version?: string;
  format: ExportFormat;
  out: string;
  paths: 'relative' | 'absolute';
  /** Relative paths are relative to this folder (--home/videos, or --root). */
  videoRoot: string;
  /** Where fetch puts clips (--home/videos): a clip not on disk is listed there (--include-missing), whatever the root. */
  fetchedVideos: string;
  /** Put before each path relative to `videoRoot` instead (the videos folder as a training cluster mounts it). */
  pathPrefix?: string;
  /** A checkpoint's classes.txt, as read. */
  labelMapFile?: UserInput;
  /** `compact`: indices 0..K−1 over the classes the subset holds, in code-point order (not with labelMapFile). */
  labels?: 'version' | 'compact';
  includeMissing: boolean;
  excludeOverlapWith: VersionSplit[];
  /** tree and fiftyone: how each clip file appears in the tree. */
  link: 'symlink' | 'copy' | 'hardlink';
  /** tree: class folders named as the labels, or by torchvision's rule. */
  classNames: 'labels' | 'torchvision';
  /** webdataset: how many samples a tar holds. */
  shardSize?: ShardSize;
  /** Each clip under the part `subset split` put it in, as its split: the parts with one label map. */
  parts?: boolean;
  /**
   * How far it is: the subset's clips read and listed, then, for formats that hold the files, the clips laid out
   * (or written to tars).
   */
  onProgress?: (done: number, total: number, phase: 'listing' | 'laying out') => void;
}

/** Why an export that would list no clip is refused, before anything is written. */
function nothingListed(options: ExportOptions, excludedByStatus: Record<string, number>, overlapping: number): KineticsError {
  const overlapWith = options.excludeOverlapWith.map((entry) => `${entry.version}:${entry.split}`).join(', ');
  const statuses = Object.entries(excludedByStatus).map(([status, count]) => `${formatCount(count)} ${status}`);
  if (statuses.length === 0) {
    return new KineticsError(`no clip listed, nothing written: every clip of ${options.subset} overlaps ${overlapWith} (--exclude-overlap-with)`);
  }
  const dropped = overlapping > 0 ? [`${formatCount(overlapping)} dropped as overlapping ${overlapWith}`] : [];
  return new KineticsError(
    `no clip listed, nothing written: none of ${options.subset}'s clips is on disk with status ok (${[...statuses, ...dropped].join(', ')}). ` +
      `Fetch it first (kinetics fetch)${FILE_FORMATS.has(options.format) ? ' or' : ','} verify what is there (kinetics scan --verify)` +
      // A format that holds the files themselves cannot list clips that are not on disk.
      (FILE_FORMATS.has(options.format) ? '' : ', or list them anyway (--include-missing)'),
  );
}

export interface WrittenFile {
  name: string;
  sha256: string;
  lines: number;
}

export interface ExportSummary {
  listed: number;
  excluded: number;
  excludedByStatus: Record<string, number>;
  overlapping: number;
  files: WrittenFile[];
  /** What a framework would make of the export otherwise than the user may expect (a folder loader's numbering). */
  warnings: string[];
  /** A tree's split folders, each to be loaded on its own. */
  splitFolders: string[];
}


/** A clip as a list names it: its row, its index in the label map, its file and the path the list gives. */
interface ListedClip {
  row: ExportableClip;
  /** The split it is listed under: its own, or with --parts its part. */
  split: string;
  labelIdx: number;
  file: string;
  exportPath: string;
}

/** Formats whose loaders read a split from a fixed name (train, val, test), and the tree formats' split folders. */
const FIXED_SPLIT_NAMES: ReadonlySet<ExportFormat> = new Set(['pytorchvideo', 'slowfast', 'videomae', 'tree', 'fiftyone', 'hf']);

/**
 * The split as the format names its file or folder: K600's holdout_test is read as a test split (SlowFast, VideoMAE
 * and torchvision look for `test` only); csv, jsonl and mmaction (whose configs name any file) keep its name.
 */
function exportedSplit(format: ExportFormat, split: string): string {
  return split === 'holdout_test' && FIXED_SPLIT_NAMES.has(format) ? 'test' : split;
}

/** Formats that hold the clips' files (links, copies or tars), not a list of their paths. */
const FILE_FORMATS: ReadonlySet<ExportFormat> = new Set(['tree', 'fiftyone', 'webdataset', 'hf']);

/** Formats whose loaders split a line on any whitespace: a path holding one would be mis-read. */
const WHITESPACE_SPLIT: ReadonlySet<ExportFormat> = new Set(['mmaction', 'slowfast', 'videomae']);
const SPLIT_FILE_FORMATS: ReadonlySet<ExportFormat> = new Set(['mmaction', 'pytorchvideo', 'slowfast', 'videomae']);

const sha256 = (text: string | Buffer) => createHash('sha256').update(text).digest('hex');

function csvField(value: unknown): string {
  const text = value === null || value === undefined ? '' : String(value);
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** What every path under a folder starts with: the folder and a separator. */
const folderPrefix = (folder: string) => (folder.endsWith(sep) ? folder : folder + sep);

/**
 * Files relative to `root`, with `/`: a plain cut under the root, else path.relative once per folder (it resolves
 * both paths every call, which costs seconds over half a million files).
 */
function relativePaths(root: string): (file: string) => string {
  const prefix = folderPrefix(root);
  const folders = new Map<string, string>();
  const relativeFolder = (folder: string) => {
    let relativeFolder = folders.get(folder);
    if (relativeFolder === undefined) folders.set(folder, (relativeFolder = relative(root, folder)));
    return relativeFolder;
  };
  return (file) => {
    const cut = file.lastIndexOf(sep);
    const relativeFile = file.startsWith(prefix) ? file.slice(prefix.length) : `${relativeFolder(file.slice(0, cut))}${sep}${file.slice(cut + 1)}`;
    return sep === '/' ? relativeFile : relativeFile.split(sep).join('/');
  };
}

function countLines(text: string): number {
  let lines = 0;
  for (let at = text.indexOf('\n'); at !== -1; at = text.indexOf('\n', at + 1)) lines++;
  return lines;
}

function listFileName(format: ExportFormat, version: string, split: string): string {
  switch (format) {
    case 'mmaction':
      return `${version}_${split}_list_videos.txt`;
    default:
      return `${exportedSplit(format, split)}.csv`;
  }
}

/** The path a list gives a clip's file: absolute, relative to the videos root, or under a prefix in its place. */
function exportPaths(options: ExportOptions): (file: string) => string {
  if (options.paths === 'absolute') return (file) => file;
  const relativeToRoot = relativePaths(options.videoRoot);
  const prefix = options.pathPrefix;
  if (prefix === undefined) return relativeToRoot;
  const root = folderPrefix(options.videoRoot);
  const joined = prefix === '' || prefix.endsWith('/') ? prefix : `${prefix}/`;
  return (file) => {
    if (!file.startsWith(root)) {
      throw new UsageError(`${file} is not under ${options.videoRoot}, which --path-prefix stands for; pass --root with a folder that holds every clip`);
    }
    return joined + relativeToRoot(file);
  };
}

/**
 * Writes a subset as one framework reads it, with its label map and a manifest that pins what made it. The same
 * subset and catalog give byte-identical files (nothing in them depends on time or on the order rows come back).
 */
export function exportSubset(catalog: Catalog, options: ExportOptions): ExportSummary {
  const subset = findSubset(catalog, options.subset);
  const held = subsetSplits(catalog, options.subset);
  const splits = held.filter((entry) => options.version === undefined || entry.version === options.version);
  if (splits.length === 0) {
    throw new UsageError(`subset ${options.subset} has no clips of ${options.version ?? 'any version'}; it holds ${[...new Set(held.map((entry) => entry.version))].join(', ')}`);
  }
  const versions = [...new Set(splits.map((entry) => entry.version))];
  const parts = options.parts ? partOfClips(catalog, options.subset) : undefined;
  const partOf = parts?.clips;
  if (options.parts && !partOf) {
    throw new UsageError(`subset ${options.subset} was never split into parts; make them with \`kinetics subset split ${options.subset} --into train=0.8,val=0.2\``);
  }
  // Parts of another size than the subset were made from an earlier subset of the name (created again since).
  if (partOf && partOf.size !== subset.clips) {
    throw new UsageError(
      `the parts of ${options.subset} hold ${plural(partOf.size, 'clip')} and ${options.subset} ${formatCount(subset.clips)}: they were split from an earlier ${options.subset}; ` +
        `split it again (kinetics subset split ${options.subset} … --replace)`,
    );
  }
  for (const version of partOf ? [] : versions) {
    const held = (split: string) => splits.some((entry) => entry.version === version && entry.split === split);
    if (FIXED_SPLIT_NAMES.has(options.format) && held('holdout_test') && held('test')) {
      throw new UsageError(
        `subset ${options.subset} holds ${version} test and holdout_test clips, and ${options.format} writes holdout_test as the test split ` +
          '(its loaders read no other name; test.csv already lists the holdout clips): make a subset of one of them',
      );
    }
  }
  if (options.format === 'fiftyone' && options.classNames === 'torchvision') {
    throw new UsageError('FiftyOne takes each clip\'s label from its folder name: --class-names torchvision would rename the labels; leave it out');
  }
  if (versions.length > 1 && ((options.labelMapFile === undefined && options.labels !== 'compact') || SPLIT_FILE_FORMATS.has(options.format) || options.format === 'tree' || options.format === 'fiftyone')) {
    throw new UsageError(
      `subset ${options.subset} spans ${versions.join(' and ')}, whose label indices differ; export one version at a time with --version ${versions[0]}` +
        ' (csv and jsonl take several with --label-map)',
    );
  }
  if (options.pathPrefix !== undefined && FILE_FORMATS.has(options.format)) {
    throw new UsageError(`--path-prefix rewrites the paths a list names; a ${options.format} export holds the files themselves (links or copies), so it has none`);
  }
  if (options.includeMissing && FILE_FORMATS.has(options.format)) {
    throw new UsageError(`--include-missing lists clips not on disk; a ${options.format} export holds the files themselves, so it cannot hold them`);
  }
  const labelMap = loadLabelMap(
    catalog,
    options.labelMapFile !== undefined
      ? { kind: 'file', file: options.labelMapFile }
      : options.labels === 'compact'
        ? { kind: 'compact', subset: options.subset, versions }
        : { kind: 'version', version: versions[0]! },
  );

  const overlapping = new Set<string>();
  for (const { version, split } of options.excludeOverlapWith.length === 0 ? [] : splits) {
    for (const clip of findOverlap(catalog, options.excludeOverlapWith, { version, split })) overlapping.add(`${version}\0${split}\0${clip.clip_key}`);
  }

  const sink = listSink(options, labelMap.labels, () => ({ seed: subset.definition.seed, sourceShards: subsetSourceShards(catalog, options.subset) }));
  const bySplit = new Counter();
  const byClass = new Counter();
  let listedCount = 0;
  const excluded: ExportableClip[] = [];
  const dropped: ExportableClip[] = [];
  // A folder per version, split and class, not a path.join per clip: 536k of them cost seconds.
  const folders = new Map<string, string>();
  const folderOf = (row: ExportableClip) => {
    const key = `${row.version}\0${row.split}\0${row.label === null ? '' : `=${row.label}`}`;
    let folder = folders.get(key);
    if (folder === undefined) folders.set(key, (folder = clipFolder(options.fetchedVideos, row)));
    return folder;
  };
  const pathOf = exportPaths(options);
  const outsideRoot = filesOutsideRoot(options);
  let read = 0;
  for (const row of exportableClips(catalog, options.subset, splits)) {
    options.onProgress?.(++read, subset.clips, 'listing');
    if (overlapping.has(`${row.version}\0${row.split}\0${row.clip_key}`)) {
      dropped.push(row);
      continue;
    }
    if (row.status !== 'ok' && !options.includeMissing) {
      excluded.push(row);
      continue;
    }
    if (row.label === null && (options.format === 'tree')) {
      throw new UsageError(
        `${row.version} ${row.split} has no labels; a tree of class folders would file its clips under a class. ` +
          'Use --format fiftyone (it has _unlabeled), csv, jsonl or a list format (label index -1)',
      );
    }
    const labelIndex = row.label === null ? -1 : labelMap.index.get(row.label);
    if (labelIndex === undefined) throw new UsageError(`label "${row.label}" is not in the label map (${labelMap.source})`);
    const file = row.path ?? `${folderOf(row)}${sep}${row.clip_key}.mp4`;
    const exportPath = pathOf(file);
    outsideRoot?.note(file);
    if (WHITESPACE_SPLIT.has(options.format) && /\s/.test(exportPath)) {
      // A tree refuses unlabeled clips: for them, only formats that keep spaces in a path are offered.
      const instead = row.label === null ? 'pytorchvideo, csv or jsonl' : "tree (with --class-names torchvision) or pytorchvideo";
      throw new UsageError(
        `the path "${exportPath}" holds whitespace, and ${options.format} splits its lines on whitespace; ` +
          `export --format ${instead}, or keep clips in the tool's layout (kinetics fetch)`,
      );
    }
    const split = partOf ? partOf.get(`${row.version}\0${row.split}\0${row.clip_key}`) : row.split;
    if (split === undefined) throw new UsageError(`${row.version} ${row.split} ${row.clip_key} is in no part of ${options.subset}: split it again (subset split … --replace)`);
    sink.add({ row, split, labelIdx: labelIndex, file, exportPath });
    listedCount++;
    bySplit.add(`${row.version}:${split}`);
    byClass.add(row.label ?? '(unlabeled)');
  }

  const excludedByStatus: Record<string, number> = {};
  for (const row of excluded) excludedByStatus[row.status] = (excludedByStatus[row.status] ?? 0) + 1;
  const earlier = earlierExport(options.out);
  const made = makeFolder(options.out);
  if (listedCount === 0) {
    // Refused after the folder is known usable (a file in the way, another tool's folder: those are said first).
    if (made !== undefined) rmSync(made, { recursive: true });
    throw nothingListed(options, excludedByStatus, dropped.length);
  }
  const files: WrittenFile[] = [];
  const output = new StagedOutput(options.out);
  const write = (name: string, text: string) => {
    output.write(name, text);
    files.push({ name, sha256: sha256(text), lines: countLines(text) });
  };
  const { laidOut, warnings } = output.allOrNothing(() => {
    const { laidOut, warnings, manifest: formatManifest } = sink.finish(
      write,
      (file) => files.push(file),
      (name) => output.stage(name),
      (file, name) => output.layOut(file, name, options.link),
    );
    write('classes.txt', labelMap.labels.map((label) => `${label}\n`).join(''));
    write('classes.json', `${JSON.stringify({ labels: labelMap.labels, source: labelMap.source }, null, 2)}\n`);
    write(
      'excluded.csv',
      // The clips dropped as overlapping --exclude-overlap-with are named too, with that reason as their status.
      ['version,split,clip_key,label,status', ...[...excluded, ...dropped.map((row) => ({ ...row, status: 'overlapping' }))].map((row) => [row.version, row.split, row.clip_key, row.label, row.status].map(csvField).join(','))]
        .map((line) => `${line}\n`)
        .join(''),
    );
    const sources = annotationSourcesOf(catalog, versions);
    const manifest = {
      tool: 'kinetics',
      tool_version: packageVersion,
      // With --parts, how they were dealt (shares, seed, stratify): what `subset split` needs to make them again.
      subset: { name: subset.name, definition: subset.definition, clips: subset.clips, ...(parts ? { split_into: parts.splitting } : {}) },
      version: options.version ?? null,
      format: options.format,
      paths: options.paths,
      video_root: options.videoRoot,
      path_prefix: options.pathPrefix ?? null,
      split_names: partOf
        ? Object.fromEntries([...new Set(partOf.values())].sort().map((part) => [`part:${part}`, exportedSplit(options.format, part)]))
        : Object.fromEntries(splits.map(({ version, split }) => [`${version}:${split}`, exportedSplit(options.format, split)])),
      label_map: { source: labelMap.source, classes: labelMap.labels.length, sha256: sha256(labelMap.labels.join('\n')) },
      include_missing: options.includeMissing,
      exclude_overlap_with: options.excludeOverlapWith.map((entry) => `${entry.version}:${entry.split}`),
      counts: {
        listed: listedCount,
        by_split: bySplit.sorted(),
        by_class: byClass.sorted(),
        excluded_by_status: Object.fromEntries(Object.entries(excludedByStatus).sort(([a], [b]) => (a < b ? -1 : 1))),
        dropped_as_overlapping: dropped.length,
      },
      catalog_sources: sources,
      ...formatManifest,
      files: [...files].sort((a, b) => (a.name < b.name ? -1 : 1)),
    };
    output.write('manifest.json', `${JSON.stringify(manifest, null, 2)}\n`);
    return { laidOut, warnings };
  });
  removeStale(options.out, earlier, new Set([...laidOut, ...files.map((file) => file.name), 'manifest.json']));
  const splitFolders = [...new Set(laidOut.map((path) => path.slice(0, path.indexOf(sep))))].sort();
  return { listed: listedCount, excluded: excluded.length, excludedByStatus, overlapping: dropped.length, files, warnings: [...partNotice(subset.definition, options), ...(outsideRoot?.warning() ?? []), ...warnings], splitFolders };
}

/**
 * A list of relative paths names files outside its videos folder with `../`: right where it is written, wrong once
 * that folder alone is copied or mounted elsewhere (what relative paths are for). Counted, to say so.
 */
function filesOutsideRoot(options: ExportOptions): { note(file: string): void; warning(): string[] } | undefined {
  if (options.paths !== 'relative' || options.pathPrefix !== undefined || FILE_FORMATS.has(options.format)) return undefined;
  const root = folderPrefix(options.videoRoot);
  let count = 0;
  let first: string | undefined;
  return {
    note(file) {
      if (file.startsWith(root)) return;
      count++;
      first ??= file;
    },
    warning: () =>
      count === 0
        ? []
        : [
            `${count} listed ${count === 1 ? 'file lies' : 'files lie'} outside ${options.videoRoot} (${first}): ${count === 1 ? 'its path climbs' : 'their paths climb'} out of it with ../, ` +
              'and break where that folder is copied or mounted alone; pass --root with a folder that holds every clip, or --paths absolute',
          ],
  };
}

/** A part exported alone keeps its Kinetics split names, and compact labels count its own classes only: say so. */
function partNotice(definition: SubsetDefinition, options: ExportOptions): string[] {
  const part = definition.partOf;
  if (!part || options.parts) return [];
  const compact = options.labels === 'compact' ? ', and --labels compact numbers the classes of this part alone (another part may number them otherwise)' : '';
  return [
    `${options.subset} is the part "${part.part}" of ${part.subset}: its clips are listed under their own Kinetics splits${compact}; ` +
      `\`kinetics export ${part.subset} --parts\` writes each part as a split of its own (${Object.keys(part.parts).join(', ')}) with one label map`,
  ];
}

class Counter {
  private readonly counts = new Map<string, number>();
  add(key: string): void {
    this.counts.set(key, (this.counts.get(key) ?? 0) + 1);
  }
  sorted(): Record<string, number> {
    return Object.fromEntries([...this.counts].sort(([a], [b]) => (a < b ? -1 : 1)));
  }
}

interface ListSink {
  add(clip: ListedClip): void;
  /**
   * Writes the lists (and lays out a tree's files or a webdataset's tars): the files laid out other than by `write`
   * (relative to `out`), warnings, and what the manifest should say of them.
   */
  finish(
    write: (name: string, text: string) => void,
    record: (file: WrittenFile) => void,
    stage: (name: string) => string,
    layOut: (file: string, name: string) => void,
  ): { laidOut: string[]; warnings: string[]; manifest?: Record<string, unknown> };
}

/**
 * Lines that go to files by name, in the order they come; written once all clips are known to be listable. A file
 * named in `always` is written even with no clip (its header alone).
 */
function linesSink(header: string | null, entry: (clip: ListedClip) => { file: string; line: string }, always: string[] = []): ListSink {
  const files = new Map<string, string[]>(always.map((name) => [name, header === null ? [] : [header]]));
  return {
    add(clip) {
      const { file, line } = entry(clip);
      let lines = files.get(file);
      if (!lines) files.set(file, (lines = header === null ? [] : [header]));
      lines.push(line);
    },
    finish(write) {
      for (const [name, lines] of [...files].sort(([a], [b]) => (a < b ? -1 : 1))) write(name, lines.length === 0 ? '' : `${lines.join('\n')}\n`);
      return { laidOut: [], warnings: [] };
    },
  };
}

/** The format's lists, a line per clip as it comes. */
function listSink(options: ExportOptions, labels: string[], samplesContext: () => SamplesContext): ListSink {
  switch (options.format) {
    case 'csv':
      // version last: a clip in two versions is two rows, told apart by it (columns before it kept their places).
      return linesSink('clip_key,youtube_id,time_start,time_end,label,label_idx,split,path,status,version', ({ row, split, labelIdx, exportPath }) => ({
        file: 'clips.csv',
        line: [row.clip_key, row.youtube_id, row.time_start, row.time_end, row.label, labelIdx, split, exportPath, row.status, row.version].map(csvField).join(','),
      }), ['clips.csv']);
    case 'jsonl':
      return linesSink(null, ({ row, split, labelIdx, exportPath }) => ({
        file: 'clips.jsonl',
        line: JSON.stringify({
          clip_key: row.clip_key,
          youtube_id: row.youtube_id,
          time_start: row.time_start,
          time_end: row.time_end,
          label: row.label,
          label_idx: labelIdx,
          version: row.version,
          split,
          path: exportPath,
          status: row.status,
        }),
      }), ['clips.jsonl']);
    case 'mmaction':
    case 'pytorchvideo':
    case 'slowfast':
    case 'videomae': {
      const format = options.format;
      return linesSink(null, ({ row, split, labelIdx, exportPath }) => ({ file: listFileName(format, row.version, split), line: `${exportPath} ${labelIdx}` }));
    }
    case 'tree':
    case 'fiftyone':
      return treeSink(options, labels);
    case 'webdataset':
      return webdatasetSink(options, samplesContext());
    case 'hf':
      return hfSink(options);
  }
}

interface SamplesContext {
  seed: number;
  /** The shard each clip came from, by version and clip key. */
  sourceShards: Map<string, string>;
}

/** Tars of samples per split, in a class-balanced order drawn with the subset's seed, and a list of each split's tars. */
function webdatasetSink(options: ExportOptions, context: SamplesContext): ListSink {
  const bySplit = new Map<string, Sample[]>();
  return {
    add({ row, split, labelIdx, file }) {
      let samples = bySplit.get(split);
      if (!samples) bySplit.set(split, (samples = []));
      samples.push({
        clipKey: row.clip_key,
        label: row.label,
        labelIdx,
        file,
        json: {
          clip_key: row.clip_key,
          youtube_id: row.youtube_id,
          time_start: row.time_start,
          time_end: row.time_end,
          version: row.version,
          split,
          label: row.label,
          label_idx: labelIdx,
          source_shard: context.sourceShards.get(`${row.version}\0${row.clip_key}`) ?? null,
        },
      });
    },
    finish(write, record, stage) {
      const shards: Record<string, unknown> = {};
      const total = [...bySplit.values()].reduce((sum, samples) => sum + samples.length, 0);
      let done = 0;
      for (const [split, samples] of [...bySplit].sort(([a], [b]) => (a < b ? -1 : 1))) {
        const tars = writeShards(stage, split, balancedOrder(samples, context.seed), options.shardSize ?? DEFAULT_SHARD_SIZE, () => options.onProgress?.(++done, total, 'laying out'));
        write(`${split}.shards.txt`, tars.map((tar) => `${tar.name}\n`).join(''));
        for (const tar of tars) record({ name: tar.name, sha256: tar.sha256, lines: 0 });
        const last = String(tars.length - 1).padStart(6, '0');
        shards[split] = { pattern: tars.length === 1 ? tars[0]!.name : `${split}-{000000..${last}}.tar`, tars };
      }
      return { laidOut: [], warnings: [], manifest: { shard_size: options.shardSize ?? DEFAULT_SHARD_SIZE, shards } };
    },
  };
}

/**
 * Hugging Face `videofolder`: a folder per split (named so that `datasets` infers train, validation and test from
 * it) holding the clips and a `metadata.csv` whose `file_name` is each clip's name beside it; the other columns
 * become the dataset's features.
 */
function hfSink(options: ExportOptions): ListSink {
  const clips: ListedClip[] = [];
  return {
    add: (clip) => void clips.push(clip),
    finish(write, _record, _stage, layOut) {
      const bySplit = new Map<string, string[]>();
      // tree.tsv names the clips laid out, as a tree's does, so that the next export into the folder finds them.
      const laidOut: string[] = [];
      for (const { row, split: listed, labelIdx, file } of clips) {
        const split = exportedSplit(options.format, listed);
        const fileName = `${row.clip_key}${extname(file) || '.mp4'}`;
        layOut(file, join(split, fileName));
        options.onProgress?.(laidOut.length + 1, clips.length, 'laying out');
        laidOut.push(`${split}/${fileName}\t${labelIdx}`);
        let lines = bySplit.get(split);
        if (!lines) bySplit.set(split, (lines = ['file_name,label,label_idx,clip_key,youtube_id,time_start,time_end,version']));
        lines.push([fileName, row.label, labelIdx, row.clip_key, row.youtube_id, row.time_start, row.time_end, row.version].map(csvField).join(','));
      }
      for (const [split, lines] of [...bySplit].sort(([a], [b]) => (a < b ? -1 : 1))) write(`${split}/metadata.csv`, `${lines.join('\n')}\n`);
      write('tree.tsv', laidOut.map((line) => `${line}\n`).join(''));
      return { laidOut: laidOut.map((line) => line.slice(0, line.indexOf('\t'))), warnings: [] };
    },
  };
}

/**
 * Class folders of links (or copies) to the clips, and tree.tsv: laid out once every clip is known to be listable.
 * A labeled tree is checked against how folder loaders would number its classes.
 */
function treeSink(options: ExportOptions, labels: string[]): ListSink {
  const clips: ListedClip[] = [];
  return {
    add: (clip) => void clips.push(clip),
    finish(write, _record, _stage, layOut) {
      const lines: string[] = [];
      const foldersBySplit = new Map<string, Map<string, { labelIdx: number; clips: number }>>();
      for (const { row, split: listed, labelIdx, file } of clips) {
        const folder = row.label === null ? '_unlabeled' : options.classNames === 'torchvision' ? classFolder(row.label) : safeFolderName(row.label);
        const split = exportedSplit(options.format, listed);
        const name = join(split, folder, `${row.clip_key}${extname(file) || '.mp4'}`);
        if (row.label !== null) {
          let folders = foldersBySplit.get(split);
          if (!folders) foldersBySplit.set(split, (folders = new Map()));
          const entry = folders.get(folder);
          if (entry) entry.clips++;
          else folders.set(folder, { labelIdx, clips: 1 });
        }
        layOut(file, name);
        lines.push(`${name.split(sep).join('/')}\t${labelIdx}`);
        options.onProgress?.(lines.length, clips.length, 'laying out');
      }
      write('tree.tsv', lines.map((line) => `${line}\n`).join(''));
      const warnings =
        options.format === 'tree'
          ? [...foldersBySplit].sort(([a], [b]) => (a < b ? -1 : 1)).flatMap(([split, folders]) => folderLoaderMismatch(split, folders, labels, options.labels === 'version' && options.labelMapFile === undefined) ?? [])
          : [];
      return { laidOut: lines.map((line) => line.slice(0, line.indexOf('\t'))), warnings };
    },
  };
}
