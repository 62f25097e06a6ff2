/**
 * The stat cache's tree-hash text: the listing comes in the tree hash's order, a pass carries
 * the lines of entries that vouch and takes the recorded hash only when nothing changed, and
 * the hash before and after a commit always equals the one computed by reading every file.
 */
import {
  chmodSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  renameSync,
  rmSync,
  unlinkSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import fc from 'fast-check';
import { beforeEach, describe, expect, it } from 'vitest';
import { hashFile, listFiles } from '../../src/cli/node-files.ts';
import { makeNodeTree } from '../../src/cli/node-tree.ts';
import { cacheFileFor } from '../../src/cli/stat-cache.ts';
import type { TreeChange } from '../../src/core/diff/tree.ts';
import { isPatchtrailError, treeHash } from '../../src/core/index.ts';
import { writeTree } from '../helpers/trees.ts';
import { cacheOf, resealCache, settle, sha256Hex } from '../helpers/stat-cache.ts';

let root: string;
let dir: string;
let cache: string;

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'pt-stat-text-'));
  dir = join(root, 'target');
  cache = join(root, 'cache');
  mkdirSync(dir);
});

const coldHash = () => treeHash(makeNodeTree(dir));
const cachedTree = () => makeNodeTree(dir, { statCache: cache, durable: false });
const byBytes = (x: string, y: string) => Buffer.compare(Buffer.from(x), Buffer.from(y));

// Names whose UTF-8 order differs from their UTF-16 order (U+FF01 against U+10000), and
// siblings that sort around a directory's "/" ("a-b" < "a/x" < "a0").
const NAMES = ['a', 'a-b', 'a.b', 'a0', 'B', '_', 'é', '中', '\uFF01', '😀', '𐀀', '__proto__'];
const name = fc.constantFrom(...NAMES);
const relPath = fc.array(name, { minLength: 1, maxLength: 3 }).map((parts) => parts.join('/'));

/** The entry at `full`, or undefined (also where a parent is a file). */
function entryAt(full: string) {
  try {
    return lstatSync(full, { throwIfNoEntry: false });
  } catch {
    return undefined;
  }
}

/** Whether `path` can be a file: no file is in the way of a parent, no directory is there. */
function placeable(path: string): boolean {
  const parts = path.split('/');
  for (let depth = 1; depth <= parts.length; depth++) {
    const at = entryAt(join(dir, ...parts.slice(0, depth)));
    if (at === undefined) return true;
    if (depth < parts.length ? !at.isDirectory() : !at.isFile()) return false;
  }
  return true;
}

/** Writes `path` unless a file or directory is in the way. */
function place(path: string, content: string): boolean {
  if (!placeable(path)) return false;
  writeTree(dir, { [path]: content });
  return true;
}

describe('the listing', () => {
  it('lists the files sorted by the UTF-8 bytes of their paths (property)', () => {
    fc.assert(
      fc.property(fc.uniqueArray(relPath, { maxLength: 25 }), (paths) => {
        rmSync(dir, { recursive: true, force: true });
        mkdirSync(dir);
        const placed = paths.filter((p) => place(p, p));
        const { files } = listFiles(dir, () => undefined);
        expect(files).toEqual([...placed].sort(byBytes));
      }),
      { numRuns: 60 },
    );
  });
});

describe('a pass', () => {
  it('takes the recorded hash when nothing changed, and recomputes it when anything did', async () => {
    writeTree(dir, { a: 'one\n', 'd/b': 'two\n' });
    await settle(root);
    const honest = (await treeHash(cachedTree())).slice('sha256:'.length);
    // A cache whose recorded hash is not its text's: believed only while every entry vouches.
    const entries = listFiles(dir, () => undefined).files.map((path) => {
      const { digest, stat } = hashFile(join(dir, path), path);
      return { path, digest, stat };
    });
    const forged = cacheOf({ target: sha256Hex(dir), started: 2n ** 62n }, entries);
    forged.fill(0xee, 104, 136); // the text's SHA-256
    writeFileSync(cacheFileFor(cache, dir), resealCache(forged));
    expect(await treeHash(cachedTree())).toBe(`sha256:${'ee'.repeat(32)}`);
    writeFileSync(join(dir, 'a'), 'ONE\n');
    expect(await treeHash(cachedTree())).toBe(await coldHash());
    expect(await coldHash()).not.toBe(`sha256:${honest}`);
  });
});

describe('the tree hash before and after a commit', () => {
  type Edit =
    | { op: 'write'; path: string; text: string; settle: boolean }
    | { op: 'same-size' | 'remove' | 'chmod'; path: string }
    | { op: 'rename'; path: string; to: string }
    | { op: 'commit'; writes: [string, string][]; deletes: string[] };
  const STAMP = 1_700_000_000;
  const START = { a: 'one\n', 'a-b': 'two\n', 'a0/😀': 'three\n', '\uFF01': 'four\n' };
  // Mostly the files there are, so edits find something to change.
  const target = fc.oneof(fc.constantFrom(...Object.keys(START)), relPath);
  const edit: fc.Arbitrary<Edit> = fc.oneof(
    fc.record({
      op: fc.constant('write' as const),
      path: target,
      text: fc.string({ maxLength: 6 }),
      settle: fc.boolean(), // without it, the write may share the next pass's tick: racy
    }),
    fc.record({ op: fc.constantFrom('same-size', 'remove', 'chmod'), path: target }),
    fc.record({ op: fc.constant('rename' as const), path: target, to: target }),
    fc.record({
      op: fc.constant('commit' as const),
      writes: fc.array(fc.tuple(target, fc.string({ maxLength: 6 })), { maxLength: 3 }),
      deletes: fc.array(target, { maxLength: 2 }),
    }),
  );

  /** A commit through the cached tree; its state's hash after, against a cold hash. */
  async function commit(writes: [string, string][], deletes: string[]): Promise<void> {
    const tree = cachedTree();
    const listed = await tree.list();
    const files = new Map(listed.filter((e) => e.kind === 'file').map((e) => [e.path, e]));
    const state = await tree.hashState?.(listed);
    expect(state?.hash).toBe(await coldHash());
    const changes = new Map<string, TreeChange>();
    for (const [path, text] of writes)
      if (placeable(path))
        changes.set(path, { action: 'write', path, content: Buffer.from(text), executable: false });
    for (const path of deletes)
      if (files.has(path) && !changes.has(path)) changes.set(path, { action: 'delete', path });
    try {
      await tree.commit([...changes.values()]);
    } catch (error) {
      // Writes that collide with each other ("a" and "a/b"): refused before anything changed.
      expect(isPatchtrailError(error)).toBe(true);
      expect(await coldHash()).toBe(state?.hash);
      return;
    }
    const landed = new Map(
      [...changes.values()].map((c) => [
        c.path,
        c.action === 'delete' ? null : { digest: sha256Hex(c.content), executable: false },
      ]),
    );
    expect(await state?.after(landed)).toBe(await coldHash());
  }

  async function run(e: Edit): Promise<void> {
    if (e.op === 'commit') return commit(e.writes, e.deletes);
    const full = join(dir, e.path);
    const info = entryAt(full);
    if (e.op === 'write') {
      if (place(e.path, e.text)) utimesSync(full, STAMP, STAMP);
      if (e.settle) await settle(root);
    } else if (info?.isFile() !== true) return;
    else if (e.op === 'remove') unlinkSync(full);
    else if (e.op === 'chmod') chmodSync(full, info.mode ^ 0o100);
    else if (e.op === 'rename') {
      if (!place(e.to, '')) return;
      mkdirSync(dirname(join(dir, e.to)), { recursive: true });
      renameSync(full, join(dir, e.to));
    } else {
      writeFileSync(
        full,
        readFileSync(full).map((b) => b ^ 1),
      );
      utimesSync(full, STAMP, STAMP);
    }
  }

  it('equals the hash of every file read, after any edits and commits (property)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(edit, { maxLength: 10 }), async (edits) => {
        rmSync(root, { recursive: true, force: true });
        writeTree(dir, START);
        await settle(root);
        for (const e of edits) {
          await run(e);
          expect(await treeHash(cachedTree())).toBe(await coldHash());
        }
      }),
      { numRuns: 60 },
    );
  });
});
