import { existsSync } from 'node:fs';
import { Catalog } from '../../catalog/catalog.js';
import { type MergeSummary, mergeWorkerCatalog } from '../../catalog/workers.js';
import { KineticsError, UsageError } from '../../errors.js';
import { workerCatalogFiles, workersFolder } from '../../fetch/worker-fetch.js';
import { canonicalPath } from '../../util/canonical-path.js';
import { plural } from '../../util/words.js';
import { type Command, type OptionSpecs, QUIET, parseCommandArgs } from '../command.js';

const usage = 'kinetics merge [WORKER_DB...] [--json] [--quiet] [--home DIR] [--db FILE]';

/** The catalogs named, or every worker catalog under `--home/workers/`. */
function workerCatalogs(named: string[], home: string): string[] {
  if (named.length > 0) {
    for (const file of named) if (!existsSync(file)) throw new KineticsError(`${file}: no such worker catalog`, 66);
    return named;
  }
  const found = workerCatalogFiles(home);
  if (found.length === 0) throw new KineticsError(`no worker catalogs in ${workersFolder(home)}; name them: ${usage}`, 66);
  return found;
}

export function describeMerge(file: string, { files, shards, learnedShards }: MergeSummary): string {
  return `merged     ${file}: ${plural(files, 'file')} recorded, ${plural(shards, 'shard')} further along, members of ${plural(learnedShards, 'shard')} learned`;
}

const options = {
  json: { type: 'boolean', description: 'what each merge changed, as JSON on stdout' },
  ...QUIET,
} as const satisfies OptionSpecs;

export const mergeCommand: Command = {
  usage,
  options,
  examples: [
    'kinetics merge',
    'kinetics merge /scratch/w1.db /scratch/w2.db',
  ],
  async run(args, globals) {
    const { values, positionals } = parseCommandArgs(args, options, usage);
    if (positionals.some((file) => canonicalPath(file) === globals.db)) throw new UsageError(`a catalog is not merged into itself: ${globals.db}`);
    const files = workerCatalogs(positionals.map((file) => canonicalPath(file)), globals.home);
    const catalog = Catalog.open(globals.db, { mustExist: true });
    try {
      // One catalog refused (another catalog's worker, no worker's at all) keeps none of the others from merging.
      const merged: ({ file: string } & MergeSummary)[] = [];
      const refused: { file: string; refused: string; exitCode: number }[] = [];
      for (const file of files) {
        try {
          merged.push({ file, ...mergeWorkerCatalog(catalog, file) });
        } catch (error) {
          if (!(error instanceof KineticsError)) throw error;
          refused.push({ file, refused: error.message, exitCode: error.exitCode });
          if (!values.json) globals.io.stderr.write(`kinetics: ${error.message}\n`);
        }
      }
      const exitCode = refused[0]?.exitCode ?? 0;
      if (values.json) {
        globals.io.stdout.write(`${JSON.stringify([...merged, ...refused], null, 2)}\n`);
        return exitCode;
      }
      if (!values.quiet) for (const { file, ...summary } of merged) globals.io.stderr.write(`${describeMerge(file, summary)}\n`);
      else {
        const total = (key: keyof MergeSummary) => merged.reduce((sum, summary) => sum + summary[key], 0);
        globals.io.stderr.write(
          `merged ${plural(merged.length, 'worker catalog')}: ${plural(total('files'), 'file')} recorded, ${plural(total('shards'), 'shard')} further along, members of ${plural(total('learnedShards'), 'shard')} learned\n`,
        );
      }
      return exitCode;
    } finally {
      await catalog.close();
    }
  },
};
