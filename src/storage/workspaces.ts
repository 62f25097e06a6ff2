/**
 * Where a browser tree lives: a named workspace in the Origin Private File System, or a real
 * folder the user picks through the File System Access API. Both give a directory handle,
 * and the same adapter (./directory-tree.ts) runs patch application over either.
 */
import type { Tree } from '../core/diff/tree.ts';
import { isDomError } from './handles.ts';
import type { DirectoryCommitOptions } from './directory-commit.ts';
import { makeDirectoryTree } from './directory-tree.ts';

/** The OPFS directory that holds one sub-directory per workspace. */
export const WORKSPACES_DIR = 'workspaces';

export interface OpenedTree {
  /** Keep it (IndexedDB can store it) to reopen the same directory later. */
  handle: FileSystemDirectoryHandle;
  tree: Tree;
}

/** Chromium's picker; not in TypeScript's DOM lib. */
type ShowDirectoryPicker = (options: {
  mode: 'readwrite';
  id?: string;
}) => Promise<FileSystemDirectoryHandle>;

function checkWorkspaceName(name: string): void {
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/.test(name)) {
    throw new TypeError(
      `openWorkspace: expected 1–64 letters, digits, ".", "_" or "-" (not first), found ${JSON.stringify(name)}`,
    );
  }
}

/**
 * Opens (creating it when new) the OPFS workspace `name`; commits hold a per-workspace lock.
 * `failpoints` are for tests only (see DirectoryCommitOptions).
 */
export async function openWorkspace(
  name: string,
  failpoints: DirectoryCommitOptions = {},
): Promise<OpenedTree> {
  checkWorkspaceName(name);
  const opfs = await navigator.storage.getDirectory();
  const all = await opfs.getDirectoryHandle(WORKSPACES_DIR, { create: true });
  const handle = await all.getDirectoryHandle(name, { create: true });
  const lockName = `patchtrail:workspace:${name}`;
  return { handle, tree: makeDirectoryTree(handle, { ...failpoints, lockName }) };
}

/** The OPFS workspace `name` if it exists (never created: a name being typed is not one). */
export async function findWorkspace(name: string): Promise<OpenedTree | undefined> {
  checkWorkspaceName(name);
  const opfs = await navigator.storage.getDirectory();
  try {
    const all = await opfs.getDirectoryHandle(WORKSPACES_DIR);
    const handle = await all.getDirectoryHandle(name);
    return {
      handle,
      tree: makeDirectoryTree(handle, { lockName: `patchtrail:workspace:${name}` }),
    };
  } catch (error) {
    if (isDomError(error, 'NotFoundError')) return undefined;
    throw error;
  }
}

/** The OPFS directory `name` (created when new), e.g. a folder a kiosk watches in tests. */
export async function opfsDirectory(name: string): Promise<FileSystemDirectoryHandle> {
  checkWorkspaceName(name);
  const opfs = await navigator.storage.getDirectory();
  return opfs.getDirectoryHandle(name, { create: true });
}

/** Whether this browser can open a real folder (Chromium desktop; not Firefox or Safari). */
export function canPickFolder(): boolean {
  return (
    typeof (globalThis as { showDirectoryPicker?: unknown }).showDirectoryPicker === 'function'
  );
}

/**
 * Asks the user for a folder with read-write access; undefined when they cancel. Call it from
 * a user gesture (a click). A picked folder has no stable name to lock on, so two tabs
 * committing to the same folder at once are not kept apart.
 */
export async function pickFolder(): Promise<OpenedTree | undefined> {
  const picker = (globalThis as { showDirectoryPicker?: ShowDirectoryPicker }).showDirectoryPicker;
  if (picker === undefined) throw new Error('pickFolder: this browser has no showDirectoryPicker');
  try {
    const handle = await picker({ mode: 'readwrite', id: 'patchtrail-target' });
    return { handle, tree: makeDirectoryTree(handle) };
  } catch (error) {
    if (isDomError(error, 'AbortError')) return undefined;
    throw error;
  }
}
