import { Catalog } from '../../catalog/catalog.js';
import { KineticsError, UsageError } from '../../errors.js';
import { findOverlap } from '../../catalog/clips.js';
import { overlapReport, parseVersionSplits } from '../../export/overlap.js';
import { chooseFormat, writeRows } from '../../query/output-formats.js';
import { type Command, parseCommandArgs } from '../command.js';

const usage = 'kinetics overlap --train V:S[,V:S] --eval V:S [--json] [--fail-on-overlap]';

export const overlapCommand: Command = {
  usage,
  async run(args, globals) {
    const { values } = parseCommandArgs(
      args,
      { train: { type: 'string' }, eval: { type: 'string' }, json: { type: 'boolean' }, table: { type: 'boolean' }, 'fail-on-overlap': { type: 'boolean' } },
      usage,
    );
    if (!values.train || !values.eval) throw new UsageError(`overlap needs --train and --eval\nusage: ${usage}`);
    const [evaluation, ...more] = parseVersionSplits(values.eval);
    if (more.length > 0) throw new UsageError('--eval takes one VERSION:SPLIT');
    const catalog = Catalog.open(globals.db, { readonly: true });
    let total: number;
    try {
      const report = overlapReport(findOverlap(catalog, parseVersionSplits(values.train), evaluation!));
      total = report.total;
      if (chooseFormat({ json: values.json, table: values.table }, globals.io.stdout.isTTY === true) === 'json') {
        globals.io.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
      } else {
        writeRows('table', ['label', 'clips', 'identical'], report.by_class.map((entry) => [entry.label, entry.clips, entry.identical]), (text) => globals.io.stdout.write(text));
        globals.io.stdout.write(`\n${report.total} clips of ${values.eval} overlap ${values.train} (${report.identical} with identical windows)\n`);
      }
    } finally {
      await catalog.close();
    }
    if (values['fail-on-overlap'] && total > 0) throw new KineticsError(`${total} clips of ${values.eval} overlap ${values.train}`, 1);
    return 0;
  },
};
