/**
 * Checks, before anything is staged, that every op of a commit can be applied to the tree as
 * it is: a commit that would fail halfway for a reason that does not go away (a file where a
 * directory must be made, a directory where a file must be written) must fail here, while
 * the tree is untouched, because rolling forward could never finish it.
 */
import { reject } from '../core/errors.ts';
import { findDir, kindAt, pathNames, entriesOf } from './handles.ts';
import type { JournalOp } from './txn-journal.ts';

/**
 * Whether deleting `deleted` removes the directory at `prefix`: every file under it is
 * deleted and every directory under it holds a deleted file (emptied ones are removed).
 */
async function emptiedByDeletes(
  dir: FileSystemDirectoryHandle,
  prefix: string,
  deleted: ReadonlySet<string>,
): Promise<boolean> {
  let holdsDeleted = false;
  for await (const [name, handle] of entriesOf(dir)) {
    const path = `${prefix}/${name}`;
    if (handle.kind === 'file') {
      if (!deleted.has(path)) return false;
    } else if (!(await emptiedByDeletes(handle as FileSystemDirectoryHandle, path, deleted))) {
      return false;
    }
    holdsDeleted = true;
  }
  return holdsDeleted;
}

async function checkWrite(
  root: FileSystemDirectoryHandle,
  path: string,
  writes: ReadonlySet<string>,
  deleted: ReadonlySet<string>,
): Promise<void> {
  const names = pathNames(path);
  for (let depth = 1; depth < names.length; depth++) {
    const prefix = names.slice(0, depth).join('/');
    if (writes.has(prefix)) {
      reject('APPLY_CONFLICT', `cannot write both ${prefix} and ${path}: one is inside the other`);
    }
    if (!deleted.has(prefix) && (await kindAt(root, names.slice(0, depth))) === 'file') {
      reject('APPLY_CONFLICT', `cannot write ${path}: ${prefix} is a file`);
    }
  }
  if ((await kindAt(root, names)) === 'dir') {
    const dir = await findDir(root, names);
    if (dir === undefined || !(await emptiedByDeletes(dir, path, deleted))) {
      reject('APPLY_CONFLICT', `cannot write ${path}: it is a directory that stays non-empty`);
    }
  }
}

export async function checkCommit(
  root: FileSystemDirectoryHandle,
  ops: readonly JournalOp[],
): Promise<void> {
  const deleted = new Set<string>();
  const writes = new Set<string>();
  for (const op of ops) (op.action === 'delete' ? deleted : writes).add(op.path);
  for (const path of deleted) {
    const kind = await kindAt(root, pathNames(path));
    if (kind !== 'file') {
      reject(
        'APPLY_CONFLICT',
        `cannot delete ${path}: expected a file, found ${kind === 'dir' ? 'a directory' : 'nothing'}`,
      );
    }
  }
  for (const path of writes) await checkWrite(root, path, writes, deleted);
}
