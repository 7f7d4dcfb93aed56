import { versionOption } from '../name-options.js';
import { formatCount, plural } from '../../util/words.js';
import { join, resolve } from 'node:path';
import { Catalog } from '../../catalog/catalog.js';
import { UsageError } from '../../errors.js';
import { exportSubset } from '../../export/export-subset.js';
import { EXPORT_FORMATS, type ExportFormat, defaultPaths } from '../../export/formats.js';
import { parseShardSize } from '../../export/webdataset.js';
import { parseVersionSplits } from '../../export/overlap.js';
import { videosRoot } from '../../fetch/video-layout.js';
import { unknownName } from '../../sources/bucket-layout.js';
import { canonicalPath } from '../../util/canonical-path.js';
import { readUserInput } from '../../util/read-user-file.js';
import { QUIET, SUMMARY_JSON, type Command, type OptionSpecs, parseCommandArgs } from '../command.js';
import { progressFor } from '../progress.js';

const usage = [
  `kinetics export NAME --format ${EXPORT_FORMATS.join('|')} --out DIR [--version V]`,
  '       [--paths relative|absolute] [--root DIR] [--path-prefix PREFIX] [--label-map FILE|--labels compact] [--include-missing]',
  '       [--exclude-overlap-with V:S[,V:S]] [--copy|--hardlink] [--class-names torchvision] [--shard-size N|BYTES] [--parts] [--json] [--quiet] [--home DIR] [--db FILE]',
].join('\n');

/** Formats whose files are links (or copies) of the clips. */
const LINKING_FORMATS: ReadonlySet<ExportFormat> = new Set(['tree', 'fiftyone', 'hf']);

const options = {
  format: { type: 'string', value: 'F', description: 'csv, jsonl, mmaction, pytorchvideo, slowfast, videomae, tree, fiftyone, webdataset or hf' },
  out: { type: 'string', value: 'DIR', description: 'a new or empty folder, or one an earlier export wrote' },
  version: { type: 'string', value: 'V', description: "only the subset's clips of this version" },
  paths: { type: 'string', value: 'relative|absolute', description: 'how lists name the files', defaultText: 'relative (absolute for videomae)' },
  root: { type: 'string', value: 'DIR', description: 'relative paths are relative to this folder', defaultText: '--home/videos' },
  'path-prefix': { type: 'string', value: 'PREFIX', description: 'write PREFIX/<path under the videos folder> (the folder as a cluster mounts it)' },
  'label-map': { type: 'string', value: 'FILE', description: 'label indices from a classes.txt (one label a line; - reads stdin)' },
  labels: { type: 'string', value: 'compact', description: "indices 0..K-1 over the subset's own classes", defaultText: "the version's class list" },
  'include-missing': { type: 'boolean', description: 'list clips that are not on disk too (list formats only)' },
  'exclude-overlap-with': { type: 'string', value: 'V:S[,V:S]', description: 'drop clips whose video stands in these splits' },
  copy: { type: 'boolean', description: 'tree, fiftyone, hf: copy the files rather than link them' },
  hardlink: { type: 'boolean', description: 'tree, fiftyone, hf: hard links rather than symbolic ones' },
  'class-names': { type: 'string', value: 'torchvision', description: "tree: class folders named by torchvision's rule" },
  'shard-size': { type: 'string', value: 'N|BYTES', description: 'webdataset: samples (500) or bytes (512MiB) a tar', defaultText: '1GiB' },
  parts: { type: 'boolean', description: 'each part `subset split` made of NAME as a split of its own, one label map' },
  ...SUMMARY_JSON,
  ...QUIET,
} as const satisfies OptionSpecs;

export const exportCommand: Command = {
  usage,
  options,
  examples: [
    'kinetics export climbing --format mmaction --out lists/climbing',
    'kinetics export climbing --parts --format slowfast --labels compact --out lists/climbing',
    'kinetics export climbing --format webdataset --shard-size 512MiB --out shards/climbing',
  ],
  async run(args, globals) {
    const { values, positionals } = parseCommandArgs(
      args, options,
      usage,
    );
    if (positionals.length !== 1 || !values.out || !values.format) throw new UsageError(`export needs NAME, --format and --out\nusage: ${usage}`);
    if (!EXPORT_FORMATS.includes(values.format as ExportFormat)) throw new UsageError(unknownName('format', values.format, EXPORT_FORMATS));
    const format = values.format as ExportFormat;
    const paths = values.paths ?? (values['path-prefix'] === undefined ? defaultPaths(format) : 'relative');
    if (paths !== 'relative' && paths !== 'absolute') throw new UsageError(`--paths is relative or absolute, not "${paths}"`);
    if (paths === 'absolute' && values['path-prefix'] !== undefined) throw new UsageError('--path-prefix replaces the videos folder in relative paths; it does not go with --paths absolute');
    if (values['class-names'] !== undefined && values['class-names'] !== 'torchvision') throw new UsageError('--class-names takes torchvision');
    if (values.copy && values.hardlink) throw new UsageError('--copy and --hardlink exclude each other');
    if (values.labels !== undefined && values.labels !== 'compact') throw new UsageError(`--labels takes compact, not "${values.labels}"`);
    if (values.labels !== undefined && values['label-map'] !== undefined) throw new UsageError('--labels compact and --label-map exclude each other');
    const shardSize = values['shard-size'] === undefined ? undefined : parseShardSize(values['shard-size']);
    if (values['shard-size'] !== undefined && shardSize === undefined) {
      throw new UsageError(`--shard-size takes a number of clips (1000) or of bytes (512MiB, 2GB), not "${values['shard-size']}"`);
    }
    if (shardSize !== undefined && format !== 'webdataset') throw new UsageError('--shard-size is for --format webdataset');
    if ((values.copy || values.hardlink) && !LINKING_FORMATS.has(format)) throw new UsageError(`--${values.copy ? 'copy' : 'hardlink'} is for --format tree, fiftyone or hf, which lay out the files`);
    // fiftyone has a reason of its own, which the export gives.
    if (values['class-names'] !== undefined && format !== 'tree' && format !== 'fiftyone') throw new UsageError('--class-names is for --format tree');
    if (values.out === '-') throw new UsageError('--out names a folder (an export is several files), not - (stdout)');
    const version = values.version === undefined ? undefined : versionOption(values.version);
    const catalog = Catalog.open(globals.db, { readonly: true });
    const progress = progressFor(globals.io, 'export', values);
    let far = { done: 0, total: 0, detail: 'listing' };
    progress.watch(() => ({ ...far, unit: 'clip' }));
    try {
      const summary = exportSubset(catalog, {
        subset: positionals[0]!,
        version,
        format,
        out: resolve(values.out),
        paths,
        videoRoot: canonicalPath(values.root ?? videosRoot(globals.home)),
        fetchedVideos: canonicalPath(videosRoot(globals.home)),
        pathPrefix: values['path-prefix'],
        labelMapFile: values['label-map'] === undefined ? undefined : readUserInput(values['label-map'], globals.io.readStdin),
        labels: values.labels === 'compact' ? 'compact' : 'version',
        includeMissing: values['include-missing'] ?? false,
        excludeOverlapWith: values['exclude-overlap-with'] ? parseVersionSplits(values['exclude-overlap-with']) : [],
        link: values.copy ? 'copy' : values.hardlink ? 'hardlink' : 'symlink',
        classNames: values['class-names'] === 'torchvision' ? 'torchvision' : 'labels',
        shardSize,
        parts: values.parts ?? false,
        onProgress(done, total, phase) {
          far = { done, total, detail: phase };
          progress.tick();
        },
      });
      progress.close();
      if (values.json) globals.io.stdout.write(`${JSON.stringify({ out: resolve(values.out), ...summary }, null, 2)}\n`);
      const excluded = Object.entries(summary.excludedByStatus).map(([status, count]) => `${formatCount(count)} ${status}`).join(', ');
      if (!values.json) globals.io.stderr.write(
        `${plural(summary.listed, 'clip')} listed in ${values.out}` +
          `${summary.excluded > 0 ? `; ${formatCount(summary.excluded)} not listed (${excluded}: see excluded.csv, or --include-missing)` : ''}` +
          `${summary.overlapping > 0 ? `; ${formatCount(summary.overlapping)} dropped as overlapping ${values['exclude-overlap-with']}` : ''}\n`,
      );
      if ((format === 'tree' || format === 'fiftyone') && summary.listed > 0 && !values.json) {
        globals.io.stderr.write(`each split is a folder of its own: load ${summary.splitFolders.map((folder) => join(values.out!, folder)).join(', ')}, not ${values.out}\n`);
      }
      for (const warning of summary.warnings) globals.io.stderr.write(`warning: ${warning}\n`);
    } finally {
      progress.close();
      await catalog.close();
    }
    return 0;
  },
};
