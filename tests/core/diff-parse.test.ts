import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseDiff, touchedPaths } from '../../src/core/diff/parse.ts';
import { applyDiff, makeMemoryTree } from '../../src/core/index.ts';
import { PatchtrailError } from '../../src/core/errors.ts';

const GIT_DIFF = `diff --git a/src/app.c b/src/app.c
index 83db48f..bf269f4 100644
--- a/src/app.c
+++ b/src/app.c
@@ -1,3 +1,3 @@ int main(void)
 one
-two
+TWO
 three
diff --git a/docs/new.md b/docs/new.md
new file mode 100644
index 0000000..e69de29
--- /dev/null
+++ b/docs/new.md
@@ -0,0 +1 @@
+hello
\\ No newline at end of file
diff --git a/old.txt b/old.txt
deleted file mode 100644
--- a/old.txt
+++ /dev/null
@@ -1 +0,0 @@
-bye
diff --git a/a.sh b/b.sh
old mode 100644
new mode 100755
similarity index 100%
rename from a.sh
rename to b.sh
`;

describe('unified diff parser', () => {
  it('reads a multi-file git diff: modify, create, delete, rename with mode change', () => {
    const diff = parseDiff(GIT_DIFF);
    expect(diff.files.map((f) => [f.kind, f.oldPath, f.newPath])).toEqual([
      ['modify', 'src/app.c', 'src/app.c'],
      ['create', null, 'docs/new.md'],
      ['delete', 'old.txt', null],
      ['rename', 'a.sh', 'b.sh'],
    ]);
    const [modify, created] = diff.files;
    expect(modify?.hunks[0]).toMatchObject({
      oldStart: 1,
      oldLines: 3,
      newStart: 1,
      newLines: 3,
      section: 'int main(void)',
    });
    expect(modify?.hunks[0]?.lines.map((l) => l.op + l.text)).toEqual([
      ' one',
      '-two',
      '+TWO',
      ' three',
    ]);
    expect(created?.hunks[0]).toMatchObject({ oldStart: 0, oldLines: 0, newStart: 1, newLines: 1 });
    expect(created?.hunks[0]?.lines[0]).toEqual({ op: '+', text: 'hello', eol: false });
    expect(diff.files[3]).toMatchObject({ oldMode: '100644', newMode: '100755' });
    expect(touchedPaths(diff)).toEqual(['src/app.c', 'docs/new.md', 'old.txt', 'a.sh', 'b.sh']);
  });

  it('keeps CRLF content and removes N path components with strip', () => {
    const text =
      '--- x/y/z.txt\t2024-01-01 00:00:00\n+++ x/y/z.txt\t2024-01-02 00:00:00\n@@ -1 +1 @@\n-a\r\n+b\r\n';
    const diff = parseDiff(text, 2);
    expect(diff.files[0]?.newPath).toBe('z.txt');
    expect(diff.files[0]?.hunks[0]?.lines.map((l) => l.text)).toEqual(['a\r', 'b\r']);
    expect(parseDiff(text, 0).files[0]?.newPath).toBe('x/y/z.txt');
    expect(() => parseDiff(text, 3)).toThrow(/cannot strip 3/);
  });

  it('reads git-quoted paths', () => {
    const text =
      'diff --git "a/t\\303\\251st\\tx" "b/t\\303\\251st\\tx"\n--- "a/t\\303\\251st\\tx"\n+++ "b/t\\303\\251st\\tx"\n@@ -1 +1 @@\n-a\n+b\n';
    expect(parseDiff(text).files[0]?.newPath).toBe('tést\tx');
  });

  it('skips leading prose and a format-patch signature', () => {
    const text = `From 1234567890abcdef Mon Sep 17 00:00:00 2001\nSubject: [PATCH] x\n\nbody\n---\n f | 2 +-\n\n${GIT_DIFF}-- \n2.39.5\n\n`;
    const diff = parseDiff(text);
    expect(diff.preamble).toContain('Subject: [PATCH] x');
    expect(diff.files).toHaveLength(4);
  });

  it('parses what real `diff -u` and `git diff --no-index` write', () => {
    const dir = mkdtempSync(join(tmpdir(), 'pt-diff-'));
    mkdirSync(join(dir, 'a'));
    mkdirSync(join(dir, 'b'));
    const before = Array.from({ length: 40 }, (_, i) => `line ${i}`).join('\n') + '\n';
    const after = before.replace('line 3\n', 'line three\n').replace('line 30\n', '') + 'tail';
    writeFileSync(join(dir, 'a/f.txt'), before);
    writeFileSync(join(dir, 'b/f.txt'), after);
    const run = (cmd: string, args: string[]) => {
      try {
        return execFileSync(cmd, args, { cwd: dir, encoding: 'utf8' });
      } catch (error) {
        return (error as { stdout: string }).stdout; // both exit 1 when files differ
      }
    };
    const outputs: [string, number][] = [
      [run('diff', ['-u', 'a/f.txt', 'b/f.txt']), 1],
      [run('git', ['diff', '--no-index', 'a/f.txt', 'b/f.txt']), 2], // git adds its own a/ b/
    ];
    for (const [text, strip] of outputs) {
      const diff = parseDiff(text, strip);
      expect(diff.files).toHaveLength(1);
      expect(diff.files[0]?.newPath).toBe('f.txt');
      expect(diff.files[0]?.hunks.length).toBeGreaterThanOrEqual(2);
      expect(diff.files[0]?.hunks.at(-1)?.lines.at(-1)).toMatchObject({
        op: '+',
        text: 'tail',
        eol: false,
      });
    }
  });

  it('marks binary patches', () => {
    const text =
      'diff --git a/img.png b/img.png\nindex 1..2 100644\nBinary files a/img.png and b/img.png differ\n';
    expect(parseDiff(text).files[0]).toMatchObject({ binary: true, newPath: 'img.png' });
  });

  it('marks a binary difference in a `diff -ruN` (no git header) as a binary patch, wherever it stands', () => {
    // GNU diff -ruN writes this line alone for files that are not text: the change exists, its
    // content is not in the diff, so it must not pass as a text patch that leaves the file be.
    const text =
      'Binary files old/bin.dat and new/bin.dat differ\n' +
      'diff -ruN old/t.txt new/t.txt\n--- old/t.txt\t2026-12-07 09:42:48 +0000\n' +
      '+++ new/t.txt\t2026-12-07 09:42:48 +0000\n@@ -1,2 +1,2 @@\n a\n-b\n+c\n' +
      'Binary files old/x and y.bin and new/x and y.bin differ\r\n';
    const parsed = parseDiff(text);
    expect(parsed.files.map((f) => [f.kind, f.oldPath, f.newPath, f.binary])).toEqual([
      ['modify', 'bin.dat', 'bin.dat', true],
      ['modify', 't.txt', 't.txt', false],
      ['modify', 'x and y.bin', 'x and y.bin', true],
    ]);
    expect(parsed.preamble).toBe('');
    expect(parseDiff('Binary files a/only.bin and b/only.bin differ\n').files).toHaveLength(1);
    // Prose that merely starts so is not a file patch.
    expect(() => parseDiff('Binary files differ\n')).toThrow(/no file patch found/);
    expect(parsed.onlyIn).toEqual([]);
    // `diff -r` without -N: files in one tree only, named for the author's warning, the first 100.
    const only = parseDiff(
      'Only in new: extra.txt\n' +
        '--- old/t.txt\n+++ new/t.txt\n@@ -1 +1 @@\n-b\n+c\n' +
        'Only in old/sub/: gone.c\r\n' +
        'Only in nothing\n' +
        Array.from({ length: 120 }, (_, i) => `Only in new: f${i}\n`).join(''),
    );
    expect(only.onlyIn.slice(0, 3)).toEqual(['new/extra.txt', 'old/sub/gone.c', 'new/f0']);
    expect(only.onlyIn).toHaveLength(100);
  });

  it('reads a hostile "Binary files" line of a million " and " in bounded work', () => {
    // No split of it gives two names that agree: after 64 tries the first split is taken.
    const line = `Binary files a/x${' and'.repeat(1_000_000)} and b/z differ\n`;
    const [file] = parseDiff(line).files;
    expect(file).toMatchObject({ binary: true, oldPath: 'x', newPath: 'z' });
  });

  it('reads a patch saved with CRLF line endings as git apply does: its structure without the CR, its lines exact', async () => {
    const crlf = (text: string) => text.replaceAll('\n', '\r\n');
    const diff = crlf(
      'From 46d2bc6f019c58462e6325e9a393b0f726b9c0da Mon Sep 17 00:00:00 2001\nSubject: [PATCH] x\n\n' +
        'diff --git a/f b/f\nindex 1..2 100644\n--- a/f\n+++ b/f\n@@ -1,2 +1,2 @@ section\n a\n-b\n+c\n' +
        'diff --git a/link b/link\nnew file mode 120000\nindex 0000000..d09b807\n--- /dev/null\n' +
        '+++ b/link\n@@ -0,0 +1 @@\n+../outside\n' +
        'diff --git a/b.bin b/b.bin\nindex 1..2 100644\nGIT binary patch\nliteral 7\nOcmZQzWKPP=GXeku?E!EA\n\n',
    );
    const parsed = parseDiff(diff);
    expect(parsed.files.map((f) => [f.kind, f.newPath, f.binary])).toEqual([
      ['modify', 'f', false],
      ['create', 'link', false],
      ['modify', 'b.bin', true],
    ]);
    expect(parsed.files[0]?.hunks[0]?.section).toBe('section');
    expect(parsed.files[0]?.hunks[0]?.lines.map((l) => l.text)).toEqual(['a\r', 'b\r', 'c\r']);
    expect(parsed.files[1]?.newMode).toBe('120000');
    // Its lines are the file's: it applies to the file with CRLF endings, byte for byte, and
    // not to the same file with LF endings.
    const one = crlf('--- a/f\n+++ b/f\n@@ -1,2 +1,2 @@\n a\n-b\n+c\n');
    const windows = makeMemoryTree({ f: 'a\r\nb\r\n' });
    await applyDiff(windows, one);
    expect(new TextDecoder().decode(windows.snapshot().get('f')?.content)).toBe('a\r\nc\r\n');
    await expect(applyDiff(makeMemoryTree({ f: 'a\nb\n' }), one)).rejects.toMatchObject({
      code: 'APPLY_CONFLICT',
    });
  });

  it('names the diff formats it does not take: a context diff, a merge’s combined diff', () => {
    const refusal = (text: string) => {
      try {
        parseDiff(text);
        return 'parsed';
      } catch (error) {
        return `${(error as { code: string }).code}: ${(error as Error).message}`;
      }
    };
    // diff -c d1/sub/x d2/sub/x, as GNU diffutils 3.8 prints it
    const context =
      '*** d1/sub/x\t2026-12-07 05:58:26.300922866 +0000\n--- d2/sub/x\t2026-12-07 05:58:26.300922866 +0000\n' +
      '***************\n*** 1 ****\n! x\n--- 1 ----\n! y\n';
    expect(refusal(context)).toBe(
      'MALFORMED_INPUT: not a unified diff: this is a context diff (diff -c); make it with diff -u',
    );
    // diff a/g b/g and diff -e a/g b/g, as GNU diffutils 3.8 prints them: no file named
    expect(refusal('2c2\n< b\n---\n> B\n4c4,5\n< d\n---\n> x\n> y\n')).toBe(
      'MALFORMED_INPUT: not a unified diff: this is a normal diff (diff without -u), which names no file; make it with diff -u',
    );
    const ed =
      'MALFORMED_INPUT: not a unified diff: this is an ed script (diff -e), which names no file; make it with diff -u';
    expect(refusal('4c\nx\ny\n.\n2c\nB\n.\n')).toBe(ed);
    expect(refusal('2d\n')).toBe(ed);
    expect(refusal('2c\r\nz\r\n.\r\n')).toBe(ed);
    // Prose that happens to hold such a line is not called one.
    expect(refusal('Release 2c\nSee 12d above.\n')).toBe(
      'MALFORMED_INPUT: not a unified diff: no file patch found',
    );
    // git show of a merge commit with a conflict resolved by hand
    const combined =
      'diff --cc f.txt\nindex 1,2..3\n--- a/f.txt\n+++ b/f.txt\n@@@ -1,1 -1,1 +1,1 @@@\n- a\n -b\n++c\n';
    expect(refusal(combined)).toBe(
      'MALFORMED_INPUT: diff line 1: a combined diff (a merge against its parents) cannot be applied; give a diff against one parent',
    );
    expect(refusal(`--- a/g\n+++ b/g\n@@ -1 +1 @@\n-a\n+b\n${combined}`)).toMatch(
      /^MALFORMED_INPUT: diff line 6: a combined diff/,
    );
  });

  it.each([
    ['prose', 'This is not a diff at all.\nJust words.\n'],
    ['an empty string', ''],
    ['a truncated hunk', '--- a/f\n+++ b/f\n@@ -1,3 +1,3 @@\n a\n-b\n'],
    ['a hunk longer than its header', '--- a/f\n+++ b/f\n@@ -1 +1 @@\n-a\n-b\n+c\n'],
    ['a bad hunk header', '--- a/f\n+++ b/f\n@@ -x +1 @@\n-a\n'],
    ['headers with no hunk', '--- a/f\n+++ b/f\nhello\n'],
    ['an unterminated quoted path', 'diff --git "a/f b/f\n'],
  ])('rejects %s with MALFORMED_INPUT', (_why, text) => {
    let code = '';
    try {
      parseDiff(text);
    } catch (error) {
      code = (error as PatchtrailError).code;
    }
    expect(code).toBe('MALFORMED_INPUT');
  });

  it('never throws anything but a coded error, on random text and on mutated diffs', () => {
    const line = fc.oneof(
      fc.constantFrom(
        '--- a/f',
        '+++ b/f',
        '@@ -1 +1 @@',
        '@@ -1,2 +1,2 @@',
        'diff --git a/f b/f',
        '\\ No newline at end of file',
        ' ctx',
        '-old',
        '+new',
        '',
        'rename from x',
        'new file mode 100644',
      ),
      fc.string({ maxLength: 20 }),
    );
    fc.assert(
      fc.property(fc.array(line, { maxLength: 30 }), fc.nat({ max: 3 }), (lines, strip) => {
        try {
          const diff = parseDiff(lines.join('\n'), strip);
          expect(diff.files.length).toBeGreaterThan(0);
        } catch (error) {
          expect(error).toBeInstanceOf(PatchtrailError);
        }
      }),
      { numRuns: 3000 },
    );
  });
});
