import { copyFileSync, linkSync, lstatSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { writeErrorAt } from '../errors.js';
import { makeFolder } from '../util/make-folder.js';

/**
 * The files of one export, each written beside its name as `NAME.partial` and all put in place together once every
 * one is written: an export that fails part way (a full disk) leaves an earlier export in the folder whole. The
 * clips a tree lays out go in place one by one; those put where no file was, and the folders made for them, go
 * again if the export fails.
 */
export class StagedOutput {
  private readonly names: string[] = [];
  private readonly laidOut: string[] = [];

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

  /** Puts a clip's file in the export as `name` (a link, a hard link or a copy), over an earlier export's only once made. */
  layOut(file: string, name: string, link: 'symlink' | 'copy' | 'hardlink'): void {
    const target = join(this.out, name);
    const madeFolder = makeFolder(dirname(target));
    if (madeFolder !== undefined) this.laidOut.push(madeFolder);
    const partial = `${target}.partial`;
    rmSync(partial, { force: true });
    const wasThere = lstatSync(target, { throwIfNoEntry: false }) !== undefined;
    try {
      if (link === 'copy') copyFileSync(file, partial);
      else if (link === 'hardlink') linkSync(file, partial);
      else symlinkSync(file, partial);
    } catch (error) {
      rmSync(partial, { force: true });
      throw writeErrorAt(error, target);
    }
    renameSync(partial, target);
    if (!wasThere) this.laidOut.push(target);
  }

  /** Runs `body`, which writes and stages the files; puts them in place if it ends, else removes them. */
  allOrNothing<T>(body: () => T): T {
    try {
      const result = body();
      for (const name of this.names) renameSync(this.partialOf(name), join(this.out, name));
      return result;
    } catch (error) {
      for (const name of this.names) rmSync(this.partialOf(name), { force: true });
      for (const path of this.laidOut.reverse()) rmSync(path, { recursive: true, force: true });
      throw error;
    } finally {
      this.names.length = 0;
      this.laidOut.length = 0;
    }
  }

  private partialOf(name: string): string {
    return join(this.out, `${name}.partial`);
  }
}
