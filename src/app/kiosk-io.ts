/**
 * What the kiosk opens in the browser: by default the OPFS workspace it keeps up to date and
 * the OPFS folder it watches; or real folders an admin picked at setup (File System Access),
 * whose handles are kept in IndexedDB (storage/kiosk-folders.ts). A picked folder's permission
 * may be gone after a restart, so every pass first asks `access()`: while a folder needs
 * permission again, the kiosk reads and writes nothing, and says so.
 *
 * The storage adapters load lazily, when kiosk mode is on.
 */
import type { Tree } from '../core/diff/tree.ts';
import type { KioskMode } from './kiosk-guard.ts';

/** A picked folder the kiosk cannot use now: `watch` is the update folder, `target` the one it keeps. */
export interface FolderNeed {
  role: 'watch' | 'target';
  name: string;
  /** prompt: an admin's click can allow it again; denied / missing: pick it again at setup. */
  state: 'prompt' | 'denied' | 'missing';
}

/**
 * An update is named by its reason, which may be 4,096 characters: a kiosk's screen shows its
 * first 120 (the version's name is set large, for passers-by).
 */
export const NAME_POINTS = 120;

/** What a passer-by reads when a picked folder lost its permission, by the folder's role. */
export const PERMISSION_WORDS: Record<FolderNeed['role'], string> = {
  watch: 'the update folder needs permission again',
  target: 'the folder this kiosk keeps up to date needs permission again',
};

/** What the kiosk opens; the browser's defaults are OPFS (tests pass memory trees). */
export interface KioskIo {
  openTarget(name: string, mode?: KioskMode): Promise<Tree>;
  /** The watched folder's files; undefined when it cannot be read now. */
  listFolder(
    name: string,
    mode?: KioskMode,
  ): Promise<{ name: string; signature: string; file: File }[]>;
  /** Picked folders that need permission again (none for OPFS). */
  access?(mode: KioskMode): Promise<FolderNeed[]>;
  /** Asks the browser to allow the picked folders again; call it from an admin's click. */
  regrant?(mode: KioskMode): Promise<void>;
  /** Asks the admin for a folder (from a click) and keeps its handle; its name, or undefined. */
  pick?(role: FolderNeed['role']): Promise<string | undefined>;
}

/**
 * Tests only: pause the kiosk's target commits after this step (see DirectoryCommitOptions),
 * so an end-to-end test can close the page mid-apply, as the CLI's PATCHTRAIL_CRASH_AT_STEP.
 */
export const COMMIT_PAUSE_KEY = 'patchtrail.failpoint.kiosk-commit-pause-after-step';

/** The name the kiosk's target has in the audit trail, after this device's did. */
export const targetRecordName = (did: string, mode: KioskMode): string =>
  mode.targetPicked === undefined
    ? `${did}:workspace:${mode.target}`
    : `${did}:folder:${mode.targetPicked}`;

const folders = () => import('../storage/kiosk-folders.ts');

function failpoints(): { _pauseAfterStep?: number } {
  const pause = Number(globalThis.localStorage?.getItem(COMMIT_PAUSE_KEY) ?? '');
  return Number.isInteger(pause) && pause > 0 ? { _pauseAfterStep: pause } : {};
}

/** A stored picked folder, or an error a pass turns into "needs attention". */
async function picked(role: FolderNeed['role']): Promise<FileSystemDirectoryHandle> {
  const handle = await (await folders()).loadKioskFolder(role);
  if (handle === undefined) throw new Error(`the kiosk’s ${role} folder is no longer stored`);
  return handle;
}

async function openTarget(name: string, mode?: KioskMode): Promise<Tree> {
  if (mode?.targetPicked === undefined) {
    const { openWorkspace } = await import('../storage/workspaces.ts');
    return (await openWorkspace(name, failpoints())).tree;
  }
  const { makeDirectoryTree } = await import('../storage/directory-tree.ts');
  const lockName = 'patchtrail:kiosk-target';
  return makeDirectoryTree(await picked('target'), { ...failpoints(), lockName });
}

async function listFolder(name: string, mode?: KioskMode) {
  const [{ opfsDirectory }, { listDropFolder }] = await Promise.all([
    import('../storage/workspaces.ts'),
    import('../storage/drop-folder.ts'),
  ]);
  const dir = mode?.watchPicked === undefined ? await opfsDirectory(name) : await picked('watch');
  const files = await listDropFolder(dir);
  return files.map((f) => ({
    name: f.name,
    signature: `${f.size}:${f.lastModified}`,
    file: f.file,
  }));
}

const pickedRoles = (mode: KioskMode) =>
  [
    { role: 'watch' as const, name: mode.watchPicked },
    { role: 'target' as const, name: mode.targetPicked },
  ].filter((p): p is { role: FolderNeed['role']; name: string } => p.name !== undefined);

async function access(mode: KioskMode): Promise<FolderNeed[]> {
  const { loadKioskFolder, folderAccess } = await folders();
  const needs: FolderNeed[] = [];
  for (const { role, name } of pickedRoles(mode)) {
    const state = await folderAccess(await loadKioskFolder(role));
    if (state !== 'granted') needs.push({ role, name, state });
  }
  return needs;
}

async function regrant(mode: KioskMode): Promise<void> {
  const { loadKioskFolder, requestFolderAccess } = await folders();
  for (const { role } of pickedRoles(mode)) {
    const handle = await loadKioskFolder(role);
    if (handle !== undefined) await requestFolderAccess(handle);
  }
}

export function browserKioskIo(): KioskIo {
  return {
    openTarget,
    listFolder,
    access,
    regrant,
    pick: async (role) => (await (await folders()).pickKioskFolder(role))?.name,
  };
}
