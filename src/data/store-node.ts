// The Node filesystem store. Atomic writes: write `<name>.tmp-<pid>-<n>` beside the target, then rename.
import { mkdir, readFile, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { UserError } from './errors.ts';
import type { FileStore } from './store.ts';

let tmpCounter = 0;

/** Whether anything (file, folder, link target) is at `path`. */
export async function pathExists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}

export class NodeFileStore implements FileStore {
  readonly writable = true;
  constructor(readonly root: string) {}

  private abs(path: string): string {
    return join(this.root, ...path.split('/'));
  }

  async readFile(path: string): Promise<Uint8Array> {
    try {
      return new Uint8Array(await readFile(this.abs(path)));
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') throw new UserError(`${this.abs(path)}: file not found`);
      throw e;
    }
  }

  async listFiles(dir: string): Promise<string[]> {
    const base = this.abs(dir);
    let entries;
    try {
      entries = await readdir(base, { recursive: true, withFileTypes: true });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw e;
    }
    const out: string[] = [];
    for (const ent of entries) {
      if (!ent.isFile()) continue;
      if (ent.name.includes('.tmp-')) continue; // an interrupted write's leftover is never data
      const full = join(ent.parentPath, ent.name);
      out.push(relative(this.root, full).split(sep).join('/'));
    }
    return out.sort();
  }

  exists(path: string): Promise<boolean> {
    return pathExists(this.abs(path));
  }

  async size(path: string): Promise<number | null> {
    try {
      const st = await stat(this.abs(path));
      return st.isFile() ? st.size : null;
    } catch {
      return null;
    }
  }

  async writeFileAtomic(path: string, bytes: Uint8Array): Promise<void> {
    const target = this.abs(path);
    const tmp = `${target}.tmp-${process.pid}-${tmpCounter++}`;
    await mkdir(join(target, '..'), { recursive: true });
    try {
      await writeFile(tmp, bytes);
      await rename(tmp, target);
    } catch (e) {
      await rm(tmp, { force: true });
      throw e;
    }
  }

  async remove(path: string): Promise<void> {
    await rm(this.abs(path), { recursive: true, force: true });
  }
}
