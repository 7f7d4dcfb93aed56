import { Catalog } from '../../catalog/catalog.js';
import { UsageError } from '../../errors.js';
import { loadNamedQuery } from '../../query/named-queries.js';
import { chooseFormat, writeRows } from '../../query/output-formats.js';
import { runReadOnlyQuery } from '../../query/read-only-query.js';
import { SPLITS, VERSIONS, normaliseSplit, parseVersion } from '../../sources/bucket-layout.js';
import { type Command, parseCommandArgs } from '../command.js';

const usage = 'kinetics status [--version V] [--split S] [--by-class] [--json|--csv|--table] [--home DIR] [--db FILE]';

export const statusCommand: Command = {
  usage,
  async run(args, globals) {
    const { values } = parseCommandArgs(
      args,
      {
        version: { type: 'string' },
        split: { type: 'string' },
        'by-class': { type: 'boolean' },
        json: { type: 'boolean' },
        csv: { type: 'boolean' },
        table: { type: 'boolean' },
      },
      usage,
    );
    const version = values.version === undefined ? null : parseVersion(values.version);
    if (version === undefined) throw new UsageError(`unknown version "${values.version}"; versions are ${VERSIONS.join(', ')}`);
    const split = values.split === undefined ? null : normaliseSplit(values.split);
    if (split === undefined) throw new UsageError(`unknown split "${values.split}"; splits are ${SPLITS.join(', ')}`);
    const format = chooseFormat({ json: values.json, csv: values.csv, table: values.table }, process.stdout.isTTY === true);
    const query = loadNamedQuery(values['by-class'] ? 'status-by-class' : 'status');
    const catalog = Catalog.open(globals.db, { readonly: true });
    try {
      const result = runReadOnlyQuery(catalog.sqlite, query.sql, { version, split });
      writeRows(format, result.columns, result.rows, (text) => process.stdout.write(text));
    } finally {
      await catalog.close();
    }
    return 0;
  },
};
