import { renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeErrorAt } from '../errors.js';

/**
 * The files of one export, each written beside its name as `NAME.partial` and all put in place together once every
 * one is written: an export that fails part way (a full disk) leaves an earlier export in the folder whole.
 */
export class StagedOutput {
  private readonly names: string[] = [];

  constructor(private readonly out: string) {}

  /** Where to write `name` until it is put in place. */
  stage(name: string): string {
    this.names.push(name);
    return this.partialOf(name);
  }

  write(name: string, text: string): void {
    const path = this.stage(name);
    try {
      writeFileSync(path, text);
    } catch (error) {
      throw writeErrorAt(error, path);
    }
  }

  /** Runs `body`, which writes and stages the files; puts them in place if it ends, else removes them. */
  allOrNothing<T>(body: () => T): T {
    try {
      const result = body();
      for (const name of this.names) renameSync(this.partialOf(name), join(this.out, name));
      return result;
    } catch (error) {
      for (const name of this.names) rmSync(this.partialOf(name), { force: true });
      throw error;
    } finally {
      this.names.length = 0;
    }
  }

  private partialOf(name: string): string {
    return join(this.out, `${name}.partial`);
  }
}
