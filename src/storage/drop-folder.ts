/**
 * A folder a kiosk watches for bundles: a directory handle (a folder the user picked, or an
 * OPFS directory in tests), listed on every poll. Only the folder's own regular files count;
 * hidden names (".…") and sub-directories are ignored. A file is handed over as the `File` the
 * browser gives, so nothing is read until the caller decides it is new.
 */
import { entriesOf } from './handles.ts';

/** One file in the folder, and what says whether it changed since the last poll. */
export interface DroppedFile {
  name: string;
  size: number;
  lastModified: number;
  file: File;
}

/** The folder's files, by name; a file that vanishes while it is listed is skipped. */
export async function listDropFolder(dir: FileSystemDirectoryHandle): Promise<DroppedFile[]> {
  const found: DroppedFile[] = [];
  for await (const [name, handle] of entriesOf(dir)) {
    if (handle.kind !== 'file' || name.startsWith('.')) continue;
    try {
      const file = await (handle as FileSystemFileHandle).getFile();
      found.push({ name, size: file.size, lastModified: file.lastModified, file });
    } catch {
      // Removed between the listing and the read: the next poll will not see it either.
    }
  }
  return found.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}
