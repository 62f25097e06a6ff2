/**
 * An in-memory `Tree`, for tests and previews. Commits are checked as every tree's are, then
 * swap in a new map, so they are atomic by construction. Symlinks can be declared (their target is not followed) to test safety.
 */
import { checkCommit, probeOf } from './commit-check.ts';
import { planCommit } from './journal.ts';
import type { PendingCommit, RecoveryOutcome, Tree, TreeChange, TreeEntry } from './tree.ts';

export interface MemoryFile {
  content: Uint8Array;
  executable?: boolean;
}

export interface MemoryTree extends Tree {
  /** A copy of the current files, by path. */
  snapshot(): Map<string, MemoryFile>;
}

export function makeMemoryTree(
  files: Record<string, string | Uint8Array | MemoryFile> = {},
  symlinks: readonly string[] = [],
): MemoryTree {
  let state = new Map<string, MemoryFile>();
  for (const [path, value] of Object.entries(files)) {
    const file =
      typeof value === 'string'
        ? { content: new TextEncoder().encode(value) }
        : value instanceof Uint8Array
          ? { content: value }
          : value;
    state.set(path, file);
  }
  const links = new Set(symlinks);

  const isDir = (path: string): boolean => {
    for (const key of [...state.keys(), ...links]) if (key.startsWith(`${path}/`)) return true;
    return false;
  };

  const tree: MemoryTree = {
    async list(): Promise<TreeEntry[]> {
      const out: TreeEntry[] = [...state].map(([path, f]) => ({
        path,
        kind: 'file',
        executable: f.executable === true,
      }));
      for (const path of links) out.push({ path, kind: 'symlink', executable: false });
      return out;
    },
    async stat(path) {
      const file = state.get(path);
      if (file !== undefined) return { path, kind: 'file', executable: file.executable === true };
      if (links.has(path)) return { path, kind: 'symlink', executable: false };
      return isDir(path) ? { path, kind: 'dir', executable: false } : undefined;
    },
    async children(path) {
      const prefix = path === '' ? '' : `${path}/`;
      const names = new Set<string>();
      for (const key of [...state.keys(), ...links])
        if (key.startsWith(prefix)) names.add(key.slice(prefix.length).split('/')[0] ?? '');
      return [...names];
    },
    async read(path) {
      const file = state.get(path);
      if (file === undefined) throw new Error(`memory tree: no file ${path}`);
      return file.content.slice();
    },
    async commit(changes: readonly TreeChange[]) {
      await checkCommit(probeOf(tree), planCommit(changes).ops);
      const next = new Map(state);
      for (const change of changes) {
        if (change.action === 'delete') next.delete(change.path);
        else
          next.set(change.path, { content: change.content.slice(), executable: change.executable });
      }
      state = next;
    },
    async recover(): Promise<RecoveryOutcome> {
      return 'none';
    },
    async pending(): Promise<PendingCommit> {
      return { outcome: 'none' };
    },
    snapshot() {
      return new Map([...state].map(([k, v]) => [k, { ...v, content: v.content.slice() }]));
    },
  };
  return tree;
}
