/**
 * A workspace's files in and out: a folder copied in (the tree a patch is for), and the files
 * taken out as a ZIP archive. A workspace lives in the browser's private storage (OPFS), where
 * nothing else can put files or take them; without these a patch that changes files could
 * never apply to one.
 *
 * Filling is one commit of the tree (all or nothing, journalled, under the workspace's lock):
 * the workspace becomes a copy of the folder, its files that the folder lacks removed. A folder
 * is input like any other: its paths pass the same safety check a diff's do (one that fails
 * refuses the whole copy, naming it), and `.git` and `.patchtrail` inside it are left out, as a
 * tree never lists them.
 */
import { reject } from '../core/errors.ts';
import { checkPathSyntax, isReservedComponent } from '../core/diff/safety.ts';
import type { Tree, TreeChange } from '../core/diff/tree.ts';
import { zipStored } from './zip.ts';

/** What a copy may hold: all of it is read into memory before the one commit. */
export const MAX_FILL_BYTES = 512 * 1024 * 1024;
export const MAX_FILL_FILES = 50_000;

/** A file as `<input type="file" webkitdirectory>` gives it: its path under the chosen folder's parent. */
export interface PickedFile {
  webkitRelativePath: string;
  name: string;
  size: number;
  arrayBuffer(): Promise<ArrayBuffer>;
}

export interface FolderFile {
  /** Relative to the folder. */
  path: string;
  file: Pick<PickedFile, 'size' | 'arrayBuffer'>;
}

export interface PickedFolder {
  /** The folder's own name. */
  name: string;
  files: FolderFile[];
  /** Files left out: under a `.git` or `.patchtrail` directory. */
  skipped: number;
  bytes: number;
}

/** The files of a chosen folder, by their paths inside it. */
export function pickedFolder(files: Iterable<PickedFile>): PickedFolder {
  let name = '';
  let skipped = 0;
  let bytes = 0;
  const chosen: FolderFile[] = [];
  for (const file of files) {
    const relative = file.webkitRelativePath === '' ? file.name : file.webkitRelativePath;
    const slash = relative.indexOf('/');
    if (name === '' && slash > 0) name = relative.slice(0, slash);
    const path = relative.slice(slash + 1);
    if (path.split('/').some((part) => isReservedComponent(part))) {
      skipped++;
      continue;
    }
    chosen.push({ path, file });
    bytes += file.size;
  }
  return { name, files: chosen, skipped, bytes };
}

export interface FillReport {
  written: number;
  removed: number;
}

/**
 * Makes `tree` a copy of `folder` in one commit; `progress` gets the bytes read so far. Refuses
 * (nothing written) an empty folder (MALFORMED_INPUT), one over the limits (TOO_LARGE) and any
 * path the safety check refuses (UNSAFE_PATH).
 */
export async function fillTree(
  tree: Tree,
  folder: PickedFolder,
  progress: (done: number, total: number) => void = () => undefined,
): Promise<FillReport> {
  if (folder.files.length === 0) reject('MALFORMED_INPUT', 'the folder holds no files');
  if (folder.files.length > MAX_FILL_FILES)
    reject('TOO_LARGE', `the folder holds ${folder.files.length} files; at most ${MAX_FILL_FILES}`);
  if (folder.bytes > MAX_FILL_BYTES)
    reject(
      'TOO_LARGE',
      `the folder holds ${Math.ceil(folder.bytes / 2 ** 20)} MiB; at most ${MAX_FILL_BYTES / 2 ** 20} MiB`,
    );
  for (const { path } of folder.files) checkPathSyntax(path);
  // A commit a crash interrupted is finished (or discarded) first, as an apply does.
  await tree.recover();
  const changes: TreeChange[] = [];
  let done = 0;
  progress(0, folder.bytes);
  for (const { path, file } of folder.files) {
    const content = new Uint8Array(await file.arrayBuffer());
    changes.push({ action: 'write', path, content, executable: false });
    done += content.length;
    progress(done, folder.bytes);
  }
  const kept = new Set(folder.files.map((f) => f.path));
  const gone = (await tree.list()).filter((entry) => !kept.has(entry.path));
  for (const entry of gone) changes.push({ action: 'delete', path: entry.path });
  await tree.commit(changes);
  return { written: folder.files.length, removed: gone.length };
}

/** How many files the tree holds (what a workspace's line says). */
export async function fileCount(tree: Tree): Promise<number> {
  return (await tree.list()).filter((entry) => entry.kind === 'file').length;
}

/** The tree's regular files as a ZIP archive, by path; `progress` counts files read. */
export async function zipOfTree(
  tree: Tree,
  progress: (done: number, total: number) => void = () => undefined,
): Promise<Uint8Array> {
  // Never the half of a commit a crash interrupted: it is finished (or discarded) first.
  await tree.recover();
  const entries = (await tree.list())
    .filter((entry) => entry.kind === 'file')
    .sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  const files = [];
  for (const [i, entry] of entries.entries()) {
    files.push({
      path: entry.path,
      bytes: await tree.read(entry.path),
      executable: entry.executable,
    });
    progress(i + 1, entries.length);
  }
  try {
    return zipStored(files);
  } catch (error) {
    if (error instanceof RangeError) return reject('TOO_LARGE', error.message);
    throw error;
  }
}
