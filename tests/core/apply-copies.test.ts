/**
 * Copies in git diffs (`git diff -C`), as `git apply` takes them: a copy is made from its
 * source as it was before the diff, even when the diff also changes the source or renames it
 * away; and a patch with a copy can be recognised as applied and rolled back, the copy removed
 * only while it still is what the patch made it. Before, the copy was made from the source as
 * changed earlier in the same diff (a different file from git's), a second apply and a reverse
 * both failed with "already exists", and so did the app's roll back.
 * The diffs are git 2.39's own output; the expected files are `git apply`'s results.
 */
import { describe, expect, it } from 'vitest';
import { applyDiff, makeMemoryTree, treeHash, type MemoryTree } from '../../src/core/index.ts';
import type { PatchtrailError } from '../../src/core/errors.ts';

const seq = (n: number, change: Record<number, string> = {}) =>
  Array.from({ length: n }, (_, i) => `${change[i + 1] ?? i + 1}\n`).join('');
const text = (tree: MemoryTree, path: string) => {
  const file = tree.snapshot().get(path);
  return file === undefined ? undefined : new TextDecoder().decode(file.content);
};
const hunk = (at: number, from: string, to: string, before: string[], after: string[]) =>
  `@@ -${at},7 +${at},7 @@\n${before.map((l) => ` ${l}\n`).join('')}-${from}\n+${to}\n${after.map((l) => ` ${l}\n`).join('')}`;

/** b.txt's line 20 changed, and b.txt copied to copied.txt with line 5 changed. */
const MODIFY_AND_COPY =
  'diff --git a/b.txt b/b.txt\nindex e8823e1..39dc28f 100644\n--- a/b.txt\n+++ b/b.txt\n' +
  hunk(17, '20', 'twenty', ['17', '18', '19'], ['21', '22', '23']) +
  'diff --git a/b.txt b/copied.txt\nsimilarity index 94%\ncopy from b.txt\ncopy to copied.txt\n' +
  'index e8823e1..a86ab4f 100644\n--- a/b.txt\n+++ b/copied.txt\n' +
  hunk(2, '5', 'five', ['2', '3', '4'], ['6', '7', '8']);

/** a renamed to b, and copied to c with its first line changed. */
const RENAME_AND_COPY =
  'diff --git a/a b/b\nsimilarity index 100%\nrename from a\nrename to b\n' +
  'diff --git a/a b/c\nsimilarity index 90%\ncopy from a\ncopy to c\n--- a/a\n+++ b/c\n' +
  '@@ -1,3 +1,3 @@\n-1\n+one\n 2\n 3\n';

async function refusal(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
    return 'OK';
  } catch (error) {
    return `${(error as PatchtrailError).code}: ${(error as Error).message}`;
  }
}

describe('copies, as git apply makes and undoes them', () => {
  it('copies the source as it was before the diff, though the diff changes it first', async () => {
    const tree = makeMemoryTree({ 'b.txt': seq(30) });
    const original = await treeHash(tree);
    const applied = await applyDiff(tree, MODIFY_AND_COPY);
    expect(applied.status).toBe('applied');
    expect(text(tree, 'b.txt')).toBe(seq(30, { 20: 'twenty' }));
    expect(text(tree, 'copied.txt')).toBe(seq(30, { 5: 'five' }));
    expect((await applyDiff(tree, MODIFY_AND_COPY)).status).toBe('already-applied');
    const undone = await applyDiff(tree, MODIFY_AND_COPY, { reverse: true });
    expect(undone.status).toBe('reversed');
    expect(undone.files).toEqual([
      { path: 'b.txt', kind: 'modify' },
      { path: 'copied.txt', kind: 'delete' },
    ]);
    expect(await treeHash(tree)).toBe(original);
    expect((await applyDiff(tree, MODIFY_AND_COPY, { reverse: true })).status).toBe(
      'already-reversed',
    );
  });

  it('copies a file the same diff renames away, and undoes both', async () => {
    const tree = makeMemoryTree({ a: seq(20) });
    const original = await treeHash(tree);
    await applyDiff(tree, RENAME_AND_COPY);
    expect([...tree.snapshot().keys()].sort()).toEqual(['b', 'c']);
    expect(text(tree, 'b')).toBe(seq(20));
    expect(text(tree, 'c')).toBe(seq(20, { 1: 'one' }));
    expect((await applyDiff(tree, RENAME_AND_COPY)).status).toBe('already-applied');
    await applyDiff(tree, RENAME_AND_COPY, { reverse: true });
    expect(await treeHash(tree)).toBe(original);
  });

  it('keeps a copy changed since, or whose source changed, refusing the undo with nothing written', async () => {
    const applied = { 'b.txt': seq(30, { 20: 'twenty' }), 'copied.txt': seq(30, { 5: 'five' }) };
    expect(
      await refusal(applyDiff(makeMemoryTree(applied), MODIFY_AND_COPY, { reverse: true })),
    ).toBe('OK');
    for (const changed of [
      { 'copied.txt': seq(30, { 5: 'five', 6: 'six' }) },
      { 'b.txt': seq(30, { 20: 'twenty', 30: 'thirty' }) },
    ]) {
      const tree = makeMemoryTree({ ...applied, ...changed });
      const before = await treeHash(tree);
      expect(await refusal(applyDiff(tree, MODIFY_AND_COPY, { reverse: true }))).toMatch(
        /^APPLY_CONFLICT: /,
      );
      expect(await treeHash(tree)).toBe(before);
    }
  });
});
