import { splitOption, versionOption } from '../name-options.js';
import { formatCount, plural, someOf } from '../../util/words.js';
import { readUserInput } from '../../util/read-user-file.js';
import { Catalog } from '../../catalog/catalog.js';
import { UsageError } from '../../errors.js';
import { OUTPUT_FORMATS, OUTPUT_OPTIONS, OUTPUT_USAGE, chooseFormat, writeRows } from '../../query/output-formats.js';
import { nearestName } from '../../util/closest-names.js';
import { describeDefinition } from '../../subset/describe.js';
import { type Split, VERSIONS, type VersionId } from '../../sources/bucket-layout.js';
import type { SubsetDefinition } from '../../subset/definition.js';
import { classNotes } from '../../catalog/clip-selection.js';
import { createSubset, dropSubset, findSubset, listSubsets, partsOf, storeSubsets, subsetClassCounts, subsetClips } from '../../catalog/subsets.js';
import { type Part, foldParts, parseParts, splitClips } from '../../subset/split-subset.js';
import { differingSources, subsetOfManifest } from '../../subset/from-manifest.js';
import { annotationSourcesOf } from '../../catalog/source-files.js';
import { type Command, type OptionSpecs, type GlobalOptions, parseCommandArgs } from '../command.js';
import { wholeNumberOption } from '../number-options.js';

const usage = [
  'kinetics subset create NAME [--version V ...] [--split S ...] [--class LABEL ...] [--classes-file F] [--match GLOB]',
  '                            [--per-class N] [--limit N] [--seed N] [--only-missing|--only-on-disk] [--sql SELECT] [--replace]',
  '       kinetics subset create NAME --from-manifest EXPORT [--replace]',
  '       kinetics subset split NAME (--into train=0.8,val=0.2 | --folds K) [--seed N] [--stratify] [--replace]',
  `       kinetics subset list | show NAME ${OUTPUT_USAGE}`,
  '       kinetics subset drop NAME',
  '       (all: [--home DIR] [--db FILE])',
].join('\n');

/** A subset's definition from its options; `--classes-file -` reads the classes from `readStdin`. */
export function parseDefinition(values: Record<string, string | string[] | boolean | undefined>, readStdin: () => string = () => ''): SubsetDefinition {
  const list = (key: string) => (values[key] as string[] | undefined) ?? [];
  const versions = list('version').map(versionOption);
  const splits = list('split').map(splitOption);
  const classesFile = values['classes-file'] as string | undefined;
  const classesText = classesFile === undefined ? '' : readUserInput(classesFile, readStdin).text;
  // Blank lines and `#` comments are no classes; a file with none (a grep that found nothing) would mean every class.
  const fileClasses = classesText.split(/\r?\n/).map((line) => line.trim()).filter((line) => line !== '' && !line.startsWith('#'));
  if (classesFile !== undefined && fileClasses.length === 0) throw new UsageError(`--classes-file ${classesFile} names no class (one a line; blank lines and # comments are skipped)`);
  if (values['only-missing'] && values['only-on-disk']) throw new UsageError('--only-missing and --only-on-disk exclude each other');
  const sql = values.sql === '-' ? readStdin() : ((values.sql as string | undefined) ?? null);
  // A query picks the clips itself: a filter beside it would be ignored, so it is refused (the sampling applies).
  const filters = ['version', 'split', 'class', 'classes-file', 'match'].filter((name) => values[name] !== undefined && (!Array.isArray(values[name]) || values[name].length > 0));
  if (sql !== null && filters.length > 0) {
    throw new UsageError(`--sql picks the clips itself: put ${filters.map((name) => `--${name}`).join(', ')} in its WHERE (--per-class, --limit, --seed and --only-… apply to what it returns)`);
  }
  return {
    versions: versions.length > 0 ? ([...new Set(versions)] as VersionId[]) : [...VERSIONS],
    splits: [...new Set(splits)] as Split[],
    classes: [...new Set([...list('class'), ...fileClasses])],
    match: (values.match as string | undefined) ?? null,
    perClass: wholeNumberOption('--per-class', values['per-class'] as string | undefined, 1),
    limit: wholeNumberOption('--limit', values.limit as string | undefined, 1),
    seed: wholeNumberOption('--seed', values.seed as string | undefined) ?? 0,
    onlyMissing: values['only-missing'] === true,
    onlyOnDisk: values['only-on-disk'] === true,
    sql,
  };
}

/** Deals a subset's clips into parts stored as `NAME-PART`, each with the parent's definition and how it was dealt. */
function splitSubset(catalog: Catalog, name: string, parts: Part[], seed: number, stratify: boolean, replace: boolean): { name: string; clips: number }[] {
  const parent = findSubset(catalog, name);
  const dealt = splitClips(subsetClips(catalog, name), parts, seed, stratify);
  const partOf = { subset: name, parts: Object.fromEntries(parts.map((part) => [part.name, part.share])), seed, stratify };
  const subsets = parts.map((part) => ({
    name: `${name}-${part.name}`,
    definition: { ...parent.definition, seed, partOf: { ...partOf, part: part.name } },
    clips: dealt.get(part.name)!,
  }));
  storeSubsets(catalog, subsets, replace);
  return subsets.map((subset) => ({ name: subset.name, clips: subset.clips.length }));
}

/**
 * `subset create NAME --from-manifest EXPORT`: the subset an export was made from, made again from its definition
 * (and its parts dealt again as the export's were), with a note where this catalog's annotation files or the clip
 * count differ from the exporting one's.
 */
async function createFromManifest(name: string, values: Record<string, unknown>, globals: GlobalOptions): Promise<number> {
  const given = ['version', 'split', 'class', 'classes-file', 'match', 'per-class', 'limit', 'seed', 'only-missing', 'only-on-disk', 'sql'].filter(
    (option) => values[option] !== undefined && (!Array.isArray(values[option]) || values[option].length > 0),
  );
  if (given.length > 0) throw new UsageError(`--from-manifest takes the definition the export was made with: ${given.map((option) => `--${option}`).join(', ')} would change it`);
  const exported = subsetOfManifest(values['from-manifest'] as string);
  const replace = (values.replace as boolean | undefined) ?? false;
  const made = await withCatalog(globals, false, (catalog) => {
    const differing = differingSources(exported.sources, annotationSourcesOf(catalog, exported.definition.versions));
    // The subset and its parts, or nothing.
    return catalog.sqlite
      .transaction(() => {
        const clips = createSubset(catalog, name, exported.definition, replace);
        const { splitInto } = exported;
        // The parts of the subset replaced would be parts of no subset: they go, and the export's are made.
        if (splitInto && replace) for (const part of partsOf(catalog, name)) dropSubset(catalog, part);
        const parts = splitInto
          ? splitSubset(catalog, name, Object.entries(splitInto.parts).map(([part, share]) => ({ name: part, share })), splitInto.seed, splitInto.stratify, replace)
          : [];
        return { clips, parts, differing };
      })
      .immediate();
  });
  const notes = [
    ...(made.differing.length > 0 ? [`this catalog's annotation files differ from the exporting one's (${someOf(made.differing)}): the clips may differ`] : []),
    ...(made.clips !== exported.clips ? [`the export's subset ${exported.name} held ${plural(exported.clips, 'clip')}; this one holds ${formatCount(made.clips)}`] : []),
    ...(exported.definition.onlyMissing || exported.definition.onlyOnDisk ? ['its definition depends on what is on disk (--only-missing or --only-on-disk), which differs between homes'] : []),
  ];
  for (const note of notes) globals.io.stderr.write(`note: ${note}\n`);
  if (values.json) globals.io.stdout.write(`${JSON.stringify({ subset: name, clips: made.clips, parts: made.parts, notes }, null, 2)}\n`);
  else {
    globals.io.stderr.write(`subset ${name}: ${plural(made.clips, 'clip')}, made as ${exported.name} of ${exported.file} was\n`);
    for (const part of made.parts) globals.io.stderr.write(`subset ${part.name}: ${plural(part.clips, 'clip')}\n`);
  }
  return 0;
}

async function withCatalog<T>(globals: GlobalOptions, readonly: boolean, body: (catalog: Catalog) => T): Promise<T> {
  const catalog = Catalog.open(globals.db, { readonly, mustExist: true });
  try {
    return body(catalog);
  } finally {
    await catalog.close();
  }
}

const ACTIONS = ['create', 'split', 'list', 'show', 'drop'];

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
  sql: { type: 'string', value: 'SELECT', description: 'create: the clips a query returns (columns version, split, clip_key; - reads it from stdin)' },
  replace: { type: 'boolean', description: 'create, split: replace a subset of that name' },
  'from-manifest': { type: 'string', value: 'EXPORT', description: "create: the subset an export was made from (its folder or manifest.json), and its parts" },
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
    // create, split and drop print a summary, not rows: --json gives it as JSON; the other row formats mean nothing.
    const summary = (text: string, json: unknown) => {
      const rowFormat = OUTPUT_FORMATS.find((flag) => flag !== 'json' && values[flag]);
      if (rowFormat) throw new UsageError(`--${rowFormat} is for subset list and show; ${action} prints a summary (--json gives it as JSON)`);
      if (values.json) globals.io.stdout.write(`${JSON.stringify(json, null, 2)}\n`);
      else globals.io.stderr.write(text);
    };
    switch (action) {
      case 'create': {
        if (!name) throw new UsageError(`subset create needs a NAME\nusage: ${usage}`);
        if (values['from-manifest'] !== undefined) return createFromManifest(name, values, globals);
        const definition = parseDefinition(values, () => globals.io.readStdin());
        const { clips, notes } = await withCatalog(globals, false, (catalog) => ({
          clips: createSubset(catalog, name, definition, values.replace ?? false),
          notes: classNotes(catalog, definition),
        }));
        for (const note of notes) globals.io.stderr.write(`note: ${note}\n`);
        summary(`subset ${name}: ${plural(clips, 'clip')}\n`, { subset: name, clips, notes });
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
        const made = await withCatalog(globals, false, (catalog) => splitSubset(catalog, name, parts, seed, stratify, values.replace ?? false));
        summary(
          made.map((subset) => `subset ${subset.name}: ${plural(subset.clips, 'clip')}\n`).join(''),
          made.map((subset) => ({ subset: subset.name, clips: subset.clips })),
        );
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
          globals.io.stderr.write(`subset ${subset.name}: ${plural(subset.clips, 'clip')}, made ${subset.created_at}: ${describeDefinition(subset.definition)}\n`);
          print(['version', 'split', 'label', 'clips', 'on_disk'], subsetClassCounts(catalog, name));
        });
        return 0;
      }
      case 'drop':
        if (!name) throw new UsageError(`subset drop needs a NAME\nusage: ${usage}`);
        await withCatalog(globals, false, (catalog) => dropSubset(catalog, name));
        summary(`dropped subset ${name}\n`, { dropped: name });
        return 0;
      default: {
        const near = action === undefined ? undefined : nearestName(action, ACTIONS);
        throw new UsageError(`subset takes ${ACTIONS.join(', ')}${near ? ` (did you mean ${near}?)` : ''}\nusage: ${usage}`);
      }
    }
  },
};
