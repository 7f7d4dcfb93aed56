import { splitOption, versionOption } from '../name-options.js';
import { KineticsError, UsageError } from '../../errors.js';
import { foldersWithFiles } from '../../catalog/disk-files.js';
import { findSubset } from '../../catalog/subsets.js';
import { OUTPUT_OPTIONS, OUTPUT_USAGE, chooseFormat } from '../../query/output-formats.js';
import { printReport } from '../report.js';
import { canonicalPath } from '../../util/canonical-path.js';
import { type Command, type OptionSpecs, parseCommandArgs } from '../command.js';

const usage = `kinetics status [--version V] [--split S] [--subset NAME | --root DIR] [--by-class | --shards] ${OUTPUT_USAGE} [--home DIR] [--db FILE]`;

const options = {
  version: { type: 'string', value: 'V', description: 'only this version', defaultText: 'all' },
  split: { type: 'string', value: 'S', description: 'only this split', defaultText: 'all' },
  subset: { type: 'string', value: 'NAME', description: "the counts over a subset's clips" },
  root: { type: 'string', value: 'DIR', description: 'the coverage of one copy: only the files under DIR count (each clip by its best file there)' },
  'by-class': { type: 'boolean', description: 'a row per class' },
  shards: { type: 'boolean', description: 'shards per version and split: extracted, on disk, partial, downloading, remote, failed, absent' },
  ...OUTPUT_OPTIONS,
} as const satisfies OptionSpecs;

export const statusCommand: Command = {
  usage,
  options,
  examples: [
    'kinetics status',
    'kinetics status --version k700-2020 --split val --by-class --csv',
    'kinetics status --shards',
    'kinetics status --root /data/opendatalab-k400 --version k400',
  ],
  async run(args, globals) {
    const { values } = parseCommandArgs(
      args, options,
      usage,
    );
    const version = values.version === undefined ? null : versionOption(values.version);
    const split = values.split === undefined ? null : splitOption(values.split);
    const format = chooseFormat(values, globals.io.stdout.isTTY === true);
    if (values.subset !== undefined && (version !== null || split !== null)) {
      throw new UsageError('--subset gives the coverage of a subset, whatever its versions and splits: leave out --version and --split');
    }
    if (values.shards && (values.subset !== undefined || values['by-class'])) {
      throw new UsageError('--shards counts the shards of each version and split: it goes with --version and --split, not --subset or --by-class');
    }
    if (values.root !== undefined && (values.subset !== undefined || values['by-class'] || values.shards)) {
      throw new UsageError('--root gives the coverage of the files under a folder per version and split: it goes with --version and --split only');
    }
    if (values.root !== undefined) {
      const root = canonicalPath(values.root);
      await printReport(globals, 'root-status', { root, version, split }, format, (catalog) => {
        if (foldersWithFiles(catalog, root).length === 0) throw new KineticsError(`no file is recorded under ${root}: \`kinetics scan ${root}\` records its files`, 66);
      });
      return 0;
    }
    const subset = values.subset;
    await printReport(
      globals,
      values.shards ? 'shard-status' : `${subset === undefined ? '' : 'subset-'}status${values['by-class'] ? '-by-class' : ''}`,
      subset === undefined ? { version, split } : { subset },
      format,
      (catalog) => void (subset !== undefined && findSubset(catalog, subset)),
    );
    return 0;
  },
};
