import { describe, expect, it } from 'vitest';
import { applyDiff, makeMemoryTree, treeHash, type MemoryTree } from '../../src/core/index.ts';
import type { PatchtrailError } from '../../src/core/errors.ts';

const text = (tree: MemoryTree, path: string) =>
  new TextDecoder().decode(tree.snapshot().get(path)?.content);
const lines = (n: number, from = 1) =>
  Array.from({ length: n }, (_, i) => `line ${i + from}\n`).join('');

async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
    return 'OK';
  } catch (error) {
    return (error as PatchtrailError).code ?? String(error);
  }
}

const MODIFY = `--- a/f.txt
+++ b/f.txt
@@ -4,3 +4,3 @@
 line 4
-line 5
+line five
 line 6
`;

describe('applying a diff', () => {
  it('applies at the stated line, and reports tree hashes before and after', async () => {
    const tree = makeMemoryTree({ 'f.txt': lines(10) });
    const before = await treeHash(tree);
    const result = await applyDiff(tree, MODIFY);
    expect(result.status).toBe('applied');
    expect(text(tree, 'f.txt')).toBe(lines(10).replace('line 5\n', 'line five\n'));
    expect(result.treeBefore).toBe(before);
    expect(result.treeAfter).toBe(await treeHash(tree));
    expect(result.treeAfter).not.toBe(before);
    expect(result.files).toEqual([{ path: 'f.txt', kind: 'modify' }]);
    expect(result.hunks).toEqual([{ path: 'f.txt', hunk: 1, line: 4, offset: 0, fuzz: 0 }]);
  });

  it('finds a hunk at an offset and says so', async () => {
    const tree = makeMemoryTree({ 'f.txt': `extra\nextra\n${lines(10)}` });
    const result = await applyDiff(tree, MODIFY);
    expect(result.hunks[0]).toMatchObject({ line: 6, offset: 2, fuzz: 0 });
    expect(text(tree, 'f.txt')).toContain('line five');
  });

  it('never fuzzes unless asked; with fuzz, reports the fuzz used', async () => {
    const drifted = lines(10).replace('line 4\n', 'line FOUR\n');
    const tree = makeMemoryTree({ 'f.txt': drifted });
    expect(await codeOf(applyDiff(tree, MODIFY))).toBe('APPLY_CONFLICT');
    expect(text(tree, 'f.txt')).toBe(drifted);
    const result = await applyDiff(tree, MODIFY, { fuzz: 1 });
    expect(result.fuzz).toBe(1);
    expect(text(tree, 'f.txt')).toBe(drifted.replace('line 5\n', 'line five\n'));
  });

  it('matches line terminators exactly: CRLF content and "No newline at end of file"', async () => {
    const crlf = makeMemoryTree({ 'w.txt': 'a\r\nb\r\nc\r\n' });
    await applyDiff(crlf, '--- a/w.txt\n+++ b/w.txt\n@@ -1,3 +1,3 @@\n a\r\n-b\r\n+B\r\n c\r\n');
    expect(text(crlf, 'w.txt')).toBe('a\r\nB\r\nc\r\n');
    expect(
      await codeOf(applyDiff(crlf, '--- a/w.txt\n+++ b/w.txt\n@@ -1,3 +1,3 @@\n a\n-B\n+b\n c\n')),
    ).toBe('APPLY_CONFLICT');
    const noEol = makeMemoryTree({ 'n.txt': 'x\ny' });
    await applyDiff(
      noEol,
      '--- a/n.txt\n+++ b/n.txt\n@@ -1,2 +1,2 @@\n x\n-y\n\\ No newline at end of file\n+y\n',
    );
    expect(text(noEol, 'n.txt')).toBe('x\ny\n');
  });

  it('says when a hunk fails on line endings alone: a diff saved with CR LF on an LF file, and the reverse', async () => {
    const messageOf = (work: Promise<unknown>) =>
      work.then(
        () => 'no error',
        (e: { code: string; message: string }) => `${e.code} ${e.message}`,
      );
    const lf = makeMemoryTree({ 'w.txt': 'a\nb\nc\n' });
    const saved = '--- a/w.txt\r\n+++ b/w.txt\r\n@@ -1,3 +1,3 @@\r\n a\r\n-b\r\n+B\r\n c\r\n';
    expect(await messageOf(applyDiff(lf, saved))).toBe(
      'APPLY_CONFLICT w.txt: hunk #1 (@@ -1,3 +1,3 @@) does not match: its lines end in CR LF and the file’s in LF alone (a diff saved with Windows line endings: save it again with LF endings, e.g. dos2unix)',
    );
    const crlf = makeMemoryTree({ 'w.txt': 'a\r\nb\r\nc\r\n' });
    expect(
      await messageOf(
        applyDiff(crlf, '--- a/w.txt\n+++ b/w.txt\n@@ -1,3 +1,3 @@\n a\n-b\n+B\n c\n'),
      ),
    ).toMatch(/does not match: the file’s lines end in CR LF and the diff’s in LF alone/);
    // A hunk that fails for another reason says nothing of line endings.
    expect(
      await messageOf(applyDiff(lf, '--- a/w.txt\n+++ b/w.txt\n@@ -1,3 +1,3 @@\n a\n-x\n+B\n c\n')),
    ).toBe('APPLY_CONFLICT w.txt: hunk #1 (@@ -1,3 +1,3 @@) does not match');
    expect(text(lf, 'w.txt')).toBe('a\nb\nc\n');
  });

  it('says when a hunk fails because the file already holds its result (applied before)', async () => {
    const messageOf = (work: Promise<unknown>) =>
      work.then(
        () => 'no error',
        (e: { code: string; message: string }) => `${e.code} ${e.message}`,
      );
    // w.txt holds the patch's result already, y.txt does not: the whole is not "already
    // applied" (which apply reports as such), and the hunk that stops it says why.
    const tree = makeMemoryTree({ 'w.txt': 'a\nB\nc\n', 'y.txt': 'p\nq\nr\n' });
    const diff =
      '--- a/w.txt\n+++ b/w.txt\n@@ -1,3 +1,3 @@\n a\n-b\n+B\n c\n' +
      '--- a/y.txt\n+++ b/y.txt\n@@ -1,3 +1,3 @@\n p\n-q\n+Q\n r\n';
    expect(await messageOf(applyDiff(tree, diff))).toBe(
      'APPLY_CONFLICT w.txt: hunk #1 (@@ -1,3 +1,3 @@) does not match: the file already holds what it would make (this change looks made already)',
    );
    // Reversing, the words hold the other way round: y.txt is already as the reverse makes it.
    const half = makeMemoryTree({ 'w.txt': 'a\nB\nc\n', 'y.txt': 'p\nq\nr\n' });
    expect(await messageOf(applyDiff(half, diff, { reverse: true }))).toBe(
      'APPLY_CONFLICT y.txt: hunk #1 (@@ -1,3 +1,3 @@) does not match: the file already holds what it would make (this change looks made already)',
    );
    // Not said of a hunk that only inserts with no context: its result is just some lines.
    const bare = makeMemoryTree({ 'x.txt': 'b\n' });
    expect(
      await messageOf(applyDiff(bare, '--- a/x.txt\n+++ b/x.txt\n@@ -5,0 +6 @@\n+b\n')),
    ).not.toContain('made already');
    expect(text(tree, 'w.txt')).toBe('a\nB\nc\n');
  });

  it('keeps bytes that are not UTF-8 exactly', async () => {
    const latin1 = Uint8Array.from([0x63, 0x61, 0x66, 0xe9, 0x0a, 0x6f, 0x6c, 0x64, 0x0a]); // "café\nold\n" in Latin-1
    const tree = makeMemoryTree({ 'l.txt': latin1 });
    await applyDiff(tree, '--- a/l.txt\n+++ b/l.txt\n@@ -2 +2 @@\n-old\n+new\n');
    expect([...(tree.snapshot().get('l.txt')?.content ?? [])]).toEqual([
      0x63, 0x61, 0x66, 0xe9, 0x0a, 0x6e, 0x65, 0x77, 0x0a,
    ]);
  });

  it('creates, deletes, renames and changes modes (git extended headers)', async () => {
    const tree = makeMemoryTree({ 'old.txt': 'bye\n', 'run.sh': 'echo\n', 'keep.txt': 'k\n' });
    const diff = `diff --git a/new/dir/n.txt b/new/dir/n.txt
new file mode 100755
--- /dev/null
+++ b/new/dir/n.txt
@@ -0,0 +1 @@
+hello
diff --git a/old.txt b/old.txt
deleted file mode 100644
--- a/old.txt
+++ /dev/null
@@ -1 +0,0 @@
-bye
diff --git a/run.sh b/bin/run.sh
similarity index 100%
rename from run.sh
rename to bin/run.sh
old mode 100644
new mode 100755
`;
    const result = await applyDiff(tree, diff);
    const files = tree.snapshot();
    expect([...files.keys()].sort()).toEqual(['bin/run.sh', 'keep.txt', 'new/dir/n.txt']);
    expect(files.get('new/dir/n.txt')).toMatchObject({ executable: true });
    expect(files.get('bin/run.sh')).toMatchObject({ executable: true });
    expect(result.files.map((f) => f.kind)).toEqual(['create', 'delete', 'rename']);
    // and back again
    await applyDiff(tree, diff, { reverse: true });
    expect([...tree.snapshot().keys()].sort()).toEqual(['keep.txt', 'old.txt', 'run.sh']);
    expect(tree.snapshot().get('run.sh')?.executable).toBe(false);
  });

  it('is all or nothing: a conflict in the second file leaves the first untouched', async () => {
    const tree = makeMemoryTree({ 'f.txt': lines(10), 'g.txt': 'other\n' });
    const before = tree.snapshot();
    const diff = `${MODIFY}--- a/g.txt\n+++ b/g.txt\n@@ -1 +1 @@\n-something else\n+x\n`;
    await expect(applyDiff(tree, diff)).rejects.toMatchObject({
      code: 'APPLY_CONFLICT',
      message: expect.stringMatching(/^g\.txt: hunk #1/),
    });
    expect(tree.snapshot()).toEqual(before);
  });

  it('reverses to the original bytes, and detects an already-applied patch', async () => {
    const tree = makeMemoryTree({ 'f.txt': lines(10) });
    const original = await treeHash(tree);
    const applied = await applyDiff(tree, MODIFY);
    const again = await applyDiff(tree, MODIFY);
    expect(again).toMatchObject({
      status: 'already-applied',
      files: [],
      treeBefore: applied.treeAfter,
      treeAfter: applied.treeAfter,
    });
    const undone = await applyDiff(tree, MODIFY, { reverse: true });
    expect(undone.treeAfter).toBe(original);
    expect(text(tree, 'f.txt')).toBe(lines(10));
  });

  it('dry run reports the would-be tree hash and writes nothing', async () => {
    const tree = makeMemoryTree({ 'f.txt': lines(10) });
    const dry = await applyDiff(tree, MODIFY, { dryRun: true });
    expect(dry.status).toBe('dry-run');
    expect(text(tree, 'f.txt')).toBe(lines(10));
    const real = await applyDiff(tree, MODIFY);
    expect(real.treeAfter).toBe(dry.treeAfter);
  });

  it('anchors a hunk at line 1 with short leading context to the start, like GNU patch', async () => {
    const tree = makeMemoryTree({ 'f.txt': 'new first\nline 1\nline 2\nline 3\nline 4\n' });
    const diff = '--- a/f.txt\n+++ b/f.txt\n@@ -1,3 +1,3 @@\n-line 1\n+LINE 1\n line 2\n line 3\n';
    expect(await codeOf(applyDiff(tree, diff))).toBe('APPLY_CONFLICT');
  });

  it('refuses binary patches, non-diffs and conflicting creations with codes', async () => {
    const tree = makeMemoryTree({ 'f.txt': 'x\n' });
    expect(
      await codeOf(
        applyDiff(
          tree,
          'diff --git a/i.png b/i.png\nindex 1..2 100644\nBinary files a/i.png and b/i.png differ\n',
        ),
      ),
    ).toBe('MALFORMED_INPUT');
    expect(await codeOf(applyDiff(tree, 'hello\n'))).toBe('MALFORMED_INPUT');
    expect(await codeOf(applyDiff(tree, '--- /dev/null\n+++ b/f.txt\n@@ -0,0 +1 @@\n+y\n'))).toBe(
      'APPLY_CONFLICT',
    );
    expect(
      await codeOf(applyDiff(tree, '--- a/missing.txt\n+++ b/missing.txt\n@@ -1 +1 @@\n-a\n+b\n')),
    ).toBe('APPLY_CONFLICT');
  });

  it('refuses a diff over the file-count limit with TOO_LARGE', async () => {
    const many = Array.from(
      { length: 10_001 },
      (_, i) => `--- /dev/null\n+++ b/f${i}\n@@ -0,0 +1 @@\n+x\n`,
    ).join('');
    expect(await codeOf(applyDiff(makeMemoryTree(), many))).toBe('TOO_LARGE');
  });
});

describe('large diffs', () => {
  it('applies a diff of 150,000 hunks (no argument-spreading limits)', async () => {
    const n = 150_000;
    const before = Array.from({ length: n * 3 }, (_, i) => `l${i}\n`).join('');
    const hunks = Array.from(
      { length: n },
      (_, k) => `@@ -${3 * k + 2} +${3 * k + 2} @@\n-l${3 * k + 1}\n+L${3 * k + 1}\n`,
    ).join('');
    const tree = makeMemoryTree({ 'big.txt': before });
    const result = await applyDiff(tree, `--- a/big.txt\n+++ b/big.txt\n${hunks}`);
    expect(result.hunks).toHaveLength(n);
    expect(text(tree, 'big.txt')).toBe(
      before.replace(/^l(\d+)$/gm, (m, d: string) => (Number(d) % 3 === 1 ? `L${d}` : m)),
    );
  }, 60_000);
});
