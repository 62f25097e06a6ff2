/** Real directories for apply tests: build one from a map, and hash one. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { treeHash } from '../../src/core/index.ts';
import { makeNodeTree } from '../../src/cli/node-tree.ts';

export function writeTree(dir: string, files: Record<string, string>): void {
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), content);
  }
}

export function hashDir(dir: string): Promise<string> {
  return treeHash(makeNodeTree(dir));
}
