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
function byUtf8(a: string, b: string): number {
  const x = utf8Encode(a);
  const y = utf8Encode(b);
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    if (x[i] !== y[i]) return (x[i] ?? 0) - (y[i] ?? 0);
  }
  return x.length - y.length;
}

export async function digestFiles(
  tree: Tree,
  entries: readonly TreeEntry[],
): Promise<Map<string, FileDigest>> {
  const digests = new Map<string, FileDigest>();
  for (const entry of entries) {
    if (entry.kind !== 'file') continue;
    digests.set(entry.path, {
      digest: await sha256Hex(await tree.read(entry.path)),
      executable: entry.executable,
    });
  }
  return digests;
}

export async function treeHashOf(digests: ReadonlyMap<string, FileDigest>): Promise<string> {
  const lines = [...digests.keys()].sort(byUtf8).map((path) => {
    const file = digests.get(path) as FileDigest;
    return `${file.digest} ${file.executable ? '100755' : '100644'} ${path}\n`;
  });
  return `sha256:${await sha256Hex(utf8Encode(lines.join('')))}`;
}

export async function treeHash(tree: Tree): Promise<string> {
  return treeHashOf(await digestFiles(tree, await tree.list()));
}
