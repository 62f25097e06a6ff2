/**
 * A deterministic hash of a tree's regular files, by path, mode and content. Reproducible
 * outside patchtrail: sort the files by the bytes of their UTF-8 paths, write one line per
 * file, `<sha256 hex> <100644|100755> <path>\n`, and take the SHA-256 of the text. Reserved
 * directories (.git, .patchtrail) and symlinks are not part of it.
 */
import { sha256Hex } from '../crypto/hash.ts';
import { utf8Encode } from '../encoding/bytes.ts';
import type { Tree, TreeEntry } from './tree.ts';

export interface FileDigest {
  digest: string;
  executable: boolean;
}

/** Compares by UTF-8 bytes (not UTF-16 units), so every implementation sorts alike. */
function byUtf8(x: Uint8Array, y: Uint8Array): number {
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    if (x[i] !== y[i]) return (x[i] ?? 0) - (y[i] ?? 0);
  }
  return x.length - y.length;
}

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

export async function treeHashOf(digests: ReadonlyMap<string, FileDigest>): Promise<string> {
  const keyed = [...digests.keys()].map((path) => ({ path, key: utf8Encode(path) }));
  const lines = keyed
    .sort((a, b) => byUtf8(a.key, b.key))
    .map(({ path }) => {
      const file = digests.get(path) as FileDigest;
      return `${file.digest} ${file.executable ? '100755' : '100644'} ${path}\n`;
    });
  return `sha256:${await sha256Hex(utf8Encode(lines.join('')))}`;
}

export async function treeHash(tree: Tree): Promise<string> {
  return treeHashOf(await digestFiles(tree, await tree.list()));
}
