import { statSync } from 'node:fs';
import { KineticsError, UsageError } from '../../errors.js';
import { archivesRoot } from '../../fetch/plan.js';
import { canonicalPath } from '../../util/canonical-path.js';
import { JOBS, QUIET, SUMMARY_JSON, type Command, type OptionSpecs, parseCommandArgs } from '../command.js';
import { jobsOption } from '../number-options.js';
import { runFetch } from './fetch.js';

const usage = 'kinetics extract NAME [--archives DIR] [--jobs N] [--json] [--quiet] [--home DIR] [--db FILE]';

const options = {
  archives: { type: 'string', value: 'DIR', description: 'where the shard archives were downloaded', defaultText: '--home/archives' },
  ...JOBS,
  ...SUMMARY_JSON,
  ...QUIET,
} as const satisfies OptionSpecs;

export const extractCommand: Command = {
  usage,
  options,
  examples: [
    'kinetics extract climbing',
    'kinetics extract climbing --archives /scratch/kinetics-archives',
  ],
  async run(args, globals) {
    const { values, positionals } = parseCommandArgs(args, options, usage);
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
        quiet: values.quiet,
        archives,
        offline: true,
      },
      globals,
    );
  },
};
