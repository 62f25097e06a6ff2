/**
 * The commit check (src/core/diff/commit-check.ts): what could not be applied all the way
 * through is refused before anything is staged, in every tree and in dry runs alike; recovery
 * accepts the half-done states a crash leaves and nothing else.
 */
import { describe, expect, it } from 'vitest';
import { applyDiff, makeMemoryTree } from '../../src/core/index.ts';
import { checkCommit, type TreeProbe } from '../../src/core/diff/commit-check.ts';
import type { JournalOp } from '../../src/core/diff/journal.ts';
import type { EntryKind } from '../../src/core/diff/tree.ts';
import { codeOf } from '../helpers/codes.ts';

/** A probe over a listing: "path" → kind; directories are implied by what is under them. */
function probe(entries: Record<string, EntryKind>): TreeProbe {
  const kind = async (path: string) =>
    entries[path] ??
    (Object.keys(entries).some((p) => p.startsWith(`${path}/`)) ? ('dir' as const) : undefined);
  return {
    kind,
    async children(path) {
      const names = Object.keys(entries)
        .filter((p) => p.startsWith(`${path}/`))
        .map((p) => p.slice(path.length + 1).split('/')[0] ?? '');
      return [...new Set(names)];
    },
  };
}
const w = (path: string, blob = '0'): JournalOp => ({
  action: 'write',
  path,
  blob,
  executable: false,
});
const d = (path: string): JournalOp => ({ action: 'delete', path });
const check = (entries: Record<string, EntryKind>, ops: JournalOp[], resuming = false) =>
  codeOf(() => checkCommit(probe(entries), ops, { resuming }));

describe('the commit check', () => {
  it.each<[string, Record<string, EntryKind>, JournalOp[], string]>([
    ['a file and a file inside it', {}, [w('a'), w('a/b', '1')], 'APPLY_CONFLICT'],
    // Found by the stat cache's property test: the parent "x" is new, so no probe finds "x/y".
    ['a new file and a file inside it', {}, [w('x/y'), w('x/y/a', '1')], 'APPLY_CONFLICT'],
    ['a deep file inside a new one', { k: 'file' }, [w('x/y/z/a'), w('x/y')], 'APPLY_CONFLICT'],
    ['a file where a directory stays', { 'd/x': 'file' }, [w('d')], 'APPLY_CONFLICT'],
    ['a file under a file', { f: 'file' }, [w('f/x')], 'APPLY_CONFLICT'],
    ['a file under a special file', { p: 'other' }, [w('p/x')], 'APPLY_CONFLICT'],
    ['a file over a special file', { p: 'other' }, [w('p')], 'APPLY_CONFLICT'],
    ['a file through a symlink', { l: 'symlink' }, [w('l/x')], 'UNSAFE_PATH'],
    ['a file onto a symlink', { l: 'symlink' }, [w('l')], 'UNSAFE_PATH'],
    ['deleting a missing file', {}, [d('x')], 'APPLY_CONFLICT'],
    ['deleting a directory', { 'd/x': 'file' }, [d('d')], 'APPLY_CONFLICT'],
    [
      'a file where a directory keeps a symlink',
      { 'd/x': 'file', 'd/e/y': 'symlink' },
      [d('d/x'), w('d')],
      'APPLY_CONFLICT',
    ],
  ])('refuses %s', async (_name, entries, ops, code) => {
    expect(await check(entries, ops)).toBe(code);
  });

  it.each<[string, Record<string, EntryKind>, JournalOp[]]>([
    ['a file replacing a file', { a: 'file' }, [w('a')]],
    ['a file where deleting a file makes room', { f: 'file' }, [d('f'), w('f/inner')]],
    [
      'a file where every file of a directory is deleted',
      { 'd/x': 'file', 'd/sub/y': 'file' },
      [d('d/x'), d('d/sub/y'), w('d')],
    ],
    ['new nested directories', { keep: 'file' }, [w('a/b/c')]],
  ])('accepts %s', async (_name, entries, ops) => {
    expect(await check(entries, ops)).toBe('no error');
  });

  it('accepts, when resuming, what a crash mid-replay leaves: deletes done, a directory made', async () => {
    const ops = [d('f'), d('d/x'), w('f/inner'), w('d', '1')];
    // Deletes done, d pruned, f/inner moved into place, d not yet written.
    const state: Record<string, EntryKind> = { 'f/inner': 'file' };
    expect(await check(state, ops, true)).toBe('no error');
    expect(await check(state, ops, false)).toBe('APPLY_CONFLICT');
    // A directory emptied by the deletes but not yet pruned when the crash came.
    expect(await check({ d: 'dir' }, [d('d/x'), w('d')], true)).toBe('no error');
    expect(await check({ d: 'dir' }, [d('d/x'), w('d')], false)).toBe('APPLY_CONFLICT');
  });
});

describe('applyDiff refuses a diff that could not be committed, writing nothing', () => {
  const keepAndNested = `--- a/keep
+++ b/keep
@@ -1 +1 @@
-old
+new
--- /dev/null
+++ b/a
@@ -0,0 +1 @@
+x
--- /dev/null
+++ b/a/b
@@ -0,0 +1 @@
+y
`;
  const fileOverDir = '--- /dev/null\n+++ b/d\n@@ -0,0 +1 @@\n+now a file\n';

  it.each([
    ['modifies keep, creates a and creates a/b', { keep: 'old\n' }, keepAndNested],
    ['creates a file where a directory is', { 'd/x': 'x\n', keep: 'k\n' }, fileOverDir],
  ])('%s: APPLY_CONFLICT, also in a dry run', async (_name, files, diff) => {
    const tree = makeMemoryTree(files);
    const before = tree.snapshot();
    expect(await codeOf(() => applyDiff(tree, diff, { dryRun: true }))).toBe('APPLY_CONFLICT');
    expect(await codeOf(() => applyDiff(tree, diff))).toBe('APPLY_CONFLICT');
    expect(tree.snapshot()).toEqual(before);
  });
});
