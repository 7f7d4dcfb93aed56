import { createHash } from 'node:crypto';
import { copyFileSync, linkSync, mkdirSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, extname, join, relative, sep } from 'node:path';
import type { Catalog } from '../catalog/catalog.js';
import { UsageError } from '../errors.js';
import { classFolder, clipDestination, safeFolderName } from '../fetch/video-layout.js';
import { type ExportableClip, exportableClips, findSubset, subsetVersions } from '../catalog/subsets.js';
import { annotationSourcesOf } from '../catalog/source-files.js';
import { findOverlap, type VersionSplit } from '../catalog/clips.js';
import { packageVersion } from '../util/package-root.js';
import { loadLabelMap } from './label-map.js';
import { earlierExport, removeStale } from './previous-export.js';

export const EXPORT_FORMATS = ['csv', 'jsonl', 'mmaction', 'pytorchvideo', 'slowfast', 'videomae', 'tree', 'fiftyone'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

export interface ExportOptions {
  subset: string;
  /** Only the subset's clips of this version (a subset spanning versions exports one at a time). */
  version?: string;
  format: ExportFormat;
  out: string;
  paths: 'relative' | 'absolute';
  /** Relative paths are relative to this folder (--home/videos, or --root). */
  videoRoot: string;
  labelMapFile?: string;
  includeMissing: boolean;
  excludeOverlapWith: VersionSplit[];
  /** tree and fiftyone: how each clip file appears in the tree. */
  link: 'symlink' | 'copy' | 'hardlink';
  /** tree: class folders named as the labels, or by torchvision's rule. */
  classNames: 'labels' | 'torchvision';
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
}


interface ListedClip extends ExportableClip {
  label_idx: number;
  exportPath: string;
  file: string;
}

/** Formats whose loaders split a line on any whitespace: a path holding one would be mis-read. */
const WHITESPACE_SPLIT: ReadonlySet<ExportFormat> = new Set(['mmaction', 'slowfast', 'videomae']);
const SPLIT_FILE_FORMATS: ReadonlySet<ExportFormat> = new Set(['mmaction', 'pytorchvideo', 'slowfast', 'videomae']);

const sha256 = (text: string | Buffer) => createHash('sha256').update(text).digest('hex');

function csvField(value: unknown): string {
  const text = value === null || value === undefined ? '' : String(value);
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** `file` relative to `root`, with `/`: a plain cut under the root (path.relative resolves both paths every call). */
function relativePath(root: string, file: string): string {
  const prefix = root.endsWith(sep) ? root : root + sep;
  const relativeFile = file.startsWith(prefix) ? file.slice(prefix.length) : relative(root, file);
  return sep === '/' ? relativeFile : relativeFile.split(sep).join('/');
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
      return `${split}.csv`;
  }
}

/**
 * Writes a subset as one framework reads it, with its label map and a manifest that pins what made it. The same
 * subset and catalog give byte-identical files (nothing in them depends on time or on the order rows come back).
 */
export function exportSubset(catalog: Catalog, options: ExportOptions): ExportSummary {
  const subset = findSubset(catalog, options.subset);
  const rows = exportableClips(catalog, options.subset, options.version ?? null);
  if (options.version !== undefined && rows.length === 0) {
    throw new UsageError(`subset ${options.subset} has no clips of ${options.version}; it holds ${subsetVersions(catalog, options.subset).join(', ')}`);
  }
  const versions = [...new Set(rows.map((row) => row.version))];
  if (versions.length > 1 && (options.labelMapFile === undefined || SPLIT_FILE_FORMATS.has(options.format) || options.format === 'tree' || options.format === 'fiftyone')) {
    throw new UsageError(
      `subset ${options.subset} spans ${versions.join(' and ')}, whose label indices differ; export one version at a time with --version ${versions[0]}` +
        ' (csv and jsonl take several with --label-map)',
    );
  }
  if (options.includeMissing && (options.format === 'tree' || options.format === 'fiftyone')) {
    throw new UsageError(`--include-missing lists clips not on disk; a ${options.format} export links files, so it cannot hold them`);
  }
  const labelMap = loadLabelMap(catalog, versions[0] ?? '', options.labelMapFile);

  const overlapping = new Set<string>();
  const evaluations = options.excludeOverlapWith.length === 0 ? [] : new Set(rows.map((row) => `${row.version}:${row.split}`));
  for (const evaluation of evaluations) {
    const [version, split] = evaluation.split(':') as [string, string];
    for (const clip of findOverlap(catalog, options.excludeOverlapWith, { version, split })) overlapping.add(`${version}\0${split}\0${clip.clip_key}`);
  }

  const listed: ListedClip[] = [];
  const excluded: ExportableClip[] = [];
  let overlapCount = 0;
  for (const row of rows) {
    if (overlapping.has(`${row.version}\0${row.split}\0${row.clip_key}`)) {
      overlapCount++;
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
    const file = row.path ?? clipDestination(options.videoRoot, row, `${row.clip_key}.mp4`);
    const exportPath = options.paths === 'absolute' ? file : relativePath(options.videoRoot, file);
    if (WHITESPACE_SPLIT.has(options.format) && /\s/.test(exportPath)) {
      throw new UsageError(
        `the path "${exportPath}" holds whitespace, and ${options.format} splits its lines on whitespace; ` +
          'export --format tree (with --class-names torchvision) or pytorchvideo, or keep clips in the tool\'s layout (kinetics fetch)',
      );
    }
    listed.push({ ...row, label_idx: labelIndex, exportPath, file });
  }

  const earlier = earlierExport(options.out);
  mkdirSync(options.out, { recursive: true });
  const files: WrittenFile[] = [];
  const write = (name: string, text: string) => {
    writeFileSync(join(options.out, name), text);
    files.push({ name, sha256: sha256(text), lines: countLines(text) });
  };
  const clipFiles = writeLists(options, listed, write);
  write('classes.txt', labelMap.labels.map((label) => `${label}\n`).join(''));
  write('classes.json', `${JSON.stringify({ labels: labelMap.labels, source: labelMap.source }, null, 2)}\n`);
  write(
    'excluded.csv',
    ['version,split,clip_key,label,status', ...excluded.map((row) => [row.version, row.split, row.clip_key, row.label, row.status].map(csvField).join(','))]
      .map((line) => `${line}\n`)
      .join(''),
  );

  const count = (key: (clip: ListedClip) => string) => {
    const counts: Record<string, number> = {};
    for (const clip of listed) counts[key(clip)] = (counts[key(clip)] ?? 0) + 1;
    return Object.fromEntries(Object.entries(counts).sort(([a], [b]) => (a < b ? -1 : 1)));
  };
  const excludedByStatus: Record<string, number> = {};
  for (const row of excluded) excludedByStatus[row.status] = (excludedByStatus[row.status] ?? 0) + 1;
  const sources = annotationSourcesOf(catalog, versions);
  const manifest = {
    tool: 'kinetics',
    tool_version: packageVersion,
    subset: { name: subset.name, definition: subset.definition, clips: subset.clips },
    version: options.version ?? null,
    format: options.format,
    paths: options.paths,
    video_root: options.videoRoot,
    label_map: { source: labelMap.source, classes: labelMap.labels.length, sha256: sha256(labelMap.labels.join('\n')) },
    include_missing: options.includeMissing,
    exclude_overlap_with: options.excludeOverlapWith.map((entry) => `${entry.version}:${entry.split}`),
    counts: {
      listed: listed.length,
      by_split: count((clip) => `${clip.version}:${clip.split}`),
      by_class: count((clip) => clip.label ?? '(unlabeled)'),
      excluded_by_status: Object.fromEntries(Object.entries(excludedByStatus).sort(([a], [b]) => (a < b ? -1 : 1))),
      dropped_as_overlapping: overlapCount,
    },
    catalog_sources: sources,
    files: [...files].sort((a, b) => (a.name < b.name ? -1 : 1)),
  };
  writeFileSync(join(options.out, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  removeStale(options.out, earlier, new Set([...clipFiles, ...files.map((file) => file.name), 'manifest.json']));
  return { listed: listed.length, excluded: excluded.length, excludedByStatus, overlapping: overlapCount, files };
}

/** Writes the format's lists; returns the clip files a tree export laid out, relative to `out`. */
function writeLists(options: ExportOptions, listed: ListedClip[], write: (name: string, text: string) => void): string[] {
  switch (options.format) {
    case 'csv':
      write(
        'clips.csv',
        ['clip_key,youtube_id,time_start,time_end,label,label_idx,split,path,status', ...listed.map((clip) =>
          [clip.clip_key, clip.youtube_id, clip.time_start, clip.time_end, clip.label, clip.label_idx, clip.split, clip.exportPath, clip.status].map(csvField).join(','),
        )].map((line) => `${line}\n`).join(''),
      );
      return [];
    case 'jsonl':
      write(
        'clips.jsonl',
        listed
          .map((clip) =>
            `${JSON.stringify({ clip_key: clip.clip_key, youtube_id: clip.youtube_id, time_start: clip.time_start, time_end: clip.time_end, label: clip.label, label_idx: clip.label_idx, version: clip.version, split: clip.split, path: clip.exportPath, status: clip.status })}\n`,
          )
          .join(''),
      );
      return [];
    case 'mmaction':
    case 'pytorchvideo':
    case 'slowfast':
    case 'videomae': {
      const bySplit = new Map<string, ListedClip[]>();
      for (const clip of listed) bySplit.set(listFileName(options.format, clip.version, clip.split), [...(bySplit.get(listFileName(options.format, clip.version, clip.split)) ?? []), clip]);
      for (const [name, clips] of [...bySplit].sort(([a], [b]) => (a < b ? -1 : 1))) {
        write(name, clips.map((clip) => `${clip.exportPath} ${clip.label_idx}\n`).join(''));
      }
      return [];
    }
    case 'tree':
    case 'fiftyone': {
      const lines: string[] = [];
      for (const clip of listed) {
        const folder = clip.label === null ? '_unlabeled' : options.classNames === 'torchvision' ? classFolder(clip.label) : safeFolderName(clip.label);
        const name = join(clip.split, folder, `${clip.clip_key}${extname(clip.file) || '.mp4'}`);
        const target = join(options.out, name);
        mkdirSync(dirname(target), { recursive: true });
        // Made beside the target and renamed over it: a failure leaves an earlier export's file in place.
        const partial = `${target}.partial`;
        rmSync(partial, { force: true });
        if (options.link === 'copy') copyFileSync(clip.file, partial);
        else if (options.link === 'hardlink') linkSync(clip.file, partial);
        else symlinkSync(clip.file, partial);
        renameSync(partial, target);
        lines.push(`${name.split(sep).join('/')}\t${clip.label_idx}`);
      }
      write('tree.tsv', lines.map((line) => `${line}\n`).join(''));
      return lines.map((line) => line.slice(0, line.indexOf('\t')));
    }
  }
}
