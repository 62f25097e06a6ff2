/**
 * A read-only view of a tree with changes laid over it: the tree as rolling a pending commit
 * forward would leave it, so a dry run can answer exactly what a real apply would do after
 * recovery, without recovering. Deleted files disappear, and so do the directories a replay
 * prunes (ancestors of deleted paths left empty); written files appear, with their parents.
 */
import { sha256Hex } from '../crypto/hash.ts';
import type { Tree, TreeChange, TreeEntry } from './tree.ts';

type Written = Extract<TreeChange, { action: 'write' }>;

export function overlayTree(base: Tree, changes: readonly TreeChange[]): Tree {
  const written = new Map<string, Written>();
  const deleted = new Set<string>();
  const ancestors = new Set<string>();
  for (const change of changes) {
    if (change.action === 'write') written.set(change.path, change);
    else deleted.add(change.path);
  }
  for (const path of deleted) {
    const names = path.split('/');
    for (let depth = 1; depth < names.length; depth++)
      ancestors.add(names.slice(0, depth).join('/'));
  }
  const under = (dir: string, path: string) => dir === '' || path.startsWith(`${dir}/`);
  const join = (dir: string, name: string) => (dir === '' ? name : `${dir}/${name}`);

  async function children(dir: string): Promise<string[]> {
    const names = new Set<string>();
    const kind = dir === '' ? 'dir' : (await base.stat(dir))?.kind;
    for (const name of kind === 'dir' ? await base.children(dir) : []) {
      const path = join(dir, name);
      if (deleted.has(path) && !written.has(path)) continue;
      if (ancestors.has(path) && (await isPruned(path))) continue;
      names.add(name);
    }
    for (const path of written.keys()) {
      if (path !== dir && under(dir, path))
        names.add(path.slice(dir === '' ? 0 : dir.length + 1).split('/')[0] ?? '');
    }
    return [...names];
  }

  /** A directory replay removes: an ancestor of a deleted path with nothing left in it. */
  async function isPruned(dir: string): Promise<boolean> {
    return ancestors.has(dir) && (await children(dir)).length === 0;
  }

  const readOnly = async (): Promise<never> => {
    throw new Error('overlayTree: a read-only view');
  };

  return {
    async list() {
      const out: TreeEntry[] = (await base.list()).filter(
        (e) => !deleted.has(e.path) && !written.has(e.path),
      );
      for (const w of written.values())
        out.push({ path: w.path, kind: 'file', executable: w.executable });
      return out;
    },
    async stat(path) {
      const w = written.get(path);
      if (w !== undefined) return { path, kind: 'file', executable: w.executable };
      if ([...written.keys()].some((p) => under(path, p)))
        return { path, kind: 'dir', executable: false };
      if (deleted.has(path) || (await isPruned(path))) return undefined;
      return base.stat(path);
    },
    children,
    async read(path) {
      return written.get(path)?.content.slice() ?? base.read(path);
    },
    async digest(path) {
      const w = written.get(path);
      if (w !== undefined) return sha256Hex(w.content);
      return base.digest === undefined ? sha256Hex(await base.read(path)) : base.digest(path);
    },
    commit: readOnly,
    recover: readOnly,
    pending: async () => ({ outcome: 'none' }),
  };
}
