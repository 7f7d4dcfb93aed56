import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { readSetting } from '../../catalog/source-files.js';
import { UsageError } from '../../errors.js';
import { Catalog } from '../../catalog/catalog.js';
import { fetchSubset } from '../../fetch/fetch-subset.js';
import { planSubset } from '../../fetch/plan.js';
import { videosRoot } from '../../fetch/video-layout.js';
import { formatBytes } from '../../util/words.js';
import { loadNamedQuery } from '../../query/named-queries.js';
import { writeRows } from '../../query/output-formats.js';
import { runReadOnlyQuery } from '../../catalog/read-only-query.js';
import { VERSIONS } from '../../sources/bucket-layout.js';
import { createSubset } from '../../catalog/subsets.js';
import { packageRoot } from '../../util/package-root.js';
import { type Command, type OptionSpecs, parseCommandArgs } from '../command.js';
import { printIngestSummary, runIngest } from './ingest.js';
import { printPlan } from './plan.js';

export const sampleBucket = join(packageRoot, 'data', 'sample-bucket');

const usage = 'kinetics demo [--home DIR] [--db FILE]';
function printQuery(write: (text: string) => void, catalog: Catalog, name: string, params: Record<string, string | null> = {}): void {
  const query = loadNamedQuery(name);
  write(`\n${query.description}\n`);
  const result = runReadOnlyQuery(catalog, query.sql, params);
  writeRows('table', result.columns, result.rows, write);
}

/** The demo loads the sample bucket over whatever catalog it is given: never over one ingested from elsewhere. */
async function refuseAnotherSourcesCatalog(file: string): Promise<void> {
  if (!existsSync(file)) return;
  const catalog = Catalog.open(file, { readonly: true });
  const source = readSetting(catalog, 'source');
  const holdsFiles = catalog.holdsFiles();
  await catalog.close();
  // Any clone's sample bucket will do: the demo may have run from another checkout.
  const isDemo = source?.endsWith(join('data', 'sample-bucket')) ?? !holdsFiles;
  if (!isDemo) {
    throw new UsageError(
      `${file} holds a catalog ${source === undefined ? 'of scanned files' : `ingested from ${source}`}; the demo would load the sample bucket over it. ` +
        'Give the demo a home of its own, e.g. `kinetics demo --home kinetics-demo`',
    );
  }
}

/** `npm start`: the whole path, offline, on the bundled sample bucket: ingest → subset → plan → fetch → status. */
const options = {} as const satisfies OptionSpecs;

export const demoCommand: Command = {
  usage,
  options,
  examples: [
    'npm start',
    'kinetics demo --home kinetics-demo',
  ],
  async run(args, globals) {
    parseCommandArgs(args, options, usage);
    const write = (text: string) => globals.io.stdout.write(text);
    await refuseAnotherSourcesCatalog(globals.db);
    write(`1. ingest the sample bucket ${sampleBucket}\n`);
    const ingested = await runIngest(globals, { source: sampleBucket, versions: [...VERSIONS], downstream: true, json: false });
    printIngestSummary(ingested, globals);
    const catalog = Catalog.open(globals.db);
    try {
      printQuery(write, catalog, 'split-summary');
      printQuery(write, catalog, 'downstream-summary');

      const definition = {
        versions: ['k400', 'k700-2020'] as const,
        splits: ['val'] as const,
        classes: ['abseiling', 'air drumming', 'photobombing'],
      };
      write(`\n2. subset "demo": ${definition.classes.join(', ')} in K400 and K700-2020 val, 4 clips per class (seed 7)\n`);
      const clips = createSubset(
        catalog,
        'demo',
        { ...definition, versions: [...definition.versions], splits: [...definition.splits], match: null, perClass: 4, limit: null, seed: 7, onlyMissing: false, onlyOnDisk: false, sql: null },
        true,
      );
      write(`   ${clips} clips\n\n3. plan: which shards hold them\n`);
      printPlan(await planSubset(catalog, 'demo', globals.home), write);
      write('\n4. fetch: stream only those shards, extract only the subset\'s clips, verify each file\n');
      const fetched = await fetchSubset(catalog, 'demo', { home: globals.home, jobs: 4, keepArchives: false });
      const count = (state: string) => fetched.shards.filter((shard) => shard.state === state).length;
      write(
        `   ${fetched.extracted} clips extracted from ${count('extracted')} shards (${count('skipped')} skipped once their clips were found, ` +
          `${count('failed')} failed), ${fetched.readInPlace ? 'read in place from the bucket folder' : `${formatBytes(fetched.transferredBytes)} downloaded`}; ${fetched.stillMissing} clips still missing\n`,
      );
      write('\n5. status');
      printQuery(write, catalog, 'status', { version: null, split: 'val' });
      write(`\nVideos are under ${videosRoot(globals.home)}. Try: npx kinetics query @class-counts -p version k400 --home ${globals.home}\n`);
      return Math.max(ingested.exitCode, fetched.exitCode);
    } finally {
      await catalog.close();
    }
  },
};
