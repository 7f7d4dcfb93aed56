import { InputError } from '../errors.js';
import { VERSIONS } from '../sources/bucket-layout.js';
import { readExportManifest } from '../export/manifest-diff.js';
import type { SubsetDefinition } from './definition.js';

/** What an export's manifest says of the subset it was made from: enough to make the same subset in another catalog. */
export interface ManifestSubset {
  file: string;
  name: string;
  definition: SubsetDefinition;
  clips: number;
  /** How the export's parts were dealt (`export --parts`), to deal them alike. */
  splitInto?: { parts: Record<string, number>; seed: number; stratify: boolean };
  /** The annotation files the exporting catalog held, by sha256. */
  sources: { path: string; sha256: string }[];
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
const isWhole = (value: unknown, least: number) => Number.isInteger(value) && (value as number) >= least;
const isNames = (value: unknown) => Array.isArray(value) && value.every((item) => typeof item === 'string');

/** What each field of a definition must be, as `subset create` would have made it. */
const DEFINITION_FIELDS: Record<string, [(value: unknown) => boolean, string]> = {
  versions: [(value) => isNames(value) && (value as string[]).length > 0 && (value as string[]).every((version) => (VERSIONS as readonly string[]).includes(version)), `a list of ${VERSIONS.join(', ')}`],
  splits: [isNames, 'a list of split names'],
  classes: [isNames, 'a list of class names'],
  match: [(value) => value === null || typeof value === 'string', 'a GLOB or null'],
  perClass: [(value) => value === null || isWhole(value, 1), 'a whole number ≥ 1 or null'],
  limit: [(value) => value === null || isWhole(value, 1), 'a whole number ≥ 1 or null'],
  seed: [(value) => isWhole(value, 0), 'a whole number'],
  onlyMissing: [(value) => typeof value === 'boolean', 'true or false'],
  onlyOnDisk: [(value) => typeof value === 'boolean', 'true or false'],
  sql: [(value) => value === null || typeof value === 'string', 'a SELECT or null'],
};

/** A manifest edited by hand, or of another tool, is refused with what it lacks: it never makes another subset. */
function checkManifestSubset(file: string, subset: Record<string, unknown>, sources: unknown): void {
  const refuse = (field: string, expected: string, found: unknown) => {
    throw new InputError(file, undefined, `expected ${field} to be ${expected}, found ${JSON.stringify(found) ?? 'nothing'}`);
  };
  const definition = subset.definition;
  if (!isRecord(definition)) refuse('subset.definition', 'the options the subset was made with', definition);
  for (const [field, [valid, expected]] of Object.entries(DEFINITION_FIELDS)) {
    if (!valid((definition as Record<string, unknown>)[field])) refuse(`subset.definition.${field}`, expected, (definition as Record<string, unknown>)[field]);
  }
  if (!isWhole(subset.clips, 0)) refuse('subset.clips', 'a whole number', subset.clips);
  if (!Array.isArray(sources) || !sources.every((source) => isRecord(source) && typeof source.path === 'string' && typeof source.sha256 === 'string')) {
    refuse('catalog_sources', 'a list of {path, sha256}', sources);
  }
  const splitInto = subset.split_into;
  if (splitInto === undefined) return;
  const shares = isRecord(splitInto) && isRecord(splitInto.parts) ? Object.entries(splitInto.parts) : [];
  const total = shares.reduce((sum, [, share]) => sum + (typeof share === 'number' ? share : Number.NaN), 0);
  if (shares.length < 2 || shares.some(([name, share]) => !/^[\w.-]+$/.test(name) || typeof share !== 'number' || share <= 0) || Math.abs(total - 1) > 1e-6) {
    refuse('subset.split_into.parts', 'two or more part names with positive shares that add up to 1', isRecord(splitInto) ? splitInto.parts : splitInto);
  }
  if (!isWhole((splitInto as Record<string, unknown>).seed, 0)) refuse('subset.split_into.seed', 'a whole number', (splitInto as Record<string, unknown>).seed);
  if (typeof (splitInto as Record<string, unknown>).stratify !== 'boolean') refuse('subset.split_into.stratify', 'true or false', (splitInto as Record<string, unknown>).stratify);
}

export function subsetOfManifest(given: string): ManifestSubset {
  const { file, manifest } = readExportManifest(given);
  checkManifestSubset(file, manifest.subset as unknown as Record<string, unknown>, manifest.catalog_sources);
  const definition = manifest.subset.definition as SubsetDefinition & { partOf?: SubsetDefinition['partOf'] };
  if (definition.partOf) {
    // A part's definition carries the split's seed in place of its parent's: the parent cannot be made from it.
    throw new InputError(
      file,
      undefined,
      `expected the export of a whole subset; this is of ${manifest.subset.name}, a part of ${definition.partOf.subset}: export ${definition.partOf.subset} with --parts, and make it from that manifest`,
    );
  }
  return {
    file,
    name: manifest.subset.name,
    definition,
    clips: manifest.subset.clips,
    splitInto: manifest.subset.split_into,
    sources: manifest.catalog_sources,
  };
}

/** The exporting catalog's annotation files that this one holds with other bytes, or not at all. */
export function differingSources(exported: { path: string; sha256: string }[], held: { path: string; sha256: string }[]): string[] {
  const here = new Map(held.map((source) => [source.path, source.sha256]));
  return exported.filter((source) => here.get(source.path) !== source.sha256).map((source) => source.path);
}
