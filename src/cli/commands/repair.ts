import { Catalog } from '../../catalog/catalog.js';
import { countSelection } from '../../catalog/clip-selection.js';
import { createSubset, dropSubset, subsetNames } from '../../catalog/subsets.js';
import { isProcessRunning } from '../../util/process-running.js';
import { planSubset } from '../../fetch/plan.js';
import { JOBS, QUIET, SUMMARY_JSON, type Command, type OptionSpecs, parseCommandArgs } from '../command.js';
import { jobsOption } from '../number-options.js';
import { runFetch } from './fetch.js';
import { printPlan } from './plan.js';
import { parseDefinition } from './subset.js';
import { plural } from '../../util/words.js';

const usage = 'kinetics repair [--version V ...] [--split S ...] [--class LABEL ...] [--dry-run] [--retry-damaged] [--jobs N] [--json] [--quiet] [--home DIR] [--db FILE]';

/** The clips being repaired, held as a subset of this process for the plan and the fetch, and dropped after. */
const REPAIR_SUBSET = `.repair-${process.pid}`;

const options = {
  version: { type: 'string', multiple: true, value: 'V', description: 'only clips of this version (repeatable)', defaultText: 'all' },
  split: { type: 'string', multiple: true, value: 'S', description: 'only clips of this split (repeatable)', defaultText: 'all' },
  class: { type: 'string', multiple: true, value: 'LABEL', description: 'only clips of this class (repeatable)', defaultText: 'all' },
  'dry-run': { type: 'boolean', description: 'print the plan of what would be repaired (with --json, as `plan --json` does), fetch nothing' },
  'retry-damaged': { type: 'boolean', description: 'stream again the shards that sent a clip damaged (the source holds it so)' },
  ...JOBS,
  ...SUMMARY_JSON,
  ...QUIET,
} as const satisfies OptionSpecs;

export const repairCommand: Command = {
  usage,
  options,
  examples: ['kinetics repair --version k700-2020 --split val --dry-run', 'kinetics repair --class abseiling'],
  async run(args, globals) {
    const { values } = parseCommandArgs(args, options, usage);
    const definition = { ...parseDefinition({ version: values.version, split: values.split, class: values.class }), onlyMissing: true };
    const jobs = jobsOption(values.jobs);
    const retryDamaged = values['retry-damaged'] ?? false;
    // The repair's own subset goes however the command ends; one left by a repair killed (kill -9) goes with the next.
    const dropOwnSubsets = async (includingMine: boolean) => {
      const catalog = Catalog.open(globals.db, { mustExist: true });
      try {
        for (const name of subsetNames(catalog)) {
          const pid = /^\.repair-(\d+)$/.exec(name)?.[1];
          if (pid !== undefined && (Number(pid) === process.pid ? includingMine : !isProcessRunning(Number(pid)))) dropSubset(catalog, name);
        }
      } finally {
        await catalog.close();
      }
    };
    await dropOwnSubsets(false);
    try {
      const catalog = Catalog.open(globals.db, { mustExist: true });
      let clips = 0;
      try {
        // Every clip of the scope that had a file and has no usable one now: gone, empty, damaged (K400's replacement
        // archive is tried for a damaged one; a shard that sent it damaged only with --retry-damaged: it sends the same
        // bytes again). A clip never on disk is fetch's to get: left out, the default scope would plan the whole dataset.
        const broken = { ...definition, onceOnDisk: true };
        const repairable = countSelection(catalog, broken);
        if (repairable > 0) clips = createSubset(catalog, REPAIR_SUBSET, broken, subsetNames(catalog).has(REPAIR_SUBSET));
        const neverOnDisk = countSelection(catalog, definition) - repairable;
        if (neverOnDisk > 0 && !values.json) {
          globals.io.stderr.write(`${plural(neverOnDisk, 'clip')} of the scope never on disk left out: \`kinetics subset create\` and \`kinetics fetch\` get them\n`);
        }
        if (clips > 0 && values['dry-run']) {
          const plan = await planSubset(catalog, REPAIR_SUBSET, globals.home, { retryDamaged });
          if (values.json) globals.io.stdout.write(`${JSON.stringify({ ...plan, subset: null }, null, 2)}\n`);
          else printPlan(plan, (text) => globals.io.stdout.write(text), 'table', undefined, 'repair');
        }
      } finally {
        await catalog.close();
      }
      if (clips === 0) {
        // The summary a repair gives, with nothing in it: scripts read one shape whatever happened.
        if (values.json) globals.io.stdout.write(`${JSON.stringify({ subset: null, wanted: 0, shards: [], extracted: 0, stillMissing: 0, exitCode: 0 }, null, 2)}\n`);
        else globals.io.stderr.write('nothing to repair: every clip of the scope that was on disk has a usable file\n');
        return 0;
      }
      if (values['dry-run']) return 0;
      return await runFetch({ subset: REPAIR_SUBSET, jobs, json: values.json ?? false, quiet: values.quiet, label: 'repair', ownSubset: true, retryDamaged }, globals);
    } finally {
      await dropOwnSubsets(true);
    }
  },
};
