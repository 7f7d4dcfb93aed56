import { linkSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** What the workers of one subset (as made at `createdAt`) and count share: each shard's worker, by `shardKeyOf`. */
interface StoredShares {
  subset: string;
  createdAt: string;
  count: number;
  owners: Record<string, number>;
}

export const sharesFile = (folder: string, subset: string, count: number) => join(folder, `${subset}.shares-of-${count}.json`);

function read(file: string): StoredShares | undefined {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as StoredShares;
  } catch {
    return undefined; // none yet, or unreadable: assigned again
  }
}

/**
 * The shards' workers for this subset and count: as the first worker to start assigned them (kept in `folder`, so
 * that a worker run again — after kill -9, after a merge changed the plan — streams the same shards), or assigned
 * now by `assign` and kept. Workers starting at once assign alike from the same catalog; the first one's stays. A
 * subset made again (another `createdAt`) is assigned afresh.
 */
export async function storedShares(
  folder: string,
  subset: { name: string; created_at: string },
  count: number,
  assign: () => Promise<Map<string, number>>,
): Promise<Map<string, number>> {
  const file = sharesFile(folder, subset.name, count);
  // A file edited by hand (an owner that is no worker of the count) is no assignment: every shard must have one.
  const matches = (stored: StoredShares | undefined): stored is StoredShares =>
    stored !== undefined &&
    stored.subset === subset.name &&
    stored.createdAt === subset.created_at &&
    stored.count === count &&
    typeof stored.owners === 'object' &&
    stored.owners !== null &&
    Object.values(stored.owners).every((owner) => Number.isInteger(owner) && owner >= 1 && owner <= count);
  const earlier = read(file);
  if (matches(earlier)) return new Map(Object.entries(earlier.owners));
  const owners = await assign();
  const mine = `${file}.${process.pid}`;
  mkdirSync(folder, { recursive: true });
  writeFileSync(mine, `${JSON.stringify({ subset: subset.name, createdAt: subset.created_at, count, owners: Object.fromEntries(owners) } satisfies StoredShares)}\n`);
  try {
    if (earlier !== undefined) renameSync(mine, file); // another subset's, or unreadable: replaced
    else {
      try {
        linkSync(mine, file); // atomic: of workers starting at once, the first one's stays
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
        const first = read(file);
        if (matches(first)) return new Map(Object.entries(first.owners));
        renameSync(mine, file);
      }
    }
  } finally {
    rmSync(mine, { force: true });
  }
  return owners;
}
