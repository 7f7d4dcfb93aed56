import { existsSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { list } from 'tar';
import { InputError, KineticsError } from '../errors.js';

/** What one export lists: each clip by split and key, with its label (null: unlabeled). */
export interface ExportContents {
  folder: string;
  manifest: Manifest;
  labels: string[];
  clips: Map<string, { split: string; clipKey: string; label: string | null }>;
}

export interface Manifest {
  format: string;
  tool_version?: string;
  subset: { name: string; definition: unknown; clips: number; split_into?: { parts: Record<string, number>; seed: number; stratify: boolean } };
  label_map: { source: string; classes: number; sha256: string };
  catalog_sources: { path: string; sha256: string }[];
  files: { name: string }[];
  split_names?: Record<string, string>;
}

/** A manifest.json, or the export folder holding one. */
function manifestPath(given: string): string {
  return existsSync(given) && statSync(given).isDirectory() ? join(given, 'manifest.json') : given;
}

const clipKeyOf = (path: string) => basename(path).replace(/\.[^.]*$/, '');
const labelOf = (labels: string[], index: number, file: string, line: number) => {
  if (index === -1) return null;
  const label = labels[index];
  if (label === undefined) throw new InputError(file, line, `expected a label index of classes.txt (0–${labels.length - 1}), found ${index}`);
  return label;
};

/** The manifest of an export (its folder, or its manifest.json), and the file it was read from. */
export function readExportManifest(given: string): { file: string; manifest: Manifest } {
  const file = manifestPath(given);
  if (!existsSync(file)) throw new KineticsError(`${given}: no manifest.json; give an export folder or its manifest`, 66);
  let manifest: Manifest;
  try {
    manifest = JSON.parse(readFileSync(file, 'utf8')) as Manifest;
  } catch (error) {
    throw new InputError(file, undefined, `expected the JSON manifest of a kinetics export (${(error as Error).message})`);
  }
  if (typeof manifest?.format !== 'string' || !Array.isArray(manifest.files) || typeof manifest.subset?.definition !== 'object') {
    throw new InputError(file, undefined, 'expected the manifest of a kinetics export (format, subset, files)');
  }
  return { file, manifest };
}

/** Reads an export back: its manifest, its label map and, from the lists its format wrote, every clip it lists. */
export async function readExport(given: string): Promise<ExportContents> {
  const { file, manifest } = readExportManifest(given);
  const folder = dirname(file);
  const labels = readFileSync(join(folder, 'classes.txt'), 'utf8').split('\n').slice(0, -1);
  const contents: ExportContents = { folder, manifest, labels, clips: new Map() };
  const add = (split: string, clipKey: string, label: string | null) => contents.clips.set(`${split}\0${clipKey}`, { split, clipKey, label });
  const lines = (name: string) => readFileSync(join(folder, name), 'utf8').split('\n').slice(0, -1);
  const names = manifest.files.map((entry) => entry.name);
  switch (manifest.format) {
    case 'csv':
    case 'jsonl': {
      const rows =
        manifest.format === 'jsonl'
          ? lines('clips.jsonl').map((line) => JSON.parse(line) as Record<string, unknown>)
          : (parse(readFileSync(join(folder, 'clips.csv')), { columns: true }) as Record<string, string>[]);
      for (const row of rows) add(String(row.split), String(row.clip_key), row.label === null || row.label === '' ? null : String(row.label));
      break;
    }
    case 'mmaction':
    case 'pytorchvideo':
    case 'slowfast':
    case 'videomae': {
      const listed = names.filter((name) => (manifest.format === 'mmaction' ? name.endsWith('_list_videos.txt') : name.endsWith('.csv') && name !== 'excluded.csv'));
      for (const name of listed) {
        const split = manifest.format === 'mmaction' ? name.replace(/^.*?_(?=[a-z_]+_list_videos\.txt$)/, '').replace(/_list_videos\.txt$/, '') : name.replace(/\.csv$/, '');
        lines(name).forEach((line, index) => {
          const cut = line.search(/\s\S+$/);
          add(split, clipKeyOf(line.slice(0, cut)), labelOf(labels, Number(line.slice(cut + 1)), join(folder, name), index + 1));
        });
      }
      break;
    }
    case 'tree':
    case 'fiftyone':
    case 'hf':
      lines('tree.tsv').forEach((line, index) => {
        const [path = '', labelIdx = ''] = line.split('\t');
        add(path.slice(0, path.indexOf('/')), clipKeyOf(path), labelOf(labels, Number(labelIdx), join(folder, 'tree.tsv'), index + 1));
      });
      break;
    case 'webdataset':
      for (const name of names.filter((entry) => entry.endsWith('.tar'))) {
        await list({
          file: join(folder, name),
          onReadEntry: (entry) => {
            if (!entry.path.endsWith('.json')) return void entry.resume();
            let text = '';
            entry.on('data', (chunk: Buffer) => (text += chunk.toString()));
            entry.on('end', () => {
              const sample = JSON.parse(text) as { split: string; clip_key: string; label: string | null };
              add(sample.split, sample.clip_key, sample.label);
            });
          },
        });
      }
      break;
    default:
      throw new InputError(file, undefined, `expected a format this build reads back, found "${manifest.format}"`);
  }
  return contents;
}

/** One field of the subset definitions that differs (nested fields dotted: `partOf.seed`); absent: undefined. */
export interface DefinitionChange {
  field: string;
  a: unknown;
  b: unknown;
}

export interface ManifestDiff {
  same: boolean;
  subset: { a: string; b: string; definitionChanged: boolean; definitionChanges: DefinitionChange[] };
  formats: { a: string; b: string };
  labelMap: { same: boolean; added: string[]; removed: string[]; renumbered: { label: string; a: number; b: number }[] };
  sources: { changed: { path: string; a: string; b: string }[]; added: string[]; removed: string[] };
  clips: { added: number; removed: number; relabeled: number; bySplitAndClass: { split: string; label: string | null; added: number; removed: number; relabeled: number }[] };
}

/** What changed from export A to export B: subset definition, label map, the catalog's source files, and clips. */
export function diffExports(a: ExportContents, b: ExportContents): ManifestDiff {
  const indexOf = (labels: string[]) => new Map(labels.map((label, index) => [label, index]));
  const [aIndex, bIndex] = [indexOf(a.labels), indexOf(b.labels)];
  const labelMap = {
    added: b.labels.filter((label) => !aIndex.has(label)),
    removed: a.labels.filter((label) => !bIndex.has(label)),
    renumbered: a.labels.flatMap((label, index) => (bIndex.has(label) && bIndex.get(label) !== index ? [{ label, a: index, b: bIndex.get(label)! }] : [])),
    same: false,
  };
  labelMap.same = labelMap.added.length + labelMap.removed.length + labelMap.renumbered.length === 0;

  const aSources = new Map(a.manifest.catalog_sources.map((source) => [source.path, source.sha256]));
  const bSources = new Map(b.manifest.catalog_sources.map((source) => [source.path, source.sha256]));
  const sources = {
    changed: [...aSources].flatMap(([path, sha]) => (bSources.has(path) && bSources.get(path) !== sha ? [{ path, a: sha, b: bSources.get(path)! }] : [])),
    added: [...bSources.keys()].filter((path) => !aSources.has(path)),
    removed: [...aSources.keys()].filter((path) => !bSources.has(path)),
  };

  const groups = new Map<string, { split: string; label: string | null; added: number; removed: number; relabeled: number }>();
  const count = (split: string, label: string | null, kind: 'added' | 'removed' | 'relabeled') => {
    const key = `${split}\0${label ?? ''}`;
    let group = groups.get(key);
    if (!group) groups.set(key, (group = { split, label, added: 0, removed: 0, relabeled: 0 }));
    group[kind]++;
  };
  for (const [key, clip] of b.clips) {
    const before = a.clips.get(key);
    if (!before) count(clip.split, clip.label, 'added');
    else if (before.label !== clip.label) count(clip.split, clip.label, 'relabeled');
  }
  for (const [key, clip] of a.clips) if (!b.clips.has(key)) count(clip.split, clip.label, 'removed');
  const bySplitAndClass = [...groups.values()].sort((x, y) => (x.split < y.split ? -1 : x.split > y.split ? 1 : (x.label ?? '') < (y.label ?? '') ? -1 : 1));
  const total = (kind: 'added' | 'removed' | 'relabeled') => bySplitAndClass.reduce((sum, group) => sum + group[kind], 0);
  const clips = { added: total('added'), removed: total('removed'), relabeled: total('relabeled'), bySplitAndClass };

  const definitionChanges = diffDefinitions(a.manifest.subset.definition, b.manifest.subset.definition);
  return {
    same: labelMap.same && sources.changed.length + sources.added.length + sources.removed.length === 0 && clips.added + clips.removed + clips.relabeled === 0,
    subset: { a: a.manifest.subset.name, b: b.manifest.subset.name, definitionChanged: definitionChanges.length > 0, definitionChanges },
    formats: { a: a.manifest.format, b: b.manifest.format },
    labelMap,
    sources,
    clips,
  };
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** The fields in which two subset definitions differ, in the order they are written. */
export function diffDefinitions(a: unknown, b: unknown, prefix = ''): DefinitionChange[] {
  if (isRecord(a) && isRecord(b)) {
    const fields = [...new Set([...Object.keys(a), ...Object.keys(b)])];
    return fields.flatMap((field) => diffDefinitions(a[field], b[field], `${prefix}${field}.`));
  }
  const field = prefix.slice(0, -1);
  return JSON.stringify(a) === JSON.stringify(b) ? [] : [{ field, a, b }];
}
