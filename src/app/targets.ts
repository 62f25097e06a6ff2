/**
 * Where a patch is applied: a named workspace in the Origin Private File System, or a real
 * folder the user picks (File System Access; Chromium desktop). Both are directory handles
 * under the same tree adapter (storage/workspaces.ts, loaded lazily). A picked folder's
 * handle is held for this page only: after a reload the user picks it again.
 *
 * The name a target has in the audit trail starts with this device's did, so two devices'
 * workspaces called "main" are two targets, and a rollback only ever undoes this device's
 * own apply.
 */
import type { Tree } from '../core/diff/tree.ts';

export type TargetChoice =
  { kind: 'workspace'; name: string } | { kind: 'folder'; id: number; name: string };

export interface OpenedTarget {
  /** The target's name in the audit trail. */
  name: string;
  tree: Tree;
}

export interface TargetService {
  /** Whether this browser can open a real folder. */
  canPickFolder(): boolean;
  /** Asks for a folder (call from a click); undefined when the user cancels. */
  pickFolder(): Promise<TargetChoice | undefined>;
  open(choice: TargetChoice): Promise<OpenedTarget | undefined>;
  /** A workspace's tree when it exists, without creating it; undefined otherwise. */
  existingWorkspace(name: string): Promise<Tree | undefined>;
  /** How the screens name it: "workspace “main”", "folder “firmware”". */
  label(choice: TargetChoice): string;
  /** Its name in the audit trail (what `applied` and `rolled-back` record as `target`). */
  recordName(choice: TargetChoice): string;
}

const storage = () => import('../storage/workspaces.ts');

/** Workspace names as storage/workspaces.ts accepts them. */
export const WORKSPACE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

/** How the screens name a target: "workspace “main”", "folder “firmware”". */
export const placeLabel = (place: Pick<TargetChoice, 'kind' | 'name'>): string =>
  `${place.kind} “${place.name}”`;

export function makeTargets(deviceDid: () => string | undefined): TargetService {
  const folders = new Map<number, Tree>();
  let picked = 0;
  const recordName = (choice: TargetChoice) =>
    `${deviceDid() ?? 'this-device'}:${choice.kind}:${choice.name}`;
  return {
    canPickFolder: () =>
      typeof (globalThis as { showDirectoryPicker?: unknown }).showDirectoryPicker === 'function',
    async pickFolder() {
      const { pickFolder } = await storage();
      const opened = await pickFolder();
      if (opened === undefined) return undefined;
      const id = ++picked;
      folders.set(id, opened.tree);
      return { kind: 'folder', id, name: opened.handle.name };
    },
    async open(choice) {
      if (choice.kind === 'folder') {
        const tree = folders.get(choice.id);
        return tree === undefined ? undefined : { name: recordName(choice), tree };
      }
      if (!WORKSPACE_NAME.test(choice.name)) return undefined;
      const { openWorkspace } = await storage();
      const { tree } = await openWorkspace(choice.name);
      return { name: recordName(choice), tree };
    },
    async existingWorkspace(name) {
      if (!WORKSPACE_NAME.test(name)) return undefined;
      const { findWorkspace } = await storage();
      return (await findWorkspace(name))?.tree;
    },
    label: placeLabel,
    recordName,
  };
}
