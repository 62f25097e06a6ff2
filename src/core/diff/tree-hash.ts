/**
 * A deterministic hash of a tree's regular files, by path, mode and content. Reproducible
 * outside patchtrail: sort the files by the bytes of their UTF-8 paths, write one line per
 * file, `<sha256 hex> <100644|100755> <path>\n`, and take the SHA-256 of the text. Reserved
 * directories (.git, .patchtrail) and symlinks are not part of it.
 */
import { sha256Hex, sha256Sync } from '../crypto/hash.ts';
import { toHex, utf8Encode } from '../encoding/bytes.ts';
import type { Tree, TreeEntry } from './tree.ts';

export interface FileDigest {
  digest: string;
  executable: boolean;
}

function byUtf8Bytes(x: Uint8Array, y: Uint8Array): number {
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    if (x[i] !== y[i]) return (x[i] ?? 0) - (y[i] ?? 0);
  }
  return x.length - y.length;
}

/**
 * Compares by UTF-8 bytes (not UTF-16 units), so every implementation sorts alike. Below
 * U+D800 the two orders agree, so strings are compared directly and encoded only when they
 * first differ at a surrogate or above (encoding every path cost more than the rest of the
 * tree hash).
 */
function byUtf8(x: string, y: string): number {
  const common = Math.min(x.length, y.length);
  for (let i = 0; i < common; i++) {
    const [a, b] = [x.charCodeAt(i), y.charCodeAt(i)];
    if (a === b) continue;
    if (a < 0xd800 && b < 0xd800) return a - b;
    return byUtf8Bytes(utf8Encode(x), utf8Encode(y));
  }
  // One is a prefix of the other, in bytes too unless a surrogate pair straddles the end.
  const last = common === 0 ? 0 : x.charCodeAt(common - 1);
  if (last < 0xd800 || last > 0xdbff) return x.length - y.length;
  return byUtf8Bytes(utf8Encode(x), utf8Encode(y));
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
  if (tree.digests !== undefined) {
    const hex = await tree.digests(files.map((e) => e.path));
    if (hex.length !== files.length) throw new Error('Tree.digests: one digest per path');
    return new Map(
      files.map((e, i) => [e.path, { digest: hex[i] ?? '', executable: e.executable }]),
    );
  }
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
 * Listings up to this size (about 90 files) are hashed in place: WebCrypto's hand-off to a
 * worker thread (~0.2 ms, more on a busy machine) costs more than hashing them synchronously.
 */
const SYNC_HASH_BYTES = 8 * 1024;

export async function treeHashOf(digests: ReadonlyMap<string, FileDigest>): Promise<string> {
  const lines = [...digests.keys()].sort(byUtf8).map((path) => {
    const file = digests.get(path) as FileDigest;
    return `${file.digest} ${file.executable ? '100755' : '100644'} ${path}\n`;
  });
  const text = utf8Encode(lines.join(''));
  const digest = text.length <= SYNC_HASH_BYTES ? toHex(sha256Sync(text)) : await sha256Hex(text);
  return `sha256:${digest}`;
}

export async function treeHash(tree: Tree): Promise<string> {
  return treeHashOf(await digestFiles(tree, await tree.list()));
}
