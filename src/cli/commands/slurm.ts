import { join } from 'node:path';
import { Catalog } from '../../catalog/catalog.js';
import { findSubset } from '../../catalog/subsets.js';
import { UsageError } from '../../errors.js';
import { slurmScript } from '../../fetch/slurm-script.js';
import { packageRoot } from '../../util/package-root.js';
import { shellQuoted } from '../../util/shell-quote.js';
import { type Command, type OptionSpecs, parseCommandArgs } from '../command.js';
import { jobsOption, wholeNumberOption } from '../number-options.js';

const usage = 'kinetics slurm NAME --tasks N [--jobs J] [--partition P] [--time T] [--home DIR] [--db FILE]';

const options = {
  tasks: { type: 'string', value: 'N', description: 'array tasks (workers) to split the fetch over' },
  jobs: { type: 'string', short: 'j', value: 'J', description: "each task's shards at once, and the CPUs it asks for", defaultText: '2' },
  partition: { type: 'string', value: 'P', description: 'the Slurm partition' },
  time: { type: 'string', value: 'T', description: "each task's time limit (e.g. 04:00:00)" },
} as const satisfies OptionSpecs;

export const slurmCommand: Command = {
  usage,
  options,
  examples: [
    'kinetics slurm climbing --tasks 16 --partition cpu --time 04:00:00 > fetch.sbatch && bash fetch.sbatch',
  ],
  async run(args, globals) {
    const { values, positionals } = parseCommandArgs(
      args, options,
      usage,
    );
    if (positionals.length !== 1) throw new UsageError(`slurm takes one subset NAME\nusage: ${usage}`);
    const tasks = wholeNumberOption('--tasks', values.tasks, 1);
    if (tasks === null) throw new UsageError(`slurm needs --tasks N, how many array tasks share the fetch\nusage: ${usage}`);
    for (const option of ['partition', 'time'] as const) {
      if (values[option] === '') throw new UsageError(`--${option} takes a value, not an empty one\nusage: ${usage}`);
    }
    // sbatch's --time forms: minutes, MM:SS, HH:MM:SS, D-HH, D-HH:MM, D-HH:MM:SS.
    if (values.time !== undefined && !/^(\d+-\d+(:\d{2}){0,2}|\d+(:\d{2}){0,2})$/.test(values.time)) {
      throw new UsageError(`--time takes a Slurm time limit (04:00:00, 90, 1-12:00), not "${values.time}"`);
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
        // The Node that runs this, unless the nodes have it elsewhere (modules, conda, nvm): KINETICS_NODE, read where
        // each command runs.
        kinetics: `"\${KINETICS_NODE:-${process.execPath.replace(/[\\"$`]/g, '\\$&')}}" ${shellQuoted(join(packageRoot, 'bin', 'kinetics.js'))}`,
      }),
    );
    return 0;
  },
};
