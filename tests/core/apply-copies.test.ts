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

/**
 * `git format-patch -C -C -2 --stdout`: commit 1 changes b.txt's line 10, commit 2 copies b.txt
 * to c.txt with line 2 changed. The copy reads b.txt as commit 1 left it (git apply, given the
 * series at once, reads every copy from before the whole series).
 */
const SERIES =
  'From 46d2bc6f019c58462e6325e9a393b0f726b9c0da Mon Sep 17 00:00:00 2001\n' +
  'From: a <a@b>\n' +
  'Date: Mon, 7 Dec 2026 06:07:58 +0000\n' +
  'Subject: [PATCH 1/2] one\n' +
  '\n' +
  '---\n' +
  ' b.txt | 2 +-\n' +
  ' 1 file changed, 1 insertion(+), 1 deletion(-)\n' +
  '\n' +
  'diff --git a/b.txt b/b.txt\n' +
  'index 08fe19c..32fda7a 100644\n' +
  '--- a/b.txt\n' +
  '+++ b/b.txt\n' +
  '@@ -7,6 +7,6 @@\n' +
  ' 7\n' +
  ' 8\n' +
  ' 9\n' +
  '-10\n' +
  '+ten\n' +
  ' 11\n' +
  ' 12\n' +
  '-- \n' +
  '2.39.5\n' +
  '\n' +
  '\n' +
  'From e5e1c6dbff13f56fa948df1f7f440d3632ec4e04 Mon Sep 17 00:00:00 2001\n' +
  'From: a <a@b>\n' +
  'Date: Mon, 7 Dec 2026 06:07:58 +0000\n' +
  'Subject: [PATCH 2/2] two\n' +
  '\n' +
  '---\n' +
  ' b.txt => c.txt | 2 +-\n' +
  ' 1 file changed, 1 insertion(+), 1 deletion(-)\n' +
  ' copy b.txt => c.txt (86%)\n' +
  '\n' +
  'diff --git a/b.txt b/c.txt\n' +
  'similarity index 86%\n' +
  'copy from b.txt\n' +
  'copy to c.txt\n' +
  'index 32fda7a..dc07e55 100644\n' +
  '--- a/b.txt\n' +
  '+++ b/c.txt\n' +
  '@@ -1,5 +1,5 @@\n' +
  ' 1\n' +
  '-2\n' +
  '+two\n' +
  ' 3\n' +
  ' 4\n' +
  ' 5\n' +
  '-- \n' +
  '2.39.5\n';

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

  it('reads a series from a repository of SHA-256 objects the same way (64-digit commit ids)', async () => {
    // git 2.39 `git init --object-format=sha256`, then `git format-patch`: only the ids differ.
    const sha256Series = SERIES.replace(
      /^From ([0-9a-f]{40}) /gm,
      (_, id: string) => `From ${id}${id.slice(0, 24)} `,
    );
    expect(sha256Series.match(/^From [0-9a-f]{64} Mon Sep/gm)).toHaveLength(2);
    const tree = makeMemoryTree({ 'b.txt': seq(12) });
    await applyDiff(tree, sha256Series);
    expect(text(tree, 'c.txt')).toBe(seq(12, { 2: 'two', 10: 'ten' }));
  });

  it('in a format-patch series, copies the source as the commits before left it, and undoes it', async () => {
    const tree = makeMemoryTree({ 'b.txt': seq(12) });
    const original = await treeHash(tree);
    await applyDiff(tree, SERIES);
    expect(text(tree, 'b.txt')).toBe(seq(12, { 10: 'ten' }));
    expect(text(tree, 'c.txt')).toBe(seq(12, { 2: 'two', 10: 'ten' }));
    expect((await applyDiff(tree, SERIES)).status).toBe('already-applied');
    expect((await applyDiff(tree, SERIES, { reverse: true })).status).toBe('reversed');
    expect(await treeHash(tree)).toBe(original);
  });
});
