import { Catalog } from '../../catalog/catalog.js';
import { KineticsError, UsageError } from '../../errors.js';
import { findOverlap } from '../../catalog/clips.js';
import { overlapReport, parseVersionSplits } from '../../export/overlap.js';
import { OUTPUT_OPTIONS, OUTPUT_USAGE, chooseFormat, writeRows } from '../../query/output-formats.js';
import { plural } from '../../util/words.js';
import { type Command, type OptionSpecs, parseCommandArgs } from '../command.js';

const usage = `kinetics overlap --train V:S[,V:S] --eval V:S ${OUTPUT_USAGE} [--fail-on-overlap] [--home DIR] [--db FILE]`;

const options = {
  train: { type: 'string', value: 'V:S[,V:S]', description: 'the training splits' },
  eval: { type: 'string', value: 'V:S', description: 'the evaluation split' },
  ...OUTPUT_OPTIONS,
  json: { type: 'boolean', description: 'the whole report as one JSON object: totals, classes and clips (the default when piped)' },
  'fail-on-overlap': { type: 'boolean', description: 'exit 1 when any clip overlaps' },
} as const satisfies OptionSpecs;

export const overlapCommand: Command = {
  usage,
  options,
  examples: [
    'kinetics overlap --train k700-2020:train --eval k400:val',
  ],
  async run(args, globals) {
    const { values } = parseCommandArgs(
      args, options,
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
      const format = chooseFormat(values, globals.io.stdout.isTTY === true);
      if (format === 'json') {
        globals.io.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
      } else {
        writeRows(format, ['label', 'clips', 'identical'], report.by_class.map((entry) => [entry.label, entry.clips, entry.identical]), (text) => globals.io.stdout.write(text));
        const total = `${plural(report.total, 'clip')} of ${values.eval} overlap ${values.train} (${report.identical} with identical windows)\n`;
        // The rows alone on stdout, but in a table: a machine-read format takes no prose.
        if (format === 'table') globals.io.stdout.write(`\n${total}`);
        else globals.io.stderr.write(total);
      }
    } finally {
      await catalog.close();
    }
    if (values['fail-on-overlap'] && total > 0) throw new KineticsError('overlap found (--fail-on-overlap)', 1);
    return 0;
  },
};
