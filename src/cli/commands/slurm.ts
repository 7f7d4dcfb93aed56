import { join } from 'node:path';
import { Catalog } from '../../catalog/catalog.js';
import { findSubset } from '../../catalog/subsets.js';
import { UsageError } from '../../errors.js';
import { slurmScript } from '../../fetch/slurm-script.js';
import { packageRoot } from '../../util/package-root.js';
import { shellQuoted } from '../../util/shell-quote.js';
import { type Command, parseCommandArgs } from '../command.js';
import { jobsOption, wholeNumberOption } from '../number-options.js';

const usage = 'kinetics slurm NAME --tasks N [--jobs J] [--partition P] [--time T] [--home DIR] [--db FILE]';

export const slurmCommand: Command = {
  usage,
  async run(args, globals) {
    const { values, positionals } = parseCommandArgs(
      args,
      { tasks: { type: 'string' }, jobs: { type: 'string', short: 'j' }, partition: { type: 'string' }, time: { type: 'string' } },
      usage,
    );
    if (positionals.length !== 1) throw new UsageError(`slurm takes one subset NAME\nusage: ${usage}`);
    const tasks = wholeNumberOption('--tasks', values.tasks, 1);
    if (tasks === null) throw new UsageError(`slurm needs --tasks N, how many array tasks share the fetch\nusage: ${usage}`);
    for (const option of ['partition', 'time'] as const) {
      if (values[option] === '') throw new UsageError(`--${option} takes a value, not an empty one\nusage: ${usage}`);
    }
    const catalog = Catalog.open(globals.db, { readonly: true });
    try {
      findSubset(catalog, positionals[0]!);
    } finally {
      await catalog.close();
    }
    globals.io.stdout.write(
      slurmScript({
        subset: positionals[0]!,
        tasks,
        jobs: jobsOption(values.jobs, 2),
        partition: values.partition,
        time: values.time,
        home: globals.home,
        db: globals.db,
        kinetics: `${shellQuoted(process.execPath)} ${shellQuoted(join(packageRoot, 'bin', 'kinetics.js'))}`,
      }),
    );
    return 0;
  },
};
