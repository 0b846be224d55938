// File access for the lake, injected so the same loader runs in Node (filesystem) and in the browser (HTTP).
// Paths are always '/'-separated and relative to the store's root.

export interface FileStore {
  /** A label for messages, e.g. the lake directory or base URL. */
  readonly root: string;
  readFile(path: string): Promise<Uint8Array>;
  /** Every file below `dir` (recursive), as paths relative to the store root, sorted. */
  listFiles(dir: string): Promise<string[]>;
  exists(path: string): Promise<boolean>;
  /** A file's size in bytes, or null when it does not exist; absent where the store cannot tell (HTTP). */
  size?(path: string): Promise<number | null>;
  /** Writes through a temporary name and renames, so a reader never sees a partial file. */
  writeFileAtomic(path: string, bytes: Uint8Array): Promise<void>;
  /** Removes a file or a directory tree if present. */
  remove(path: string): Promise<void>;
  readonly writable: boolean;
}

/** Wraps a store and counts the files read, so tests can prove partition pruning opens nothing else. */
export class CountingStore implements FileStore {
  readonly opened: string[] = [];
  readonly size?: (path: string) => Promise<number | null>;
  constructor(private readonly inner: FileStore) {
    if (inner.size !== undefined) this.size = inner.size.bind(inner);
  }
  get root(): string {
    return this.inner.root;
  }
  get writable(): boolean {
    return this.inner.writable;
  }
  readFile(path: string): Promise<Uint8Array> {
    this.opened.push(path);
    return this.inner.readFile(path);
  }
  listFiles(dir: string): Promise<string[]> {
    return this.inner.listFiles(dir);
  }
  exists(path: string): Promise<boolean> {
    return this.inner.exists(path);
  }
  writeFileAtomic(path: string, bytes: Uint8Array): Promise<void> {
    return this.inner.writeFileAtomic(path, bytes);
  }
  remove(path: string): Promise<void> {
    return this.inner.remove(path);
  }
}

export function joinPath(...parts: string[]): string {
  return parts
    .filter((p) => p.length > 0)
    .join('/')
    .replace(/\/+/g, '/');
}
