/**
 * The `Tree` that patch application runs over, for the browser: one adapter over a
 * `FileSystemDirectoryHandle`, so the same code serves a workspace in the Origin Private File
 * System and a real folder the user picked with `showDirectoryPicker` (see ./workspaces.ts).
 * Reading is here; commits, recovery and the look at a pending commit are in
 * ./directory-commit.ts, one at a time. These APIs have no file modes and no symlinks: every
 * entry is a plain file or a directory.
 */
import type { TreeProbe } from '../core/diff/commit-check.ts';
import type { Tree, TreeEntry } from '../core/diff/tree.ts';
import { makeDirectoryCommits, type DirectoryCommitOptions } from './directory-commit.ts';
import {
  entriesOf,
  findDir,
  findFile,
  isReservedName,
  kindAt,
  pathNames,
  readBytes,
} from './handles.ts';

export interface DirectoryTreeOptions extends DirectoryCommitOptions {
  /**
   * A Web Locks name that every commit and recovery holds, so two tabs over the same
   * directory never interleave (./workspaces.ts names one per OPFS workspace).
   */
  lockName?: string;
}

async function listFiles(dir: FileSystemDirectoryHandle, prefix: string, out: TreeEntry[]) {
  for await (const [name, handle] of entriesOf(dir)) {
    if (prefix === '' && isReservedName(name)) continue;
    const path = prefix === '' ? name : `${prefix}/${name}`;
    if (handle.kind === 'file') out.push({ path, kind: 'file', executable: false });
    else await listFiles(handle as FileSystemDirectoryHandle, path, out);
  }
}

export function makeDirectoryTree(
  root: FileSystemDirectoryHandle,
  options: DirectoryTreeOptions = {},
): Tree {
  let queue: Promise<unknown> = Promise.resolve();

  /** One commit or recovery at a time: in this instance, and across tabs with a lock name. */
  function exclusive<T>(work: () => Promise<T>): Promise<T> {
    const locks = globalThis.navigator?.locks;
    const run =
      options.lockName === undefined || locks === undefined
        ? work
        : () => locks.request(options.lockName ?? '', work) as Promise<T>;
    const result = queue.then(run, run);
    queue = result.catch(() => undefined);
    return result;
  }

  const probe: TreeProbe = {
    kind: (path) => kindAt(root, pathNames(path)),
    async children(path) {
      const dir = path === '' ? root : await findDir(root, pathNames(path));
      const names: string[] = [];
      if (dir !== undefined) for await (const [name] of entriesOf(dir)) names.push(name);
      return names;
    },
  };
  const commits = makeDirectoryCommits(root, probe, options);

  return {
    async list() {
      const out: TreeEntry[] = [];
      await listFiles(root, '', out);
      return out.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
    },
    async stat(path) {
      const kind = await probe.kind(path);
      return kind === undefined ? undefined : { path, kind, executable: false };
    },
    children: probe.children,
    async read(path) {
      const names = pathNames(path);
      const parent = await findDir(root, names.slice(0, -1));
      const file = parent === undefined ? undefined : await findFile(parent, names.at(-1) ?? '');
      if (file === undefined) throw new Error(`read: no file at ${JSON.stringify(path)}`);
      return readBytes(file);
    },
    commit: (changes) => exclusive(() => commits.commit(changes)),
    recover: () => exclusive(commits.recover),
    pending: () => exclusive(commits.pending),
  };
}
