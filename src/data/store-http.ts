// The browser store: reads a lake served over HTTP (vite dev server, static hosting, or file-less bundles).
// Browsers cannot list directories, so the lake carries `_files.json` (written by `slatesim lake embed`)
// listing every file; partition pruning works on that list without fetching any Parquet file.
import { UserError } from './errors.ts';
import type { FileStore } from './store.ts';

export const FILE_LIST = '_files.json';

export class HttpFileStore implements FileStore {
  readonly writable = false;
  private files: Promise<string[]> | undefined;
  constructor(
    readonly root: string,
    private readonly fetchFn: typeof fetch = globalThis.fetch.bind(globalThis),
  ) {}

  private url(path: string): string {
    return `${this.root.replace(/\/$/, '')}/${path}`;
  }

  async readFile(path: string): Promise<Uint8Array> {
    const res = await this.fetchFn(this.url(path));
    if (!res.ok) throw new UserError(`${this.url(path)}: HTTP ${res.status}`);
    return new Uint8Array(await res.arrayBuffer());
  }

  private allFiles(): Promise<string[]> {
    this.files ??= (async () => {
      const res = await this.fetchFn(this.url(FILE_LIST));
      if (!res.ok) throw new UserError(`${this.url(FILE_LIST)}: HTTP ${res.status} (the lake has no file list)`);
      const list: unknown = await res.json();
      if (!Array.isArray(list) || !list.every((x) => typeof x === 'string')) {
        throw new UserError(`${this.url(FILE_LIST)}: expected a JSON array of paths`);
      }
      return list.slice().sort();
    })();
    return this.files;
  }

  async listFiles(dir: string): Promise<string[]> {
    const prefix = dir.endsWith('/') ? dir : `${dir}/`;
    return (await this.allFiles()).filter((f) => f.startsWith(prefix));
  }

  async exists(path: string): Promise<boolean> {
    return (await this.allFiles()).includes(path);
  }

  writeFileAtomic(path: string): Promise<void> {
    return Promise.reject(new UserError(`${this.url(path)}: the HTTP lake is read-only`));
  }

  remove(path: string): Promise<void> {
    return Promise.reject(new UserError(`${this.url(path)}: the HTTP lake is read-only`));
  }
}
