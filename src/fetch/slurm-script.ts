import { plural } from '../util/words.js';
import { join } from 'node:path';
import { shellQuoted } from '../util/shell-quote.js';
import { workersFolder } from './worker-fetch.js';

export interface SlurmOptions {
  subset: string;
  tasks: number;
  /** Shards each task streams at once (its `fetch --jobs`, and the CPUs it asks for). */
  jobs: number;
  partition?: string;
  time?: string;
  home: string;
  db: string;
  /** How the script runs kinetics: this installation, by absolute path. */
  kinetics: string;
}

/**
 * A bash script that submits the split fetch: `plan` once (so the shards' sizes are known and every task splits them
 * alike), a Slurm job array of `fetch --worker I/N` tasks, each writing its own catalog under `--home/workers/`, and
 * `merge` as a job that runs after the array, however its tasks end. Run again, it submits only what is left.
 */
export function slurmScript(options: SlurmOptions): string {
  const q = shellQuoted;
  const run = (args: string) => `${options.kinetics} ${args}`;
  const partition = options.partition ? ` --partition=${q(options.partition)}` : '';
  // sbatch expands `%` in --output: one in the home's own path is written `%%`.
  const output = (pattern: string) => `--output=${q(join(workersFolder(options.home).replaceAll('%', '%%'), pattern))}`;
  const task = run(`fetch ${q(options.subset)} --worker "$((SLURM_ARRAY_TASK_ID))/${options.tasks}" --jobs ${options.jobs}`);
  return `#!/usr/bin/env bash
# kinetics slurm ${options.subset} --tasks ${options.tasks}: fetch the subset with a Slurm job array, then merge.
# Run it where sbatch is (bash THIS_FILE). Each task takes a share of the shards balanced by bytes, the same on every
# rerun; rerunning this script resumes what was cut off and merges again (merging twice changes nothing).
# Node is the one that wrote this script unless KINETICS_NODE names another (exported to the tasks).
set -euo pipefail
export KINETICS_HOME=${q(options.home)}
export KINETICS_DB=${q(options.db)}
mkdir -p ${q(workersFolder(options.home))}
${run(`plan ${q(options.subset)}`)} > /dev/null
array=$(sbatch --parsable --job-name=${q(`kinetics-${options.subset}`)} --array=1-${options.tasks} --cpus-per-task=${options.jobs}${partition}${options.time ? ` --time=${q(options.time)}` : ''} \\
  ${output('slurm-%A_%a.out')} --export=ALL --wrap=${q(task)})
merge=$(sbatch --parsable --job-name=${q(`kinetics-${options.subset}-merge`)} --dependency="afterany:\${array}"${partition} \\
  ${output('slurm-merge-%j.out')} --export=ALL --wrap=${q(run('merge'))})
echo "submitted the array \${array} (${plural(options.tasks, 'task')}) and its merge \${merge}"
`;
}
