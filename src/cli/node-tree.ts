/**
 * The Node filesystem `Tree`: listing, stat, reading and hashing here; crash-safe commits,
 * recovery and the read-only look at a pending commit in ./node-commit.ts. Every path is
 * resolved under DIR and refused (UNSAFE_PATH) when it would leave it or pass through a
 * symbolic link.
 *
 * Calls are synchronous on purpose (~5 µs against ~35 µs through fs/promises; a commit's steps
 * are sequential anyway), except fsync, which runs concurrently.
 */
import { createHash } from 'node:crypto';
import { lstatSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve, sep } from 'node:path';
import { reject, RESERVED_DIRS, type Tree, type TreeEntry } from '../core/index.ts';
import type { TreeProbe } from '../core/diff/commit-check.ts';
import { makeNodeCommits, type NodeCommitOptions } from './node-commit.ts';
import { kindOf, lstatOrUndefined } from './node-fs.ts';

export type NodeTreeOptions = NodeCommitOptions;

export function makeNodeTree(dir: string, options: NodeTreeOptions = {}): Tree {
  const root = resolve(dir);
  /** Ancestors already seen to be real directories; forgotten whenever the tree changes. */
  const realDirs = new Set<string>();

  /** Resolves a tree path under root, refusing escapes and symlinked ancestors. */
  function locate(path: string): string {
    const parts = path.split('/');
    if (parts.some((p) => p === '' || p === '.' || p === '..'))
      reject('UNSAFE_PATH', `unsafe path ${JSON.stringify(path)}`);
    const full = resolve(root, ...parts);
    if (!full.startsWith(root + sep))
      reject('UNSAFE_PATH', `path ${JSON.stringify(path)} leaves the target`);
    let at = root;
    for (const part of parts.slice(0, -1)) {
      at = join(at, part);
      if (realDirs.has(at)) continue;
      if (lstatOrUndefined(at)?.isSymbolicLink())
        reject('UNSAFE_PATH', `path ${JSON.stringify(path)} goes through a symbolic link`);
    }
    return full;
  }

  function walk(rel: string, out: TreeEntry[]): void {
    for (const entry of readdirSync(join(root, rel), { withFileTypes: true })) {
      const path = rel === '' ? entry.name : `${rel}/${entry.name}`;
      if (entry.isDirectory()) {
        if ((RESERVED_DIRS as readonly string[]).includes(entry.name)) continue;
        realDirs.add(join(root, path));
        walk(path, out);
      } else if (entry.isSymbolicLink()) {
        out.push({ path, kind: 'symlink', executable: false });
      } else if (entry.isFile()) {
        const executable = (lstatSync(join(root, path)).mode & 0o100) !== 0;
        out.push({ path, kind: 'file', executable });
      }
    }
  }

  const probe: TreeProbe = {
    kind: async (path) => {
      const info = lstatOrUndefined(locate(path));
      return info === undefined ? undefined : kindOf(info);
    },
    children: async (path) => readdirSync(path === '' ? root : locate(path)),
  };
  const commits = makeNodeCommits({ root, probe, locate, forget: () => realDirs.clear() }, options);

  return {
    async list() {
      const out: TreeEntry[] = [];
      walk('', out);
      return out;
    },
    async stat(path) {
      const info = lstatOrUndefined(locate(path));
      if (info === undefined) return undefined;
      return { path, kind: kindOf(info), executable: (info.mode & 0o100) !== 0 };
    },
    children: probe.children,
    // fs/promises readFile costs ~130 µs a file against ~20 µs here, and a tree hash reads
    // every file (3,559 of them in curl's source).
    async read(path) {
      const bytes = readFileSync(locate(path));
      return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    },
    async digest(path) {
      return createHash('sha256')
        .update(readFileSync(locate(path)))
        .digest('hex');
    },
    ...commits,
  };
}
