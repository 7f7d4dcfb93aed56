import { UsageError } from '../../errors.js';
import { FILE_STATUSES } from '../../catalog/disk-files.js';
import { OUTPUT_OPTIONS, OUTPUT_USAGE, chooseFormat } from '../../query/output-formats.js';
import { unknownName } from '../../sources/bucket-layout.js';
import { canonicalPath } from '../../util/canonical-path.js';
import { type Command, type OptionSpecs, parseCommandArgs } from '../command.js';
import { printReport } from '../report.js';

const usage = `kinetics files [--status S] [--root DIR] ${OUTPUT_USAGE} [--home DIR] [--db FILE]`;

const options = {
  status: { type: 'string', value: 'S', description: `only files of this status (${FILE_STATUSES.join(', ')})`, defaultText: 'all but gone' },
  root: { type: 'string', value: 'DIR', description: 'only files under this folder (a scanned one, or any folder below it)', defaultText: 'every folder scanned' },
  ...OUTPUT_OPTIONS,
} as const satisfies OptionSpecs;

export const filesCommand: Command = {
  usage,
  options,
  examples: ['kinetics files --status damaged', 'kinetics files --root /data/k400 --csv > k400-files.csv'],
  async run(args, globals) {
    const { values, positionals } = parseCommandArgs(args, options, usage);
    if (positionals.length > 0) throw new UsageError(`unexpected argument ${positionals[0]}\nusage: ${usage}`);
    if (values.status !== undefined && !(FILE_STATUSES as readonly string[]).includes(values.status)) {
      throw new UsageError(unknownName('--status', values.status, FILE_STATUSES));
    }
    const root = values.root === undefined ? null : canonicalPath(values.root);
    await printReport(globals, 'files', { status: values.status ?? null, root }, chooseFormat(values, globals.io.stdout.isTTY === true));
    return 0;
  },
};
