/**
 * A hunk's header counts say where it ends; lines after that end are not part of it. A diff
 * whose "-"/"+" lines stand after a complete hunk (or after a hunk whose counts are 0 and 0) was
 * accepted, signed and "applied" with those lines dropped as prose: a reviewer saw a change that
 * was never made. GNU patch drops them silently; git apply says "corrupt patch". They are
 * `MALFORMED_INPUT` naming the line, and what real tools write around hunks (format-patch's
 * signature and series, "\ No newline", trailing blank lines, prose between files) still reads.
 * Also here: a rename whose source only an earlier rename of the same diff makes.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseDiff } from '../../src/core/diff/parse.ts';
import { applyDiff, makeMemoryTree, treeHash, type MemoryTree } from '../../src/core/index.ts';
import { PatchtrailError } from '../../src/core/errors.ts';

/** A security tester's diffs (t3/lie2.diff, t3/lie3.diff), each signed and "applied" before. */
const LIES: Record<string, string> = {
  lie2: '--- a/f\n+++ b/f\n@@ -1 +1 @@\n-one\n+ONE\n+sneaky\n two\n',
  lie3: '--- a/f\n+++ b/f\n@@ -1,0 +1,0 @@\n-one\n+ONE\n',
};

function refusal(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    if (error instanceof PatchtrailError) return `${error.code}: ${error.message}`;
    throw error;
  }
  return 'accepted';
}

const text = (tree: MemoryTree, path: string) => {
  const file = tree.snapshot().get(path);
  return file === undefined ? undefined : new TextDecoder().decode(file.content);
};

describe('hunk lines the header does not count', () => {
  it('refuses a hunk whose counts are 0 and 0 (t3/lie3.diff), naming its header line', () => {
    const lie3 = '--- a/f\n+++ b/f\n@@ -1,0 +1,0 @@\n-one\n+ONE\n';
    expect(refusal(() => parseDiff(lie3))).toMatch(
      /^MALFORMED_INPUT: diff line 3: a hunk with no lines/,
    );
    expect(refusal(() => parseDiff('--- a/f\n+++ b/f\n@@ -0,0 +0,0 @@\n'))).toMatch(
      /^MALFORMED_INPUT: diff line 3:/,
    );
  });

  it.each([
    ['a "+" line (t3/lie2.diff)', '@@ -1 +1 @@\n-one\n+ONE\n+sneaky\n two\n', 6, '+'],
    ['a "-" line', '@@ -1 +1 @@\n-one\n+ONE\n-two\n', 6, '-'],
    ['a context line', '@@ -1 +1 @@\n-one\n+ONE\n two\n', 6, ' '],
    ['a "+" line after blank lines', '@@ -1 +1 @@\n-one\n+ONE\n\n\n+sneaky\n', 8, '+'],
    [
      'a "+" line after "\\ No newline"',
      '@@ -1 +1 @@\n-one\n+ONE\n\\ No newline at end of file\n+x\n',
      7,
      '+',
    ],
    [
      'a "+" line after the first of two hunks',
      '@@ -1 +1 @@\n-one\n+ONE\n+x\n@@ -3 +3 @@\n-c\n+C\n',
      6,
      '+',
    ],
  ])('refuses %s after a complete hunk, naming its line', (_what, hunks, line, op) => {
    const diff = `--- a/f\n+++ b/f\n${hunks}`;
    expect(refusal(() => parseDiff(diff))).toMatch(
      new RegExp(
        `^MALFORMED_INPUT: diff line ${line}: a "\\${op}" line after the hunk is complete`,
      ),
    );
    // In a git diff too, before the next file's header.
    const git = `diff --git a/f b/f\nindex 1..2 100644\n${diff}diff --git a/g b/g\n--- a/g\n+++ b/g\n@@ -1 +1 @@\n-a\n+b\n`;
    expect(refusal(() => parseDiff(git))).toMatch(
      new RegExp(`^MALFORMED_INPUT: diff line ${line + 2}: a "\\${op}" line`),
    );
  });

  it('refuses a "+" line after a git change with no hunk (a rename or a mode change)', () => {
    const rename =
      'diff --git a/f b/g\nsimilarity index 100%\nrename from f\nrename to g\n+sneaky\n';
    expect(refusal(() => parseDiff(rename))).toMatch(/^MALFORMED_INPUT: diff line 5: a "\+" line/);
  });

  it('applies nothing and changes nothing for t3/lie2 and t3/lie3', async () => {
    for (const name of ['lie2', 'lie3']) {
      const tree = makeMemoryTree({ f: 'one\ntwo\nthree\n' });
      const before = await treeHash(tree);
      const diff = LIES[name] ?? '';
      await expect(applyDiff(tree, diff)).rejects.toMatchObject({ code: 'MALFORMED_INPUT' });
      expect(await treeHash(tree)).toBe(before);
    }
  });

  it('still reads what follows hunks in real input: signatures, series, "\\ No newline", blank lines, prose', () => {
    const hunk = '--- a/f\n+++ b/f\n@@ -1 +1 @@\n-one\n+ONE\n';
    const accepted: [string, string, number][] = [
      ['a format-patch signature', `${hunk}-- \n2.39.5\n\n`, 1],
      ['a signature a mailer trimmed', `${hunk}--\n2.39.5\n`, 1],
      [
        'a signature after "\\ No newline"',
        `${hunk}\\ No newline at end of file\n-- \n2.39.5\n`,
        1,
      ],
      ['trailing blank lines', `${hunk}\n\n\n`, 1],
      ['a CRLF blank line', `${hunk}\r\n`, 1],
      [
        '"diff -ruN" prose between files',
        `diff -ruN a/f b/f\n${hunk}diff -ruN a/g b/g\n${hunk.replaceAll('/f', '/g')}`,
        2,
      ],
      [
        '"Only in" and "Index:" prose',
        `${hunk}Only in a: x\nIndex: g\n===\n${hunk.replaceAll('/f', '/g')}`,
        2,
      ],
      [
        '"git log -p"',
        `commit 1\n\n    one\n\n${hunk}\ncommit 2\nAuthor: a\n\n    - two\n     indented\n\ndiff --git a/g b/g\n${hunk.replaceAll('/f', '/g')}`,
        2,
      ],
    ];
    for (const [what, diff, files] of accepted)
      expect([what, parseDiff(diff).files.length]).toEqual([what, files]);
  });

  it('applies what git format-patch, git log -p, diff -ruN and diff -ru write, as git and GNU patch do', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pt-counts-'));
    const git = (...args: string[]) =>
      execFileSync('git', ['-c', 'user.name=a', '-c', 'user.email=a@b', ...args], {
        cwd: join(dir, 'repo'),
        encoding: 'utf8',
      });
    mkdirSync(join(dir, 'repo'));
    const start = { 'f.txt': 'one\ntwo\nthree\n', 'g.txt': 'no newline', 'h.txt': 'a\nb\n' };
    for (const [name, body] of Object.entries(start)) writeFileSync(join(dir, 'repo', name), body);
    git('init', '-q');
    git('add', '.');
    git('commit', '-qm', 'start');
    writeFileSync(join(dir, 'repo/f.txt'), 'one\nTWO\nthree\n');
    writeFileSync(join(dir, 'repo/g.txt'), 'still no newline');
    git('commit', '-qam', 'first\n\n- a bullet\n  indented line\n');
    writeFileSync(join(dir, 'repo/h.txt'), 'a\nb\nc\n');
    writeFileSync(join(dir, 'repo/f.txt'), 'one\nTWO\nthree\nfour');
    git('commit', '-qam', 'second');
    const end = {
      'f.txt': 'one\nTWO\nthree\nfour',
      'g.txt': 'still no newline',
      'h.txt': 'a\nb\nc\n',
    };
    const series = git('format-patch', '--stdout', 'HEAD~2');
    expect(series).toMatch(/\n-- \n\d+\.\d+/);
    const logP = git('log', '-p', '--reverse', 'HEAD~2..HEAD');
    const ruN = (() => {
      mkdirSync(join(dir, 'a'));
      mkdirSync(join(dir, 'b'));
      for (const [name, body] of Object.entries(start)) writeFileSync(join(dir, 'a', name), body);
      for (const [name, body] of Object.entries(end)) writeFileSync(join(dir, 'b', name), body);
      writeFileSync(join(dir, 'b', 'only.txt'), 'new\n');
      const run = (args: string[]) => {
        try {
          return execFileSync('diff', args, { cwd: dir, encoding: 'utf8' });
        } catch (error) {
          return (error as { stdout: string }).stdout; // diff exits 1 when files differ
        }
      };
      return [run(['-ruN', 'a', 'b']), run(['-ru', 'a', 'b'])];
    })();
    for (const diff of [series, logP, ...ruN]) {
      const tree = makeMemoryTree(start);
      await applyDiff(tree, diff);
      for (const [name, body] of Object.entries(end)) expect(text(tree, name)).toBe(body);
    }
  });
});

describe('a rename whose source only the same diff makes', () => {
  const rename = (from: string, to: string) =>
    `diff --git a/${from} b/${to}\nsimilarity index 100%\nrename from ${from}\nrename to ${to}\n`;

  it('refuses "rename f to g" then "rename g to f" with no g (t3/swap.diff): APPLY_CONFLICT, nothing changed', async () => {
    const tree = makeMemoryTree({ f: 'one\ntwo\nthree\n' });
    const before = await treeHash(tree);
    const swap = rename('f', 'g') + rename('g', 'f'); // t3/swap.diff
    for (const options of [{ dryRun: true }, {}]) {
      await expect(applyDiff(tree, swap, options)).rejects.toMatchObject({
        code: 'APPLY_CONFLICT',
        message: expect.stringMatching(/^g: does not exist \(only an earlier file patch/),
      });
    }
    expect(await treeHash(tree)).toBe(before);
  });

  it('refuses a rename of a file a created file patch of the same diff makes, as git apply does', async () => {
    const created =
      'diff --git a/g b/g\nnew file mode 100644\n--- /dev/null\n+++ b/g\n@@ -0,0 +1 @@\n+g\n';
    const tree = makeMemoryTree({ f: 'f\n' });
    await expect(applyDiff(tree, created + rename('g', 'h'))).rejects.toMatchObject({
      code: 'APPLY_CONFLICT',
    });
  });

  it('still renames what an earlier commit of a series made, and rolls back a rename followed by an edit', async () => {
    const from = (n: number) =>
      `From ${String(n).repeat(40)} Mon Sep 17 00:00:00 2001\nSubject: [PATCH] ${n}\n\n---\n`;
    const series =
      from(1) +
      'diff --git a/g b/g\nnew file mode 100644\n--- /dev/null\n+++ b/g\n@@ -0,0 +1 @@\n+g\n-- \n2.39.5\n\n' +
      from(2) +
      rename('g', 'h') +
      '-- \n2.39.5\n';
    const tree = makeMemoryTree({ f: 'f\n' });
    const before = await treeHash(tree);
    await applyDiff(tree, series);
    expect(text(tree, 'h')).toBe('g\n');
    expect(text(tree, 'g')).toBeUndefined();
    await applyDiff(tree, series, { reverse: true });
    expect(await treeHash(tree)).toBe(before);
    const renameThenEdit = `${rename('f', 'g')}diff --git a/g b/g\n--- a/g\n+++ b/g\n@@ -1 +1 @@\n-f\n+F\n`;
    await applyDiff(tree, renameThenEdit);
    expect(text(tree, 'g')).toBe('F\n');
    await applyDiff(tree, renameThenEdit, { reverse: true });
    expect(await treeHash(tree)).toBe(before);
  });

  it('refuses a swap of two files that exist, as before (git apply takes it; patchtrail does not yet)', async () => {
    const tree = makeMemoryTree({ f: 'f\n', g: 'g\n' });
    await expect(applyDiff(tree, rename('f', 'g') + rename('g', 'f'))).rejects.toMatchObject({
      code: 'APPLY_CONFLICT',
      message: 'g: already exists',
    });
  });
});

describe('a git file patch with no hunk', () => {
  const git = (path: string, header: string, to = path) =>
    `diff --git a/${path} b/${to}\n${header}`;
  const edit = git('a', 'index 1111111..2222222 100644\n--- a/a\n+++ b/a\n@@ -1 +1 @@\n-a\n+A\n');

  it('refuses one cut short after its index line (it was signed, listed and "applied" as a change never made)', () => {
    const cut = `${edit}${git('b', 'index 1234567..89abcde 100644\n')}`;
    expect(refusal(() => parseDiff(cut))).toBe(
      'MALFORMED_INPUT: diff line 8: git\'s index line for "b" says its content changes (1234567..89abcde), but no hunk follows (a diff cut short?)',
    );
    expect(refusal(() => parseDiff(`${edit}diff --git a/b b/b\n`))).toMatch(
      /^MALFORMED_INPUT: diff line 8: the git header for "b" changes nothing/,
    );
    for (const cut of [
      git('b', 'new file mode 100644\nindex 0000000..1234567\n'),
      git('b', 'deleted file mode 100644\nindex 1234567..0000000\n'),
      git(
        'b',
        'similarity index 90%\nrename from b\nrename to c\nindex 1234567..89abcde 100644\n',
        'c',
      ),
    ])
      expect(refusal(() => parseDiff(`${edit}${cut}`))).toMatch(
        /^MALFORMED_INPUT: diff line 8: git's index line for "[bc]" says its content changes/,
      );
  });

  it('reads what a header alone carries: an empty file made or deleted, a mode change, a rename, a binary change', () => {
    const headers = {
      create: 'new file mode 100644\nindex 0000000..e69de29\n',
      createWhole:
        'new file mode 100644\nindex 0000000..e69de29bb2d1d6434b8b29ae775ad8c2e48c5391\n',
      createSha256: 'new file mode 100644\nindex 0000000..473a0f4c3be8\n',
      delete: 'deleted file mode 100644\nindex e69de29..0000000\n',
      mode: 'old mode 100644\nnew mode 100755\n',
    };
    const alone = Object.entries(headers).map(([why, header]) => [why, git('b', header)]);
    alone.push(['rename', git('b', 'similarity index 100%\nrename from b\nrename to c\n', 'c')]);
    for (const [why, header] of alone)
      expect([why, refusal(() => parseDiff(`${edit}${header}`))]).toEqual([why, 'accepted']);
    // Mercurial's word for a binary change it does not carry.
    const hg = parseDiff(`${edit}${git('b.bin', 'Binary file b.bin has changed\n')}`);
    expect(hg.files[1]?.binary).toBe(true);
  });
});
