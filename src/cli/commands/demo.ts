import { join } from 'node:path';
import { Catalog } from '../../catalog/catalog.js';
import { loadNamedQuery } from '../../query/named-queries.js';
import { writeRows } from '../../query/output-formats.js';
import { runReadOnlyQuery } from '../../query/read-only-query.js';
import { VERSIONS } from '../../sources/bucket-layout.js';
import { packageRoot } from '../../util/package-root.js';
import { type Command, parseCommandArgs } from '../command.js';
import { printIngestSummary, runIngest } from './ingest.js';

export const sampleBucket = join(packageRoot, 'data', 'sample-bucket');

const usage = 'kinetics demo [--home DIR] [--db FILE]';

/** `npm start`: the main job, offline, on the bundled sample bucket. */
export const demoCommand: Command = {
  usage,
  async run(args, globals) {
    parseCommandArgs(args, {}, usage);
    process.stderr.write(`ingesting the sample bucket ${sampleBucket}\n`);
    const summary = await runIngest(globals, { source: sampleBucket, versions: [...VERSIONS], downstream: true, json: false });
    printIngestSummary(summary, globals.db);
    const catalog = Catalog.open(globals.db, { readonly: true });
    try {
      for (const name of ['split-summary', 'downstream-summary']) {
        const query = loadNamedQuery(name);
        process.stdout.write(`\n${query.description}\n`);
        const result = runReadOnlyQuery(catalog.sqlite, query.sql);
        writeRows('table', result.columns, result.rows, (text) => process.stdout.write(text));
      }
    } finally {
      await catalog.close();
    }
    process.stdout.write(`\nTry: npx kinetics query @class-counts -p version k400 --db ${globals.db}\n`);
    return summary.exitCode;
  },
};
