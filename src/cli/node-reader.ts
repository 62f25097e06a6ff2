/**
 * The reading half of the Node tree: listing, reading and hashing the target's files.
 */
import type { TreeEntry } from '../core/index.ts';
import { hashFile, listFiles, readFile } from './node-files.ts';

export interface FileReader {
  list(): TreeEntry[];
  read(path: string): Uint8Array;
  digest(path: string): string;
}

/**
 * `locate` resolves a tree path under `root` (refusing escapes and symlinked ancestors);
 * `realDirs` collects the directories a listing walked, as the tree's safe ancestors.
 */
export function makeFileReader(
  root: string,
  locate: (path: string) => string,
  realDirs: Set<string>,
): FileReader {
  const hash = (path: string) => hashFile(locate(path), path);
  return {
    list() {
      return listFiles(root, (dir) => realDirs.add(dir)).entries;
    },
    read: (path) => readFile(locate(path), path),
    digest: (path) => hash(path).digest,
  };
}
