import { statSync } from 'node:fs';
import { KineticsError, UsageError } from '../../errors.js';
import { archivesRoot } from '../../fetch/plan.js';
import { canonicalPath } from '../../util/canonical-path.js';
import { type Command, parseCommandArgs } from '../command.js';
import { jobsOption } from '../number-options.js';
import { runFetch } from './fetch.js';

const usage = 'kinetics extract NAME [--archives DIR] [--jobs N] [--json] [--home DIR] [--db FILE]';

export const extractCommand: Command = {
  usage,
  async run(args, globals) {
    const { values, positionals } = parseCommandArgs(args, { archives: { type: 'string' }, jobs: { type: 'string', short: 'j' }, json: { type: 'boolean' } }, usage);
    if (positionals.length !== 1) throw new UsageError(`extract takes one subset NAME\nusage: ${usage}`);
    const archives = values.archives === undefined ? archivesRoot(globals.home) : canonicalPath(values.archives);
    if (values.archives !== undefined && !statSync(archives, { throwIfNoEntry: false })?.isDirectory()) {
      throw new KineticsError(`${archives}: no such folder; --archives names the folder the shard archives were downloaded into`, 66);
    }
    return runFetch(
      {
        subset: positionals[0]!,
        jobs: jobsOption(values.jobs),
        json: values.json ?? false,
        archives,
        offline: true,
      },
      globals,
    );
  },
};
