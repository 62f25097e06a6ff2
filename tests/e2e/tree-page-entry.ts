/**
 * Browser entry bundled by ./tree-opfs.test.ts: puts the real directory tree adapter, the OPFS
 * workspace opener and a few helpers on `window`, so `page.evaluate` can drive them.
 */
import type { Tree, TreeChange } from '../../src/core/diff/tree.ts';
import { makeDirectoryTree } from '../../src/storage/directory-tree.ts';
import { entriesOf, findDir, findFile } from '../../src/storage/handles.ts';
import { openWorkspace } from '../../src/storage/workspaces.ts';

/** Everything under a directory, reserved ones included: "path/" for a directory, else text. */
async function snapshot(
  dir: FileSystemDirectoryHandle,
  prefix = '',
  out: Record<string, string> = {},
): Promise<Record<string, string>> {
  for await (const [name, handle] of entriesOf(dir)) {
    if (handle.kind === 'directory') {
      out[`${prefix}${name}/`] = '';
      await snapshot(handle as FileSystemDirectoryHandle, `${prefix}${name}/`, out);
    } else {
      out[prefix + name] = await (await (handle as FileSystemFileHandle).getFile()).text();
    }
  }
  return Object.fromEntries(Object.entries(out).sort(([a], [b]) => (a < b ? -1 : 1)));
}

/** `{ path: text }` writes, `{ path: null }` deletes. */
function changes(spec: Record<string, string | null>): TreeChange[] {
  return Object.entries(spec).map(([path, text]) =>
    text === null
      ? { action: 'delete', path }
      : { action: 'write', path, content: new TextEncoder().encode(text), executable: false },
  );
}

/** What the tree shows: every listed file with its text. */
async function contents(tree: Tree): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const entry of await tree.list()) {
    out[entry.path] = new TextDecoder().decode(await tree.read(entry.path));
  }
  return out;
}

/** How far a commit in workspace `name` has got, as another page sees it in OPFS. */
async function txnProgress(name: string): Promise<{ staged: number; journal: boolean } | null> {
  const { handle } = await openWorkspace(name);
  const txn = await findDir(handle, ['.patchtrail', 'txn']);
  if (txn === undefined) return null;
  const staged = await findDir(txn, ['new']);
  const names: string[] = [];
  if (staged !== undefined) for await (const [name] of entriesOf(staged)) names.push(name);
  const journal = await findFile(txn, 'journal.json');
  return {
    staged: names.length,
    journal: journal !== undefined && (await journal.getFile()).size > 0,
  };
}

const api = { makeDirectoryTree, openWorkspace, snapshot, changes, contents, txnProgress };

export type TreePageApi = typeof api;

declare global {
  interface Window {
    patchtrailTree: TreePageApi;
  }
}

window.patchtrailTree = api;
