import { existsSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Catalog } from '../catalog/catalog.js';
import { copyForWorker } from '../catalog/workers.js';
import type { HomeLock } from './home-lock.js';
import { planSubset } from './plan.js';
import { type Worker, shardKeyOf, shareOf } from './worker-share.js';

export interface WorkerSetup {
  /** The worker's own catalog: what it records goes there, never into the main one (see `kinetics merge`). */
  catalogFile: string;
  /** Its shards, by `shardKeyOf`. */
  share: Set<string>;
  /**
   * The home's lock it takes: workers of one split stream disjoint shares at once; a plain fetch, or a worker of
   * another split (another N), keeps it from starting.
   */
  lock: HomeLock;
}

export const workersFolder = (home: string) => join(home, 'workers');

export function defaultWorkerCatalog(home: string, worker: Worker): string {
  return join(workersFolder(home), `${worker.index}-of-${worker.count}.db`);
}

/**
 * Worker I of N of a split fetch: its share of the subset's plan, read from the main catalog (which no worker
 * writes, so every rerun of a worker gets the same share until the workers are merged), and its own catalog,
 * copied from the main one the first time.
 */
export async function prepareWorker(
  mainFile: string,
  subset: string,
  home: string,
  worker: Worker,
  catalogFile: string,
  retry: { retryAbsent?: boolean; retryDamaged?: boolean } = {},
): Promise<WorkerSetup> {
  const main = Catalog.open(mainFile, { readonly: true });
  try {
    // Planned as the worker will plan (the same retries), so that every shard it may stream is in some share.
    const plan = await planSubset(main, subset, home, { lookupSizes: false, ...retry });
    if (!existsSync(catalogFile)) {
      mkdirSync(dirname(catalogFile), { recursive: true });
      copyForWorker(main, catalogFile);
    }
    return {
      catalogFile,
      share: new Set(shareOf(plan.shards, worker).map(shardKeyOf)),
      lock: { name: `fetch.worker-${worker.index}-of-${worker.count}.lock`, conflictsWith: (other) => !other.endsWith(`-of-${worker.count}.lock`) },
    };
  } finally {
    await main.close();
  }
}
