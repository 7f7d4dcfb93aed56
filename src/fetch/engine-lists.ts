import { plural } from '../util/words.js';
import { dirname } from 'node:path';
import { UsageError } from '../errors.js';
import { type Plan, type PlannedShard, archivePath, archivesRoot } from './plan.js';
import { shellQuoted } from '../util/shell-quote.js';
import { isRemote } from './shard-size.js';
import { bucketPathOf } from '../sources/source.js';

export const ENGINE_FORMATS = ['urls', 'aria2', 's5cmd', 'rclone'] as const;
export type EngineFormat = (typeof ENGINE_FORMATS)[number];

/** The bucket every engine that speaks S3 (s5cmd, rclone) reads: CVDF's, whatever source the catalog was loaded from. */
const BUCKET = 'kinetics';

/**
 * The shards an engine should download: planned and not on disk whole yet, less those known to be absent from
 * where it reads (`leftOut` counts them). s5cmd and rclone read CVDF's bucket whatever the catalog's source: a
 * shard missing from another source (a folder that holds only the annotations, a mirror) is still theirs to fetch.
 */
export function shardsToDownload(plan: Plan, format: EngineFormat): { shards: PlannedShard[]; leftOut: number } {
  const readsCvdf = format === 's5cmd' || format === 'rclone';
  const notOnDisk = plan.shards.filter((shard) => shard.archive === null);
  const shards = notOnDisk.filter((shard) => !shard.absentFromSource || (readsCvdf && bucketPathOf(shard.url) === undefined));
  return { shards, leftOut: notOnDisk.length - shards.length };
}

/** S3 answers a single-part upload's ETag as the MD5 of its bytes: aria2c can check that; a multipart one is not. */
function md5OfEtag(etag: string | null): string | undefined {
  const bare = etag?.replace(/^"|"$/g, '');
  return bare !== undefined && /^[0-9a-f]{32}$/.test(bare) ? bare : undefined;
}

/**
 * The plan as an input file for a transfer engine, every archive going where `extract` looks for it:
 * `--home/archives/<version>/<split>/<name>` (rclone keeps the bucket's own paths under `--home/archives/`, which
 * `extract` reads as well). Lines starting with `#` are comments in all four formats.
 */
export function engineList(plan: Plan, format: EngineFormat, home: string): string {
  const { shards, leftOut } = shardsToDownload(plan, format);
  const header = (...lines: string[]) => lines.map((line) => `# ${line}\n`).join('');
  const about = `kinetics plan ${plan.subset}: ${plural(shards.length, 'shard')} to download${leftOut > 0 ? `; ${plural(leftOut, 'shard')} not in the source left out` : ''}`;
  if (format === 'rclone') {
    return (
      header(about, `rclone copy --files-from THIS_FILE --s3-provider AWS --s3-region us-east-1 :s3:${BUCKET} ${shellQuoted(archivesRoot(home))}`) +
      shards.map((shard) => `${shard.path}\n`).join('')
    );
  }
  if (format === 's5cmd') {
    return (
      header(about, 's5cmd --no-sign-request run THIS_FILE') +
      shards.map((shard) => `cp --raw ${shellQuoted(`s3://${BUCKET}/${shard.path}`)} ${shellQuoted(archivePath(home, shard))}\n`).join('')
    );
  }
  const local = plan.shards.find((shard) => shard.archive === null && !isRemote(shard.url));
  if (local) {
    throw new UsageError(
      `the catalog's source is a folder (${bucketFolderOf(local)}): fetch reads its shards in place; ` +
        `--format ${format} lists http(s) URLs, so ingest from the bucket's URL first, or use --format s5cmd or rclone`,
    );
  }
  if (format === 'urls') return shards.map((shard) => `${shard.url}\n`).join('');
  return (
    header(about, 'aria2c --input-file=THIS_FILE --continue=true --max-concurrent-downloads=16 --split=16 --max-connection-per-server=16') +
    shards
      .map((shard) => {
        const md5 = md5OfEtag(shard.etag);
        const target = archivePath(home, shard);
        return `${shard.url}\n  dir=${dirname(target)}\n  out=${shard.name}\n${md5 ? `  checksum=md5=${md5}\n` : ''}`;
      })
      .join('')
  );
}

/** The bucket folder a shard of a folder source lies in: its file, less the bucket path it has there. */
function bucketFolderOf(shard: PlannedShard): string {
  return shard.url.endsWith(`/${shard.path}`) ? shard.url.slice(0, -shard.path.length - 1) : dirname(shard.url);
}
