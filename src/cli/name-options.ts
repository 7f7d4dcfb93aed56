import { UsageError } from '../errors.js';
import { SPLITS, type Split, VERSIONS, type VersionId, normaliseSplit, parseVersion, unknownName } from '../sources/bucket-layout.js';

/** A version as typed on the command line (`k400`, `400`, `K700`), or a usage error naming the versions. */
export function versionOption(text: string): VersionId {
  const version = parseVersion(text);
  if (!version) throw new UsageError(unknownName('version', text, VERSIONS));
  return version;
}

/** An annotation split as typed (`val`, `validate`, `holdout`), or a usage error naming the splits. */
export function splitOption(text: string): Split {
  const split = normaliseSplit(text);
  if (!split) throw new UsageError(unknownName('split', text, SPLITS));
  return split;
}
