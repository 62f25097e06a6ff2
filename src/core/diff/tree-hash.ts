/**
 * A deterministic hash of a tree's regular files, by path, mode and content. Reproducible
 * outside patchtrail: sort the files by the bytes of their UTF-8 paths, write one line per
 * file, `<sha256 hex> <100644|100755> <path>\n`, and take the SHA-256 of the text
 * (tree-hash-text.ts). Reserved directories (.git, .patchtrail) and symlinks are not part of it.
 */
import { sha256Hex, sha256Sync } from '../crypto/hash.ts';
import { toHex } from '../encoding/bytes.ts';
import {
  byUtf8,
  editTreeText,
  treeTextOf,
  type FileDigest,
  type TreeText,
} from './tree-hash-text.ts';
import type { Tree, TreeEntry, TreeHashState } from './tree.ts';

export type { FileDigest } from './tree-hash-text.ts';

/** The hex SHA-256 of one file of the tree, natively where the adapter can. */
export async function fileDigest(tree: Tree, path: string): Promise<string> {
  return tree.digest === undefined ? sha256Hex(await tree.read(path)) : tree.digest(path);
}

/** Files read and hashed at once: enough to keep the disk and the hasher busy, bounded memory. */
const CONCURRENT_READS = 16;

export async function digestFiles(
  tree: Tree,
  entries: readonly TreeEntry[],
): Promise<Map<string, FileDigest>> {
  const files = entries.filter((e) => e.kind === 'file');
  const digests: (FileDigest | undefined)[] = new Array(files.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    for (let i = next++; i < files.length; i = next++) {
      const entry = files[i] as TreeEntry;
      digests[i] = { digest: await fileDigest(tree, entry.path), executable: entry.executable };
    }
  };
  await Promise.all(Array.from({ length: Math.min(CONCURRENT_READS, files.length) }, worker));
  return new Map(files.map((e, i) => [e.path, digests[i] as FileDigest]));
}

/**
 * Texts up to this size (about 90 files) are hashed in place: WebCrypto's hand-off to a
 * worker thread (~0.2 ms, more on a busy machine) costs more than hashing them synchronously.
 */
const SYNC_HASH_BYTES = 8 * 1024;

async function hashText(text: Uint8Array): Promise<string> {
  const digest = text.length <= SYNC_HASH_BYTES ? toHex(sha256Sync(text)) : await sha256Hex(text);
  return `sha256:${digest}`;
}

function textOf(digests: ReadonlyMap<string, FileDigest>): TreeText {
  const paths = [...digests.keys()].sort(byUtf8);
  return treeTextOf(
    paths,
    paths.map((path) => digests.get(path) as FileDigest),
  );
}

export async function treeHashOf(digests: ReadonlyMap<string, FileDigest>): Promise<string> {
  return hashText(textOf(digests).text);
}

/**
 * A tree hash whose text is kept, so the hash after a few changes costs those lines and one
 * SHA-256 of the text. `hash` is the text's, in the `sha256:<hex>` form; `hashOf` hashes a
 * text the same way (adapters pass their native SHA-256).
 */
export function makeTreeHashState(
  text: TreeText,
  hash: string,
  hashOf: (text: Uint8Array) => string | Promise<string> = hashText,
): TreeHashState {
  return { hash, after: async (changes) => hashOf(editTreeText(text, changes).text) };
}

/**
 * The tree hash of `listed` (what `tree.list()` just returned), by the tree's own means where
 * it has them (the Node tree's stat cache), else by reading every file.
 */
export async function treeHashState(
  tree: Tree,
  listed: readonly TreeEntry[],
): Promise<TreeHashState> {
  if (tree.hashState !== undefined) return tree.hashState(listed);
  const text = textOf(await digestFiles(tree, listed));
  return makeTreeHashState(text, await hashText(text.text));
}

export async function treeHash(tree: Tree): Promise<string> {
  return (await treeHashState(tree, await tree.list())).hash;
}
