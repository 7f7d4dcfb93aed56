import { plural, someOf } from '../util/words.js';
import type { SubsetDefinition } from './definition.js';

/** A definition as a person would say it: `k400 val · 3 classes (abseiling, …) · 4 a class · seed 7`. */
export function describeDefinition(definition: SubsetDefinition): string {
  if (definition.partOf) {
    const { subset, part, parts } = definition.partOf;
    return `part ${part} of ${subset} (${Object.entries(parts).map(([name, share]) => `${name} ${share}`).join(', ')}, seed ${definition.partOf.seed})`;
  }
  if (definition.sql !== null) return `sql: ${definition.sql.replace(/\s+/g, ' ').trim()}`;
  const parts = [
    `${definition.versions.join(', ')} ${definition.splits.length > 0 ? definition.splits.join(', ') : 'every split'}`,
    definition.classes.length > 0 ? `${plural(definition.classes.length, 'class')} (${someOf(definition.classes, 3)})` : 'every class',
    definition.match !== null ? `labels like ${definition.match}` : '',
    definition.perClass !== null ? `${definition.perClass} a class` : '',
    definition.limit !== null ? `at most ${definition.limit}` : '',
    definition.onlyMissing ? 'only missing' : definition.onlyOnDisk ? 'only on disk' : '',
    definition.perClass !== null || definition.limit !== null ? `seed ${definition.seed}` : '',
  ];
  return parts.filter(Boolean).join(' · ');
}
