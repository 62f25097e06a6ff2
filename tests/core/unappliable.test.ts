/**
 * File changes a diff may hold but no apply carries out (src/core/diff/unappliable.ts): binary
 * patches, symbolic links and submodules, by any of git's mode lines (a new file's, a deleted
 * one's, a mode change, the `index` line of a change that keeps the mode). Each is refused by
 * apply with MALFORMED_INPUT and nothing written, reversed too; a regular file's modes are not.
 * Before, a git diff creating a symbolic link created a regular file holding the link's target.
 */
import { describe, expect, it } from 'vitest';
import {
  applyDiff,
  makeMemoryTree,
  parseDiff,
  treeHash,
  unappliableChanges,
} from '../../src/core/index.ts';
import type { PatchtrailError } from '../../src/core/errors.ts';

async function refusal(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
    return 'OK';
  } catch (error) {
    const e = error as PatchtrailError;
    return `${e.code}: ${e.message}`;
  }
}

/** What `git diff` prints for each, from a real repository (git 2.39). */
const NEW_LINK =
  'diff --git a/link b/link\nnew file mode 120000\nindex 0000000..d09b807\n--- /dev/null\n' +
  '+++ b/link\n@@ -0,0 +1 @@\n+../outside\n\\ No newline at end of file\n';
const CHANGED_LINK =
  'diff --git a/link b/link\nindex d09b807..3a5b5d8 120000\n--- a/link\n+++ b/link\n' +
  '@@ -1 +1 @@\n-../outside\n\\ No newline at end of file\n+../elsewhere\n\\ No newline at end of file\n';
const DELETED_LINK =
  'diff --git a/link b/link\ndeleted file mode 120000\nindex d09b807..0000000\n--- a/link\n' +
  '+++ /dev/null\n@@ -1 +0,0 @@\n-../outside\n\\ No newline at end of file\n';
const FILE_TO_LINK =
  'diff --git a/f b/f\nold mode 100644\nnew mode 120000\n--- a/f\n+++ b/f\n' +
  '@@ -1 +1 @@\n-x\n+../outside\n\\ No newline at end of file\n';
const SUBMODULE =
  'diff --git a/lib b/lib\nnew file mode 160000\nindex 0000000..4b825dc\n--- /dev/null\n' +
  '+++ b/lib\n@@ -0,0 +1 @@\n+Subproject commit 4b825dc642cb6eb9a060e54bf8d69288fbee4904\n';
const BINARY =
  'diff --git a/b.bin b/b.bin\nindex 6772730..4e0e1df 100644\nGIT binary patch\n' +
  'literal 7\nOcmZQzWKPP=GXeku?E!EA\n\nliteral 6\nNcmZQzWJ=1+0{{Yf0X+Z!\n\n';
const EXECUTABLE =
  'diff --git a/run.sh b/run.sh\nold mode 100644\nnew mode 100755\n' +
  'diff --git a/f b/f\nindex 587be6b..3bd1f0e 100755\n--- a/f\n+++ b/f\n@@ -1 +1 @@\n-x\n+y\n';

describe('changes no apply carries out', () => {
  it('are found by any of git’s mode lines, and a regular file’s modes are not', () => {
    const found = (diff: string) => unappliableChanges(parseDiff(diff));
    expect(found(NEW_LINK)).toEqual([{ path: 'link', what: 'symbolic link' }]);
    expect(found(CHANGED_LINK)).toEqual([{ path: 'link', what: 'symbolic link' }]);
    expect(found(DELETED_LINK)).toEqual([{ path: 'link', what: 'symbolic link' }]);
    expect(found(FILE_TO_LINK)).toEqual([{ path: 'f', what: 'symbolic link' }]);
    expect(found(SUBMODULE)).toEqual([{ path: 'lib', what: 'submodule' }]);
    expect(found(BINARY)).toEqual([{ path: 'b.bin', what: 'binary patch' }]);
    expect(found(EXECUTABLE)).toEqual([]);
    // Mode lines are the attacker's words, read as git reads them (an octal number): a link
    // spelled with a leading zero or a trailing space is still a link; words name nothing.
    const modeChange = (mode: string) =>
      found(`diff --git a/f b/f\nold mode 100644\nnew mode ${mode}\n`);
    for (const mode of ['0120000', '120000 ', '120777'])
      expect(modeChange(mode)).toEqual([{ path: 'f', what: 'symbolic link' }]);
    expect(modeChange('0160000')).toEqual([{ path: 'f', what: 'submodule' }]);
    expect(modeChange('100755')).toEqual([]);
    // Words, and modes git gives no file, are no mode at all (tests/core/diff-modes.test.ts).
    for (const mode of ['constructor', '__proto__', 'hasOwnProperty', '40000', ''])
      expect(() => modeChange(mode)).toThrow(/not a mode git gives a file/);
    // An index line with no mode, or one that is not git's form, names nothing.
    expect(
      found('diff --git a/f b/f\nindex 1..2\n--- a/f\n+++ b/f\n@@ -1 +1 @@\n-x\n+y\n'),
    ).toEqual([]);
    expect(
      found('diff --git a/f b/f\nindex zz..2 120000\n--- a/f\n+++ b/f\n@@ -1 +1 @@\n-x\n+y\n'),
    ).toEqual([]);
  });

  it('are refused by apply, forward and reversed, with nothing written', async () => {
    const cases: [string, Record<string, string>, string][] = [
      [NEW_LINK, { f: 'x\n' }, 'link: a symbolic link'],
      [CHANGED_LINK, { link: '../outside' }, 'link: a symbolic link'],
      [DELETED_LINK, { link: '../outside' }, 'link: a symbolic link'],
      [FILE_TO_LINK, { f: 'x\n' }, 'f: a symbolic link'],
      [SUBMODULE, { f: 'x\n' }, 'lib: a submodule'],
      [BINARY, { 'b.bin': 'bin' }, 'b.bin: binary patches cannot be applied exactly'],
    ];
    for (const [diff, files, message] of cases) {
      const tree = makeMemoryTree(files);
      const before = await treeHash(tree);
      expect(await refusal(applyDiff(tree, diff))).toMatch(`MALFORMED_INPUT: ${message}`);
      expect(await refusal(applyDiff(tree, diff, { reverse: true }))).toMatch(
        `MALFORMED_INPUT: ${message}`,
      );
      expect(await refusal(applyDiff(tree, diff, { dryRun: true }))).toMatch('MALFORMED_INPUT');
      expect(await treeHash(tree)).toBe(before);
    }
  });

  it('leave a regular file’s mode change and an index line’s regular mode applying as before', async () => {
    const tree = makeMemoryTree({ 'run.sh': 'echo\n', f: 'x\n' });
    const result = await applyDiff(tree, EXECUTABLE);
    expect(result.files.map((f) => f.path)).toEqual(['run.sh', 'f']);
    expect(tree.snapshot().get('run.sh')?.executable).toBe(true);
    expect(new TextDecoder().decode(tree.snapshot().get('f')?.content)).toBe('y\n');
  });
});
