import { InputError } from '../errors.js';
import { readManifest } from '../export/manifest-diff.js';
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

export function subsetOfManifest(given: string): ManifestSubset {
  const { file, manifest } = readManifest(given);
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
    sources: manifest.catalog_sources ?? [],
  };
}

/** The exporting catalog's annotation files that this one holds with other bytes, or not at all. */
export function differingSources(exported: { path: string; sha256: string }[], held: { path: string; sha256: string }[]): string[] {
  const here = new Map(held.map((source) => [source.path, source.sha256]));
  return exported.filter((source) => here.get(source.path) !== source.sha256).map((source) => source.path);
}
