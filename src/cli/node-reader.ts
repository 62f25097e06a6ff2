/**
 * The reading half of the Node tree: listing, reading and hashing the target's files, with the
 * stat cache when the tree has one. The listing's stats are what the cache compares, and are
 * forgotten whenever the tree commits or recovers, so a stat is never older than the listing
 * it came with.
 */
import { lstatSync } from 'node:fs';
import type { TreeEntry } from '../core/index.ts';
import { hashFile, listFiles, readFile } from './node-files.ts';
import { cacheFileFor, cachedDigests } from './stat-cache.ts';
import { writeStatRecord, type StatTable } from './stat-record.ts';

export interface FileReader {
  list(): TreeEntry[];
  read(path: string): Uint8Array;
  digest(path: string): string;
  digests(paths: readonly string[]): string[];
  /** Drops the listing's stats (the tree is about to change). */
  forget(): void;
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
  let listed: StatTable | undefined;
  const cacheFile = statCacheDir === undefined ? undefined : cacheFileFor(statCacheDir, root);
  const hash = (path: string) => hashFile(locate(path), path);
  const stat = (path: string, into: Buffer): boolean => {
    if (listed?.copy(path, into) === true) return true;
    const now = lstatSync(locate(path), { bigint: true, throwIfNoEntry: false });
    if (now?.isFile() !== true) return false;
    writeStatRecord(now, into, 0);
    return true;
  };
  return {
    list() {
      const listing = listFiles(root, (dir) => realDirs.add(dir));
      listed = listing.stats;
      return listing.entries;
    },
    read: (path) => readFile(locate(path), path),
    digest: (path) => hash(path).digest,
    digests(paths) {
      if (cacheFile === undefined) return paths.map((path) => hash(path).digest);
      return cachedDigests(cacheFile, root, paths, { stat, hash });
    },
    forget() {
      listed = undefined;
    },
  };
}
