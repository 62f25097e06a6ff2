/**
 * The real folders a kiosk uses, picked by an admin through the File System Access API: the
 * folder it watches for bundles (`watch`) and the folder it keeps up to date (`target`). A
 * directory handle can be stored in IndexedDB (structured clone keeps it) but its permission
 * does not always survive: after a browser restart Chromium may answer `prompt` again, and
 * only a click can grant it back (`requestPermission`). So every start reads the handle and
 * asks `queryPermission` before the kiosk touches the folder.
 */
import { openDB, type DBSchema, type IDBPDatabase } from 'idb';
import { isDomError } from './handles.ts';

export const KIOSK_FOLDERS_DB = 'patchtrail-kiosk-folders';

export type KioskFolderRole = 'watch' | 'target';

/** granted: usable now; prompt: an admin must allow it again (a click); missing: not stored. */
export type FolderAccess = 'granted' | 'prompt' | 'denied' | 'missing';

interface Schema extends DBSchema {
  handles: { key: KioskFolderRole; value: FileSystemDirectoryHandle };
}

/** Chromium's permission methods on a handle; not in TypeScript's DOM lib. */
interface PermissionHandle {
  queryPermission?: (d: { mode: 'readwrite' }) => Promise<PermissionState>;
  requestPermission?: (d: { mode: 'readwrite' }) => Promise<PermissionState>;
}

async function withDb<T>(work: (db: IDBPDatabase<Schema>) => Promise<T>): Promise<T> {
  const db = await openDB<Schema>(KIOSK_FOLDERS_DB, 1, {
    upgrade(created) {
      created.createObjectStore('handles');
    },
  });
  try {
    return await work(db);
  } finally {
    db.close();
  }
}

export function saveKioskFolder(
  role: KioskFolderRole,
  handle: FileSystemDirectoryHandle,
): Promise<void> {
  return withDb(async (db) => void (await db.put('handles', handle, role)));
}

/** The stored handle, or undefined (none stored, or something that is not a directory). */
export async function loadKioskFolder(
  role: KioskFolderRole,
): Promise<FileSystemDirectoryHandle | undefined> {
  const value: unknown = await withDb((db) => db.get('handles', role));
  const handle = value as FileSystemDirectoryHandle | undefined;
  return handle?.kind === 'directory' ? handle : undefined;
}

/** Read-write permission as the browser states it now; a handle without the API counts as granted (OPFS). */
export async function folderAccess(
  handle: FileSystemDirectoryHandle | undefined,
): Promise<FolderAccess> {
  if (handle === undefined) return 'missing';
  const query = (handle as PermissionHandle).queryPermission;
  if (query === undefined) return 'granted';
  try {
    return await query.call(handle, { mode: 'readwrite' });
  } catch (error) {
    if (isDomError(error, 'NotFoundError', 'SecurityError')) return 'denied';
    throw error;
  }
}

/** Asks the browser to grant read-write access again; call it from a click. */
export async function requestFolderAccess(
  handle: FileSystemDirectoryHandle,
): Promise<FolderAccess> {
  const request = (handle as PermissionHandle).requestPermission;
  if (request === undefined) return 'granted';
  try {
    return await request.call(handle, { mode: 'readwrite' });
  } catch (error) {
    if (isDomError(error, 'NotFoundError', 'SecurityError', 'NotAllowedError')) return 'denied';
    throw error;
  }
}

type ShowDirectoryPicker = (options: {
  mode: 'readwrite';
  id?: string;
}) => Promise<FileSystemDirectoryHandle>;

/** Asks the admin for a folder (from a click) and stores it; undefined when they cancel. */
export async function pickKioskFolder(
  role: KioskFolderRole,
): Promise<FileSystemDirectoryHandle | undefined> {
  const picker = (globalThis as { showDirectoryPicker?: ShowDirectoryPicker }).showDirectoryPicker;
  if (picker === undefined) throw new Error('pickKioskFolder: this browser has no folder picker');
  let handle: FileSystemDirectoryHandle;
  try {
    handle = await picker({ mode: 'readwrite', id: `patchtrail-kiosk-${role}` });
  } catch (error) {
    if (isDomError(error, 'AbortError')) return undefined;
    throw error;
  }
  await saveKioskFolder(role, handle);
  return handle;
}
