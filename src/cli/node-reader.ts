/**
 * The reading half of the Node tree: listing, reading and hashing the target's files, with the
 * stat cache when the tree has one. The listing's stats are what the cache compares, and are
 * forgotten whenever the tree commits or recovers, so a stat is never older than the listing
 * it came with.
 */
import { sha256Hex } from './node-crypto.ts';
import type { TreeEntry, TreeHashState } from '../core/diff/tree.ts';
import { makeTreeHashState } from '../core/diff/tree-hash.ts';
import { treeTextOf, type TreeText } from '../core/diff/tree-hash-text.ts';
import { hashFile, listFiles, readFile, type Listing } from './node-files.ts';
import { cacheFileFor } from './stat-cache.ts';
import { cachedTreeText } from './stat-pass.ts';
import { recordExecutable, STAT_RECORD_BYTES } from './stat-record.ts';

export interface FileReader {
  list(): TreeEntry[];
  read(path: string): Uint8Array;
  digest(path: string): string;
  /** The tree hash of what `list` last returned, `listed`. */
  hashState(listed: readonly TreeEntry[]): TreeHashState;
  /** Drops the listing's stats (the tree is about to change). */
  forget(): void;
}

const treeHashHex = (text: Uint8Array): string => `sha256:${sha256Hex(text)}`;

/** Every listed file read and hashed: the tree hash without a cache. */
function coldText(listing: Listing, hash: (path: string) => string): TreeText {
  const digests = listing.files.map((path, i) => ({
    digest: hash(path),
    executable: recordExecutable(listing.records, STAT_RECORD_BYTES * i),
  }));
  return treeTextOf(listing.files, digests);
}

/**
 * `locate` resolves a tree path under `root` (refusing escapes and symlinked ancestors);
 * `realDirs` collects the directories a listing walked, as the tree's safe ancestors.
 */
export function makeFileReader(
  root: string,
  locate: (path: string) => string,
  realDirs: Set<string>,
  statCacheDir: string | undefined,
): FileReader {
  let listing: Listing | undefined;
  const cacheFile = statCacheDir === undefined ? undefined : cacheFileFor(statCacheDir, root);
  const hash = (path: string) => hashFile(locate(path), path);
  return {
    list() {
      listing = listFiles(root, (dir) => realDirs.add(dir));
      return listing.entries;
    },
    read: (path) => readFile(locate(path), path),
    digest: (path) => hash(path).digest,
    hashState(listed) {
      if (listing === undefined || listed !== listing.entries)
        throw new Error('hashState: pass the entries of the latest list()');
      if (cacheFile === undefined) {
        const text = coldText(listing, (path) => hash(path).digest);
        return makeTreeHashState(text, treeHashHex(text.text), treeHashHex);
      }
      const text = cachedTreeText(cacheFile, root, listing, hash);
      return makeTreeHashState(text, `sha256:${text.hash}`, treeHashHex);
    },
    forget() {
      listing = undefined;
    },
  };
}
