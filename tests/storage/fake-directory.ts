/**
 * An in-memory stand-in for the browser's `FileSystemDirectoryHandle`, with the behaviour the
 * directory tree relies on (File System Standard): handles locate entries by path, a writable
 * replaces the file only on close(), move() replaces a target file, a non-recursive
 * removeEntry refuses a non-empty directory, errors are DOMExceptions with the standard names.
 *
 * It counts mutating calls, so a test can kill it at the k-th one: that call fails before
 * changing anything and so does every call after it, as when the tab dies. `reboot()` gives
 * a fresh root handle over the same contents, as a reloaded page would get.
 */
type Node = { kind: 'file'; data: Uint8Array } | { kind: 'directory'; children: Map<string, Node> };
type DirNode = Extract<Node, { kind: 'directory' }>;

function concat(chunks: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(chunks.reduce((sum, chunk) => sum + chunk.length, 0));
  let at = 0;
  for (const chunk of chunks) {
    out.set(chunk, at);
    at += chunk.length;
  }
  return out;
}

const domError = (name: string, message: string) => new DOMException(message, name);

export class FakeDisk {
  readonly top: DirNode = { kind: 'directory', children: new Map() };
  /** Mutating calls so far: created entries, closed writables, removals, moves. */
  mutations = 0;
  /** Die at this mutating call (1-based): it and everything after it throw. */
  crashAt: number | undefined;
  /** Fail only this mutating call (1-based), as a transient error would. */
  failAt: number | undefined;
  private dead = false;

  constructor(readonly withMove = true) {}

  /** Puts files in place directly (no mutation counted): `{ 'a/b.txt': 'text' }`. */
  seed(files: Record<string, string>): this {
    for (const [path, text] of Object.entries(files)) {
      const names = path.split('/');
      let dir = this.top;
      for (const name of names.slice(0, -1)) {
        let next = dir.children.get(name);
        if (next === undefined)
          dir.children.set(name, (next = { kind: 'directory', children: new Map() }));
        if (next.kind !== 'directory') throw new Error(`seed: ${name} is a file`);
        dir = next;
      }
      dir.children.set(names.at(-1) ?? '', { kind: 'file', data: new TextEncoder().encode(text) });
    }
    return this;
  }

  /** Everything on the disk: each file's text, and each directory as "path/" → "". */
  snapshot(): Record<string, string> {
    const out: Record<string, string> = {};
    const walk = (dir: DirNode, prefix: string) => {
      for (const [name, node] of dir.children) {
        if (node.kind === 'file') out[prefix + name] = new TextDecoder().decode(node.data);
        else {
          out[`${prefix}${name}/`] = '';
          walk(node, `${prefix}${name}/`);
        }
      }
    };
    walk(this.top, '');
    return out;
  }

  root(): FileSystemDirectoryHandle {
    return this.dirHandle([]);
  }

  reboot(): FileSystemDirectoryHandle {
    this.dead = false;
    this.crashAt = undefined;
    this.failAt = undefined;
    return this.root();
  }

  private alive(): void {
    if (this.dead) throw new Error('fake disk: the tab has crashed');
  }

  private mutate(): void {
    this.alive();
    this.mutations += 1;
    if (this.mutations === this.crashAt) this.dead = true;
    if (this.mutations === this.crashAt || this.mutations === this.failAt) {
      throw domError('UnknownError', `fake disk: injected failure at mutation ${this.mutations}`);
    }
  }

  private node(path: readonly string[]): Node {
    let node: Node = this.top;
    for (const name of path) {
      const next: Node | undefined =
        node.kind === 'directory' ? node.children.get(name) : undefined;
      if (next === undefined) throw domError('NotFoundError', `no entry ${path.join('/')}`);
      node = next;
    }
    return node;
  }

  private dir(path: readonly string[]): DirNode {
    const node = this.node(path);
    if (node.kind !== 'directory')
      throw domError('TypeMismatchError', `${path.join('/')} is a file`);
    return node;
  }

  private child(path: readonly string[], name: string, kind: Node['kind'], create: boolean): void {
    this.alive();
    const parent = this.dir(path);
    const found = parent.children.get(name);
    if (found !== undefined && found.kind !== kind) throw domError('TypeMismatchError', name);
    if (found !== undefined) return;
    if (!create) throw domError('NotFoundError', `no entry ${[...path, name].join('/')}`);
    this.mutate();
    parent.children.set(
      name,
      kind === 'file' ? { kind, data: new Uint8Array() } : { kind, children: new Map() },
    );
  }

  private async *entries(path: string[]): AsyncGenerator<[string, FileSystemHandle]> {
    this.alive();
    for (const [name, node] of [...this.dir(path).children]) {
      const at = [...path, name];
      yield [name, node.kind === 'file' ? this.fileHandle(at) : this.dirHandle(at)];
    }
  }

  private dirHandle(path: string[]): FileSystemDirectoryHandle {
    const handle = {
      kind: 'directory',
      name: path.at(-1) ?? '',
      getDirectoryHandle: async (name: string, options?: { create?: boolean }) => {
        this.child(path, name, 'directory', options?.create === true);
        return this.dirHandle([...path, name]);
      },
      getFileHandle: async (name: string, options?: { create?: boolean }) => {
        this.child(path, name, 'file', options?.create === true);
        return this.fileHandle([...path, name]);
      },
      removeEntry: async (name: string, options?: { recursive?: boolean }) => {
        this.alive();
        const found = this.dir(path).children.get(name);
        if (found === undefined) throw domError('NotFoundError', name);
        if (found.kind === 'directory' && found.children.size > 0 && options?.recursive !== true) {
          throw domError('InvalidModificationError', `${name} is not empty`);
        }
        this.mutate();
        this.dir(path).children.delete(name);
      },
      entries: () => this.entries(path),
    } as unknown as FileSystemDirectoryHandle;
    locations.set(handle, path);
    return handle;
  }

  private fileHandle(initial: string[]): FileSystemFileHandle {
    let path = initial;
    const file = () => {
      const node = this.node(path);
      if (node.kind !== 'file') throw domError('TypeMismatchError', path.join('/'));
      return node;
    };
    const handle: Record<string, unknown> = {
      kind: 'file',
      name: path.at(-1) ?? '',
      getFile: async () => {
        this.alive();
        return new Blob([file().data.slice()]);
      },
      createWritable: async () => {
        this.alive();
        file();
        const chunks: Uint8Array[] = [];
        return {
          write: async (chunk: Uint8Array) => void chunks.push(chunk.slice()),
          abort: async () => undefined,
          close: async () => {
            this.mutate();
            file().data = concat(chunks);
          },
        };
      },
    };
    if (this.withMove) {
      handle.move = async (destination: FileSystemDirectoryHandle, newName: string) => {
        this.alive();
        const node = file();
        const where = locations.get(destination);
        if (where === undefined) throw new Error('fake disk: foreign directory handle');
        const target = [...where, newName];
        const existing = this.dir(target.slice(0, -1)).children.get(newName);
        if (existing?.kind === 'directory') throw domError('InvalidModificationError', newName);
        this.mutate();
        this.dir(path.slice(0, -1)).children.delete(path.at(-1) ?? '');
        this.dir(target.slice(0, -1)).children.set(newName, node);
        path = target;
      };
    }
    return handle as unknown as FileSystemFileHandle;
  }
}

/** Where each directory handle points (handles locate entries by path). */
const locations = new WeakMap<FileSystemDirectoryHandle, string[]>();
