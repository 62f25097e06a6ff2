/**
 * Small helpers over the browser's `FileSystemDirectoryHandle` (WHATWG File System Standard),
 * shared by the Origin Private File System and by folders picked through the File System
 * Access API: walking a "/"-separated path, reading and atomically writing one file, moving a
 * file, removing emptied directories. Absence is `undefined`; every other failure throws.
 */
import { RESERVED_DIRS } from '../core/diff/tree.ts';
import { reject } from '../core/errors.ts';

/** Chromium has these; TypeScript's DOM lib (without DOM.AsyncIterable) does not declare them. */
interface IterableDirectory {
  entries(): AsyncIterable<[string, FileSystemHandle]>;
}
interface MovableFile {
  move?: (destination: FileSystemDirectoryHandle, newName: string) => Promise<void>;
}

/** True when `error` is a DOMException (or look-alike) with one of these names. */
export function isDomError(error: unknown, ...names: string[]): boolean {
  return (
    typeof error === 'object' &&
    error !== null &&
    'name' in error &&
    typeof error.name === 'string' &&
    names.includes(error.name)
  );
}

const isReserved = (name: string): boolean =>
  (RESERVED_DIRS as readonly string[]).includes(name.toLowerCase());

/**
 * The names along a tree path. Paths arrive checked by core's path safety; this refuses again
 * (defence in depth) empty, "." and ".." components and anything under a reserved directory,
 * compared case-insensitively because a picked folder may sit on a case-insensitive disk.
 */
export function pathNames(path: string): string[] {
  const names = path.split('/');
  if (names.some((name) => name === '' || name === '.' || name === '..')) {
    reject(
      'UNSAFE_PATH',
      `expected a relative "/"-separated path without empty, "." or ".." parts, found ${JSON.stringify(path)}`,
    );
  }
  if (isReserved(names[0] ?? '')) {
    reject(
      'UNSAFE_PATH',
      `expected a path outside ${RESERVED_DIRS.join(' and ')}, found ${JSON.stringify(path)}`,
    );
  }
  return names;
}

/** Whether a top-level name is one a tree never lists (.git, .patchtrail). */
export const isReservedName = isReserved;

export async function* entriesOf(
  dir: FileSystemDirectoryHandle,
): AsyncGenerator<[string, FileSystemHandle]> {
  yield* (dir as unknown as IterableDirectory).entries();
}

export async function isEmptyDir(dir: FileSystemDirectoryHandle): Promise<boolean> {
  for await (const _entry of entriesOf(dir)) return false;
  return true;
}

/** The directory at `names` below `root`, or undefined when absent or not a directory. */
export async function findDir(
  root: FileSystemDirectoryHandle,
  names: readonly string[],
): Promise<FileSystemDirectoryHandle | undefined> {
  let dir = root;
  for (const name of names) {
    try {
      dir = await dir.getDirectoryHandle(name);
    } catch (error) {
      if (isDomError(error, 'NotFoundError', 'TypeMismatchError')) return undefined;
      throw error;
    }
  }
  return dir;
}

/** The directory at `names`, creating missing ones; throws when a file is in the way. */
export async function makeDirs(
  root: FileSystemDirectoryHandle,
  names: readonly string[],
): Promise<FileSystemDirectoryHandle> {
  let dir = root;
  for (const name of names) dir = await dir.getDirectoryHandle(name, { create: true });
  return dir;
}

/** The file `name` in `dir`, or undefined when absent or a directory. */
export async function findFile(
  dir: FileSystemDirectoryHandle,
  name: string,
): Promise<FileSystemFileHandle | undefined> {
  try {
    return await dir.getFileHandle(name);
  } catch (error) {
    if (isDomError(error, 'NotFoundError', 'TypeMismatchError')) return undefined;
    throw error;
  }
}

/** What is at `names` below `root`: a file, a directory, or nothing. */
export async function kindAt(
  root: FileSystemDirectoryHandle,
  names: readonly string[],
): Promise<'file' | 'dir' | undefined> {
  const parent = await findDir(root, names.slice(0, -1));
  const name = names.at(-1);
  if (parent === undefined || name === undefined) return undefined;
  if ((await findFile(parent, name)) !== undefined) return 'file';
  return (await findDir(parent, [name])) === undefined ? undefined : 'dir';
}

export async function readBytes(file: FileSystemFileHandle): Promise<Uint8Array> {
  return new Uint8Array(await (await file.getFile()).arrayBuffer());
}

/**
 * Replaces a file's content as one step: `createWritable` writes to a swap file and the
 * target changes only when `close()` succeeds (File System Standard §2.3.3), so a reader, or
 * a reload after a crash, sees the old bytes or the new ones, never a mix.
 */
export async function writeBytes(
  dir: FileSystemDirectoryHandle,
  name: string,
  bytes: Uint8Array,
): Promise<void> {
  const file = await dir.getFileHandle(name, { create: true });
  const stream = await file.createWritable();
  try {
    const plain =
      bytes.buffer instanceof ArrayBuffer ? (bytes as Uint8Array<ArrayBuffer>) : bytes.slice();
    await stream.write(plain);
    await stream.close();
  } catch (error) {
    await stream.abort().catch(() => undefined);
    throw error;
  }
}

/** Whether this browser can move files (`FileSystemFileHandle.move`, Chromium ≥ 110). */
export function canMove(file: FileSystemFileHandle): boolean {
  return typeof (file as MovableFile).move === 'function';
}

/**
 * Puts `source`'s bytes at `dir/name` and removes `source`: a rename where `move()` exists
 * and succeeds (it replaces an existing target), else an atomic copy followed by a removal.
 * Either way, repeating it after an interruption is safe while `source` still exists.
 */
export async function moveInto(
  source: FileSystemFileHandle,
  sourceDir: FileSystemDirectoryHandle,
  sourceName: string,
  dir: FileSystemDirectoryHandle,
  name: string,
): Promise<void> {
  const move = (source as MovableFile).move;
  if (move !== undefined) {
    try {
      await move.call(source, dir, name);
      return;
    } catch (error) {
      // A local folder may refuse a move (a safety check, a lock); copying may still work.
      if ((await findFile(sourceDir, sourceName)) === undefined) throw error;
    }
  }
  await writeBytes(dir, name, await readBytes(source));
  await sourceDir.removeEntry(sourceName);
}

/**
 * Removes the directories along `names` (deepest first) that are empty, stopping at the
 * first one that is not, is gone, or is a file. Never removes `root` itself.
 */
export async function removeEmptyDirs(
  root: FileSystemDirectoryHandle,
  names: readonly string[],
): Promise<void> {
  const chain = [root];
  for (const name of names) {
    const next = await findDir(chain.at(-1) ?? root, [name]);
    if (next === undefined) break;
    chain.push(next);
  }
  for (let depth = chain.length - 1; depth >= 1; depth--) {
    const dir = chain[depth];
    const parent = chain[depth - 1];
    const name = names[depth - 1];
    if (dir === undefined || parent === undefined || name === undefined) return;
    if (!(await isEmptyDir(dir))) return;
    try {
      await parent.removeEntry(name);
    } catch (error) {
      if (isDomError(error, 'InvalidModificationError')) return; // filled in meanwhile
      if (!isDomError(error, 'NotFoundError')) throw error;
    }
  }
}
