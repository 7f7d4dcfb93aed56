import { readUserInput } from '../../util/read-user-file.js';
import { Catalog } from '../../catalog/catalog.js';
import { UsageError } from '../../errors.js';
import { OUTPUT_OPTIONS, OUTPUT_USAGE, chooseFormat, writeRows } from '../../query/output-formats.js';
import { SPLITS, type Split, VERSIONS, type VersionId, normaliseSplit, parseVersion } from '../../sources/bucket-layout.js';
import type { SubsetDefinition } from '../../subset/definition.js';
import { classNotes } from '../../catalog/clip-selection.js';
import { createSubset, dropSubset, findSubset, listSubsets, storeSubsets, subsetClassCounts, subsetClips } from '../../catalog/subsets.js';
import { foldParts, parseParts, splitClips } from '../../subset/split-subset.js';
import { closestNames } from '../../util/closest-names.js';
import { type Command, type OptionSpecs, type GlobalOptions, parseCommandArgs } from '../command.js';
import { wholeNumberOption } from '../number-options.js';

const usage = [
  'kinetics subset create NAME [--version V ...] [--split S ...] [--class LABEL ...] [--classes-file F] [--match GLOB]',
  '                            [--per-class N] [--limit N] [--seed N] [--only-missing|--only-on-disk] [--sql SELECT] [--replace]',
  '       kinetics subset split NAME (--into train=0.8,val=0.2 | --folds K) [--seed N] [--stratify] [--replace]',
  `       kinetics subset list | show NAME ${OUTPUT_USAGE}`,
  '       kinetics subset drop NAME',
  '       (all: [--home DIR] [--db FILE])',
].join('\n');

/** A subset's definition from its options; `--classes-file -` reads the classes from `readStdin`. */
export function parseDefinition(values: Record<string, string | string[] | boolean | undefined>, readStdin: () => string = () => ''): SubsetDefinition {
  const list = (key: string) => (values[key] as string[] | undefined) ?? [];
  const versions = list('version').map((text) => {
    const version = parseVersion(text);
    if (!version) throw new UsageError(`unknown version "${text}"; closest: ${closestNames(text, VERSIONS).join(', ')}`);
    return version;
  });
  const splits = list('split').map((text) => {
    const split = normaliseSplit(text);
    if (!split) throw new UsageError(`unknown split "${text}"; closest: ${closestNames(text, SPLITS).join(', ')}`);
    return split;
  });
  const classesFile = values['classes-file'] as string | undefined;
  const classesText = classesFile === undefined ? '' : readUserInput(classesFile, readStdin).text;
  const fileClasses = classesText.split(/\r?\n/).map((line) => line.trim()).filter(Boolean);
  if (values['only-missing'] && values['only-on-disk']) throw new UsageError('--only-missing and --only-on-disk exclude each other');
  return {
    versions: versions.length > 0 ? ([...new Set(versions)] as VersionId[]) : [...VERSIONS],
    splits: [...new Set(splits)] as Split[],
    classes: [...new Set([...list('class'), ...fileClasses])],
    match: (values.match as string | undefined) ?? null,
    perClass: wholeNumberOption('--per-class', values['per-class'] as string | undefined),
    limit: wholeNumberOption('--limit', values.limit as string | undefined),
    seed: wholeNumberOption('--seed', values.seed as string | undefined) ?? 0,
    onlyMissing: values['only-missing'] === true,
    onlyOnDisk: values['only-on-disk'] === true,
    sql: (values.sql as string | undefined) ?? null,
  };
}

async function withCatalog<T>(globals: GlobalOptions, readonly: boolean, body: (catalog: Catalog) => T): Promise<T> {
  const catalog = Catalog.open(globals.db, { readonly, mustExist: true });
  try {
    return body(catalog);
  } finally {
    await catalog.close();
  }
}

const options = {
  version: { type: 'string', multiple: true, value: 'V', description: 'create: clips of this version (repeatable)', defaultText: 'all' },
  split: { type: 'string', multiple: true, value: 'S', description: 'create: clips of this split (repeatable)', defaultText: 'all' },
  class: { type: 'string', multiple: true, value: 'LABEL', description: 'create: clips of this class (repeatable)', defaultText: 'all' },
  'classes-file': { type: 'string', value: 'FILE', description: 'create: the classes, one a line (- reads them from stdin)' },
  match: { type: 'string', value: 'GLOB', description: "create: classes whose label matches (e.g. 'play*')" },
  'per-class': { type: 'string', value: 'N', description: 'create: at most N clips of each class, drawn with the seed' },
  limit: { type: 'string', value: 'N', description: 'create: at most N clips in all, drawn with the seed' },
  seed: { type: 'string', value: 'N', description: 'create, split: the seed of every draw', defaultText: '0' },
  'only-missing': { type: 'boolean', description: 'create: only clips not usable on disk' },
  'only-on-disk': { type: 'boolean', description: 'create: only clips usable on disk' },
  sql: { type: 'string', value: 'SELECT', description: 'create: the clips a query returns (columns version, split, clip_key)' },
  replace: { type: 'boolean', description: 'create, split: replace a subset of that name' },
  into: { type: 'string', value: 'PART=SHARE,…', description: 'split: parts and their shares (train=0.8,val=0.2)' },
  folds: { type: 'string', value: 'K', description: 'split: K parts of equal share' },
  stratify: { type: 'boolean', description: 'split: each class keeps its share in every part' },
  ...OUTPUT_OPTIONS,
} as const satisfies OptionSpecs;

export const subsetCommand: Command = {
  usage,
  options,
  examples: [
    "kinetics subset create climbing --version k700-2020 --split train --class 'rock climbing' --per-class 100 --seed 7",
    'kinetics subset split climbing --into train=0.8,val=0.2 --stratify',
    'kinetics subset list',
  ],
  async run(args, globals) {
    const { values, positionals } = parseCommandArgs(
      args, options,
      usage,
    );
    const [action, name] = positionals;
    const format = chooseFormat(values, globals.io.stdout.isTTY === true);
    const print = (columns: string[], rows: unknown[][]) => writeRows(format, columns, rows, (text) => globals.io.stdout.write(text));
    switch (action) {
      case 'create': {
        if (!name) throw new UsageError(`subset create needs a NAME\nusage: ${usage}`);
        const definition = parseDefinition(values, () => globals.io.readStdin());
        const { clips, notes } = await withCatalog(globals, false, (catalog) => ({
          clips: createSubset(catalog, name, definition, values.replace ?? false),
          notes: classNotes(catalog, definition),
        }));
        for (const note of notes) globals.io.stderr.write(`note: ${note}\n`);
        globals.io.stderr.write(`subset ${name}: ${clips} clips\n`);
        return 0;
      }
      case 'split': {
        if (!name) throw new UsageError(`subset split needs a NAME\nusage: ${usage}`);
        if ((values.into === undefined) === (values.folds === undefined)) throw new UsageError(`subset split takes --into or --folds (one of them)\nusage: ${usage}`);
        const folds = wholeNumberOption('--folds', values.folds);
        if (folds !== null && folds < 2) throw new UsageError(`--folds takes 2 or more, not ${folds}`);
        const parts = folds === null ? parseParts(values.into!) : foldParts(folds);
        const seed = wholeNumberOption('--seed', values.seed) ?? 0;
        const stratify = values.stratify ?? false;
        const made = await withCatalog(globals, false, (catalog) => {
          const parent = findSubset(catalog, name);
          const dealt = splitClips(subsetClips(catalog, name), parts, seed, stratify);
          const partOf = { subset: name, parts: Object.fromEntries(parts.map((part) => [part.name, part.share])), seed, stratify };
          const subsets = parts.map((part) => ({
            name: `${name}-${part.name}`,
            definition: { ...parent.definition, seed, partOf: { ...partOf, part: part.name } },
            clips: dealt.get(part.name)!,
          }));
          storeSubsets(catalog, subsets, values.replace ?? false);
          return subsets;
        });
        for (const subset of made) globals.io.stderr.write(`subset ${subset.name}: ${subset.clips.length} clips\n`);
        return 0;
      }
      case 'list':
        await withCatalog(globals, true, (catalog) =>
          print(['name', 'clips', 'created_at'], listSubsets(catalog).map((subset) => [subset.name, subset.clips, subset.created_at])),
        );
        return 0;
      case 'show': {
        if (!name) throw new UsageError(`subset show needs a NAME\nusage: ${usage}`);
        await withCatalog(globals, true, (catalog) => {
          const subset = findSubset(catalog, name);
          globals.io.stderr.write(`subset ${subset.name}: ${subset.clips} clips, made ${subset.created_at} from ${JSON.stringify(subset.definition)}\n`);
          print(['version', 'split', 'label', 'clips', 'on_disk'], subsetClassCounts(catalog, name));
        });
        return 0;
      }
      case 'drop':
        if (!name) throw new UsageError(`subset drop needs a NAME\nusage: ${usage}`);
        await withCatalog(globals, false, (catalog) => dropSubset(catalog, name));
        globals.io.stderr.write(`dropped subset ${name}\n`);
        return 0;
      default:
        throw new UsageError(`subset takes create, split, list, show or drop\nusage: ${usage}`);
    }
  },
};
