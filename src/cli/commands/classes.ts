import { Catalog } from '../../catalog/catalog.js';
import { UsageError } from '../../errors.js';
import { loadNamedQuery } from '../../query/named-queries.js';
import { OUTPUT_OPTIONS, OUTPUT_USAGE, chooseFormat, writeRows } from '../../query/output-formats.js';
import { versionsWithClasses } from '../../catalog/clip-selection.js';
import { runReadOnlyQuery } from '../../catalog/read-only-query.js';
import { VERSIONS, parseVersion, unknownName } from '../../sources/bucket-layout.js';
import { type Command, type OptionSpecs, parseCommandArgs } from '../command.js';

const usage = `kinetics classes --map FROM:TO (e.g. k400:k700-2020) ${OUTPUT_USAGE} [--home DIR] [--db FILE]`;

const options = {
  map: { type: 'string', value: 'FROM:TO', description: "how FROM's classes map onto TO's (e.g. k400:k700-2020)" },
  ...OUTPUT_OPTIONS,
} as const satisfies OptionSpecs;

export const classesCommand: Command = {
  usage,
  options,
  examples: [
    'kinetics classes --map k400:k700-2020 --csv',
  ],
  async run(args, globals) {
    const { values } = parseCommandArgs(args, options, usage);
    const names = (values.map ?? '').split(':');
    if (names.length !== 2) throw new UsageError(`--map takes two versions, FROM:TO\nusage: ${usage}`);
    const [from, to] = names.map((text) => {
      const version = parseVersion(text);
      if (!version) throw new UsageError(`${unknownName('version', text, VERSIONS)} (in --map ${values.map})`);
      return version;
    });
    const catalog = Catalog.open(globals.db, { readonly: true });
    try {
      const held = versionsWithClasses(catalog);
      for (const version of new Set([from, to]).values()) {
        if (held.includes(version)) continue;
        const holds = held.length > 0 ? ` (it holds ${held.join(', ')})` : '';
        throw new UsageError(`this catalog holds no classes of ${version}${holds}; run \`kinetics ingest --versions ${version}\``);
      }
      const result = runReadOnlyQuery(catalog, loadNamedQuery('class-map').sql, { from_version: from, to_version: to });
      const sharedColumn = result.columns.indexOf('shared_clips');
      let anyShared = false;
      const rows = (function* () {
        for (const row of result.rows) {
          if (Number(row[sharedColumn]) > 0) anyShared = true;
          yield row;
        }
      })();
      writeRows(chooseFormat(values, globals.io.stdout.isTTY === true), result.columns, rows, (text) => globals.io.stdout.write(text));
      if (!anyShared) {
        globals.io.stderr.write(`no clip of ${from} is listed in ${to} (same clip key): no class maps onto another\n`);
      }
    } finally {
      await catalog.close();
    }
    return 0;
  },
};
