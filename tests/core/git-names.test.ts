/**
 * A git file patch names its file in up to five places ("diff --git", rename/copy from/to,
 * "---"/"+++", new/deleted file mode); when they disagree the diff is refused with
 * MALFORMED_INPUT naming both, as `git apply` refuses it, instead of being applied to
 * whichever name the parser happened to read.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { applyDiff, makeMemoryTree, parseDiff, treeHash } from '../../src/core/index.ts';
import { PatchtrailError } from '../../src/core/errors.ts';

function refusal(diff: string, strip = 1): { code: string; message: string } {
  try {
    parseDiff(diff, strip);
  } catch (error) {
    if (error instanceof PatchtrailError) return { code: error.code, message: error.message };
    throw error;
  }
  return { code: 'OK', message: '' };
}

const HUNK = '@@ -1 +1 @@\n-old\n+new\n';
const rename = (from: string, to: string, minus: string, plus: string, header = 'a/x b/y') =>
  `diff --git ${header}\nsimilarity index 50%\nrename from ${from}\nrename to ${to}\n--- ${minus}\n+++ ${plus}\n${HUNK}`;

describe('git file patch names', () => {
  it.each([
    ['rename from vs ---', rename('x', 'y', 'a/other', 'b/y'), ['rename from x', '--- a/other']],
    ['rename to vs +++', rename('x', 'y', 'a/x', 'b/other'), ['rename to y', '+++ b/other']],
    [
      'copy from vs ---',
      rename('x', 'y', 'a/other', 'b/y').replace(/rename /g, 'copy '),
      ['copy from x', '--- a/other'],
    ],
    [
      'copy to vs +++',
      rename('x', 'y', 'a/x', 'b/other').replace(/rename /g, 'copy '),
      ['copy to y', '+++ b/other'],
    ],
    [
      'diff --git vs rename from/to',
      rename('x', 'y', 'a/x', 'b/y', 'a/p b/q'),
      ['diff --git a/p b/q', 'rename from x'],
    ],
    [
      'diff --git vs ---/+++ of one file',
      `diff --git a/x b/x\nindex 1..2 100644\n--- a/evil\n+++ b/evil\n${HUNK}`,
      ['diff --git a/x b/x', '"a/evil"'],
    ],
    [
      '--- and +++ naming two files without a rename',
      `diff --git a/x b/x\nindex 1..2 100644\n--- a/x\n+++ b/y\n${HUNK}`,
      ['--- a/x', '+++ b/y'],
    ],
    [
      'a "diff --git" naming two files without a rename',
      'diff --git a/x b/y\nold mode 100644\nnew mode 100755\n',
      ['diff --git a/x b/y', 'two different files'],
    ],
    [
      'copy from with rename to',
      rename('x', 'y', 'a/x', 'b/y').replace('rename from', 'copy from'),
      ['copy from', 'rename to'],
    ],
    [
      'rename from without rename to',
      'diff --git a/x b/y\nrename from x\n',
      ['rename from', 'rename to'],
    ],
    [
      '--- /dev/null on a file that is not created',
      `diff --git a/x b/x\nindex 1..2 100644\n--- /dev/null\n+++ b/x\n@@ -0,0 +1 @@\n+new\n`,
      ['--- /dev/null', 'new file mode'],
    ],
    [
      '+++ /dev/null on a file that is not deleted',
      `diff --git a/x b/x\nindex 1..2 100644\n--- a/x\n+++ /dev/null\n@@ -1 +0,0 @@\n-old\n`,
      ['+++ /dev/null', 'deleted file mode'],
    ],
    [
      'new file mode with an old name',
      `diff --git a/x b/x\nnew file mode 100644\n--- a/x\n+++ b/x\n@@ -0,0 +1 @@\n+new\n`,
      ['new file mode', '--- a/x'],
    ],
    [
      'a rename from /dev/null',
      rename('x', 'y', '/dev/null', 'b/y'),
      ['rename from x', '--- /dev/null'],
    ],
  ])('refuses %s with MALFORMED_INPUT naming both', (_why, diff, named) => {
    const { code, message } = refusal(diff);
    expect(code).toBe('MALFORMED_INPUT');
    for (const name of named) expect(message).toContain(name);
    expect(message).toMatch(/^diff line 1: /);
  });

  it('leaves the target untouched when a rename disagrees with its ---/+++ names', async () => {
    const tree = makeMemoryTree({ x: 'old\n', other: 'old\n' });
    const before = await treeHash(tree);
    const diff = rename('x', 'y', 'a/other', 'b/y', 'a/x b/y');
    await expect(applyDiff(tree, diff)).rejects.toMatchObject({ code: 'MALFORMED_INPUT' });
    expect(await treeHash(tree)).toBe(before);
  });

  it('reads renames from rename from/to, names with spaces and " b/" in them included', () => {
    const diff =
      'diff --git a/dir b/a b/c b/e b/f\nsimilarity index 100%\nrename from dir b/a b/c\nrename to e b/f\n' +
      `diff --git a/x b b/y b/z\nrename from x b\nrename to y b/z\n--- a/x b\t\n+++ b/y b/z\t\n${HUNK}`;
    expect(parseDiff(diff).files.map((f) => [f.kind, f.oldPath, f.newPath])).toEqual([
      ['rename', 'dir b/a b/c', 'e b/f'],
      ['rename', 'x b', 'y b/z'],
    ]);
  });

  it('strips rename names by one component less than -p, as git does', () => {
    const diff = rename('src/x', 'src/y', 'a/src/x', 'b/src/y', 'a/src/x b/src/y');
    expect(parseDiff(diff, 2).files[0]).toMatchObject({ oldPath: 'x', newPath: 'y' });
    // -p0 on a prefixed diff: "a/src/x" is not "src/x"; git refuses it too.
    expect(refusal(diff, 0).code).toBe('MALFORMED_INPUT');
  });

  it('accepts what git writes: renames, copies, mode changes, quoted and spaced names (one ending in a space), any prefix', () => {
    const dir = mkdtempSync(join(tmpdir(), 'pt-git-names-'));
    const git = (...args: string[]) =>
      execFileSync('git', ['-c', 'core.quotePath=true', ...args], { cwd: dir, encoding: 'utf8' });
    const write = (path: string, text: string) => {
      mkdirSync(dirname(join(dir, path)), { recursive: true });
      writeFileSync(join(dir, path), text);
    };
    try {
      git('init', '-q');
      const body = Array.from({ length: 12 }, (_, i) => `line ${i}\n`).join('');
      const names = ['plain.c', 'x b', 'dir b/a b/c', 't\tq', 'é ü.txt', 'copy-src.txt', 'trail '];
      for (const name of names) write(name, `${name}\n${body}`);
      git('add', '-A');
      git('-c', 'user.name=t', '-c', 'user.email=t@t', 'commit', '-qm', 'base');
      git('mv', 'x b', 'moved b');
      mkdirSync(join(dir, 'e b'));
      git('mv', 'dir b/a b/c', 'e b/f');
      git('mv', 't\tq', 'u\tq');
      git('mv', 'é ü.txt', 'ñ.txt');
      write('plain.c', `plain.c\n${body.replace('line 3', 'LINE 3')}`);
      write('trail ', `trail \n${body.replace('line 7', 'LINE 7')}`);
      write('moved b', `x b\n${body.replace('line 5', 'LINE 5')}`);
      write('copied.txt', `copy-src.txt\n${body}`);
      execFileSync('chmod', ['+x', join(dir, 'ñ.txt')]);
      git('add', '-A');
      const variants: [string[], number][] = [
        [['-M', '-C', '--find-copies-harder'], 1],
        [['-M', '--no-prefix'], 0],
        [['-M', '--src-prefix=old/', '--dst-prefix=new/'], 1],
      ];
      for (const [flags, strip] of variants) {
        const diff = parseDiff(git('diff', '--cached', ...flags), strip);
        const kinds = diff.files.map((f) => `${f.kind} ${f.oldPath ?? '-'} -> ${f.newPath ?? '-'}`);
        expect(kinds).toContain('rename x b -> moved b');
        expect(kinds).toContain('rename dir b/a b/c -> e b/f');
        expect(kinds).toContain('rename t\tq -> u\tq');
        expect(kinds).toContain('rename é ü.txt -> ñ.txt');
        expect(kinds).toContain('modify plain.c -> plain.c');
        // git ends a name holding a space with a tab: the name's own trailing space stays.
        expect(kinds).toContain('modify trail  -> trail ');
      }
      const copies = parseDiff(git('diff', '--cached', '-C', '--find-copies-harder'));
      expect(copies.files.map((f) => [f.kind, f.oldPath, f.newPath])).toContainEqual([
        'copy',
        'copy-src.txt',
        'copied.txt',
      ]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
