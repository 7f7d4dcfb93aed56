import { existsSync, readdirSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { Catalog } from '../catalog/catalog.js';
import { shardsOfVersions } from '../catalog/shards.js';
import { findSubset, subsetSplits } from '../catalog/subsets.js';
import { refreshWorkerCatalog } from '../catalog/workers.js';
import { KineticsError } from '../errors.js';
import { type HomeLock, lockHome } from './home-lock.js';
import { planSubset } from './plan.js';
import { storedShares } from './stored-shares.js';
import { type Worker, assignShares, ownerOf } from './worker-share.js';

export interface WorkerSetup {
  /** The worker's own catalog: what it records goes there, never into the main one (see `kinetics merge`). */
  catalogFile: string;
  /** Whether a shard (by `shardKeyOf`) is in its share. */
  share: { has: (key: string) => boolean };
  /**
   * The home's lock, held: workers of one split stream disjoint shares at once; a plain fetch, or a worker of another
   * split (another N), keeps it from starting.
   */
  lock: HomeLock;
  release: () => void;
}

export const workersFolder = (home: string) => join(home, 'workers');

/** Every worker catalog under `--home/workers/`. */
export function workerCatalogFiles(home: string): string[] {
  const folder = workersFolder(home);
  return existsSync(folder) ? readdirSync(folder).filter((name) => name.endsWith('.db')).sort().map((name) => join(folder, name)) : [];
}

export function defaultWorkerCatalog(home: string, worker: Worker): string {
  return join(workersFolder(home), `${worker.index}-of-${worker.count}.db`);
}

/**
 * A worker's catalog is written by one worker at a time, whatever their indices: the same --worker-db given to every
 * task of an array would have each task's fresh copy replace the others' work.
 */
function lockWorkerCatalog(file: string): () => void {
  try {
    return lockHome(dirname(file), `${basename(file)}.lock`, () => false);
  } catch (error) {
    if (!(error instanceof KineticsError) || error.exitCode !== 75) throw error;
    throw new KineticsError(`${file} is the catalog of another worker running now: give each worker a --worker-db of its own (the default, --home/workers/I-of-N.db, is)`, 75);
  }
}

/**
 * Worker I of N of a split fetch, under its lock: its share of the subset's shards, assigned once from the main
 * catalog (which no worker writes) by the first worker to start and kept in the home, so that every worker, and
 * every rerun of one, streams the same shards; and its own catalog, a fresh copy of the main one carrying over what
 * an earlier run recorded and no merge has brought in.
 */
export async function prepareWorker(
  mainFile: string,
  subset: string,
  home: string,
  worker: Worker,
  catalogFile: string,
  retry: { retryAbsent?: boolean; retryDamaged?: boolean } = {},
): Promise<WorkerSetup> {
  const lock = { name: `fetch.worker-${worker.index}-of-${worker.count}.lock`, conflictsWith: (other: string) => !other.endsWith(`-of-${worker.count}.lock`) };
  const releaseHome = lockHome(home, lock.name, lock.conflictsWith);
  let releaseCatalog = () => {};
  const release = () => {
    releaseCatalog();
    releaseHome();
  };
  try {
    releaseCatalog = lockWorkerCatalog(catalogFile);
    const main = Catalog.open(mainFile, { readonly: true });
    try {
      const owners = await storedShares(workersFolder(home), findSubset(main, subset), worker.count, async () => {
        // Planned as the worker will plan (the same retries); every other shard of the subset's versions follows,
        // so that a shard a later plan asks for has one worker too.
        const plan = await planSubset(main, subset, home, { lookupSizes: false, ...retry });
        const versions = [...new Set(subsetSplits(main, subset).map((pair) => pair.version))];
        return assignShares(plan.shards, shardsOfVersions(main, versions), worker.count);
      });
      await refreshWorkerCatalog(main, catalogFile);
      return {
        catalogFile,
        share: { has: (key) => ownerOf(owners, key, worker.count) === worker.index },
        lock: { ...lock, heldByCaller: true },
        release,
      };
    } finally {
      await main.close();
    }
  } catch (error) {
    release();
    throw error;
  }
}
