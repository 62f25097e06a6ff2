/**
 * Small filesystem helpers for the Node tree: lstat that answers "nothing there" instead of
 * throwing where a path cannot exist, a coded refusal for names this filesystem cannot hold,
 * entry kinds, and concurrent fsync.
 */
import { closeSync, constants, fsync, lstatSync, openSync, type Stats } from 'node:fs';
import { reject } from '../core/index.ts';
import type { EntryKind } from '../core/diff/tree.ts';

/**
 * The entry at `path` without following a final symlink; undefined when nothing is there,
 * also when an ancestor is a file (ENOTDIR). A name too long for the filesystem is UNSAFE_PATH.
 */
export function lstatOrUndefined(path: string): Stats | undefined {
  try {
    return lstatSync(path, { throwIfNoEntry: false });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOTDIR') return undefined;
    if (code === 'ENAMETOOLONG')
      reject('UNSAFE_PATH', `a path is too long for this filesystem: ${JSON.stringify(path)}`);
    throw error;
  }
}

export function kindOf(info: Stats): EntryKind {
  if (info.isSymbolicLink()) return 'symlink';
  if (info.isDirectory()) return 'dir';
  return info.isFile() ? 'file' : 'other';
}

/** fsyncs in flight at once: enough to share a flush, few enough to bound open files. */
const CONCURRENT_SYNCS = 16;

function fsyncPath(path: string): Promise<void> {
  const fd = openSync(path, constants.O_RDONLY);
  return new Promise<void>((done, fail) =>
    fsync(fd, (error) => (error ? fail(error) : done())),
  ).finally(() => closeSync(fd));
}

/** fsyncs every path (files and directories), CONCURRENT_SYNCS at a time. */
export async function syncAll(paths: readonly string[]): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    for (let i = next++; i < paths.length; i = next++) await fsyncPath(paths[i] as string);
  };
  await Promise.all(Array.from({ length: Math.min(CONCURRENT_SYNCS, paths.length) }, worker));
}
