import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { collisionKey } from '../../src/core/diff/safety.ts';
import { applyDiff, makeMemoryTree } from '../../src/core/index.ts';
import type { PatchtrailError } from '../../src/core/errors.ts';

const create = (path: string) => `--- /dev/null\n+++ ${path}\n@@ -0,0 +1 @@\n+pwned\n`;
const gitCreate = (path: string) =>
  `diff --git a/${path} b/${path}\nnew file mode 100644\n--- /dev/null\n+++ b/${path}\n@@ -0,0 +1 @@\n+pwned\n`;

async function refusal(
  diff: string,
  strip = 1,
  tree = makeMemoryTree({ 'src/a.c': 'a\n', 'README.md': 'r\n' }, ['link', 'src/out']),
) {
  const before = tree.snapshot();
  let code = 'OK';
  try {
    await applyDiff(tree, diff, { strip });
  } catch (error) {
    code = (error as PatchtrailError).code;
  }
  expect(tree.snapshot(), 'nothing may be written').toEqual(before);
  return code;
}

describe('path safety (untrusted diffs)', () => {
  it.each([
    ['an absolute path', create('/etc/passwd'), 0],
    ['a ".." segment', create('b/../../etc/passwd'), 1],
    ['a ".." after stripping', create('b/src/../../x'), 1],
    ['a "." segment', create('b/./x'), 1],
    ['an empty segment', create('b/src//x'), 1],
    ['a write into .git', create('b/.git/hooks/post-checkout'), 1],
    ['a write into .GIT (case)', create('b/.GIT/config'), 1],
    ['a write into ".git." (Windows trailing dot)', create('b/.git./config'), 1],
    ['a write into git~1 (8.3 name)', create('b/GIT~1/config'), 1],
    ['a write into .patchtrail (our journal)', create('b/.patchtrail/txn/journal.json'), 1],
    ['a backslash', create('b/..\\..\\x'), 1],
    ['a drive letter', create('C:/Windows/x'), 0],
    ['fullwidth full stops (U+FF0E)', create('b/\uff0e\uff0e/x'), 1],
    ['a two-dot leader (U+2025)', create('b/\u2025/x'), 1],
    ['a fullwidth solidus (U+FF0F)', create('b/a\uff0f..\uff0fx'), 1],
    ['a component over 255 bytes (a name no filesystem holds)', create(`b/${'é'.repeat(128)}`), 1],
    ['a path over 4,096 bytes', create(`b/${'d/'.repeat(2048)}x`), 1],
    ['a path through a symlink', create('b/link/x'), 1],
    ['a write onto a symlink', create('b/src/out'), 1],
    [
      'a git-quoted NUL byte',
      'diff --git "a/x\\000y" "b/x\\000y"\nnew file mode 100644\n--- /dev/null\n+++ "b/x\\000y"\n@@ -0,0 +1 @@\n+p\n',
      1,
    ],
    [
      'two paths that collide under case folding',
      `${gitCreate('Makefile')}${gitCreate('makefile')}`,
      1,
    ],
    ['a path that collides with an existing file under case folding', gitCreate('readme.md'), 1],
    ['a new file in "SRC/" beside the directory "src/"', gitCreate('SRC/b.c'), 1],
    ['a new file "Src" beside the directory "src/"', gitCreate('Src'), 1],
    [
      'two new directories that collide under case folding',
      `${gitCreate('lib/a.c')}${gitCreate('Lib/b.c')}`,
      1,
    ],
    [
      'a directory that collides once invisible characters are removed',
      gitCreate('s\u200drc/b.c'),
      1,
    ],
    [
      'a rename whose source is outside',
      'diff --git a/../x b/y\nsimilarity index 100%\nrename from ../x\nrename to y\n',
      1,
    ],
  ])('refuses %s with UNSAFE_PATH before writing anything', async (_why, diff, strip) => {
    expect(await refusal(diff, strip)).toBe('UNSAFE_PATH');
  });

  it('says which directory a new name collides with, and writes into one spelled as it is', async () => {
    const tree = makeMemoryTree({ 'src/a.c': 'a\n' });
    await expect(applyDiff(tree, gitCreate('Src/lib/b.c'))).rejects.toMatchObject({
      code: 'UNSAFE_PATH',
      message: 'unsafe path "Src" (in "Src/lib/b.c"): collides with "src" under case folding',
    });
    await applyDiff(tree, `${gitCreate('src/lib/b.c')}${gitCreate('src/Lib2/c.c')}`);
    expect([...tree.snapshot().keys()].sort()).toEqual(['src/Lib2/c.c', 'src/a.c', 'src/lib/b.c']);
  });

  it('patches twins the tree already holds (xt_MARK.h beside xt_mark.h), alone or together, and refuses a third spelling', async () => {
    const modify = (path: string) =>
      `diff --git a/${path} b/${path}\n--- a/${path}\n+++ b/${path}\n@@ -1 +1 @@\n-old\n+${path}\n`;
    const twins = () => makeMemoryTree({ 'xt_MARK.h': 'old\n', 'xt_mark.h': 'old\n' });
    for (const diff of [
      modify('xt_MARK.h'),
      modify('xt_mark.h'),
      modify('xt_MARK.h') + modify('xt_mark.h'),
    ]) {
      const tree = twins();
      const result = await applyDiff(tree, diff);
      expect(result.status).toBe('applied');
    }
    const both = twins();
    await applyDiff(both, modify('xt_MARK.h') + modify('xt_mark.h'));
    expect(new TextDecoder().decode(both.snapshot().get('xt_MARK.h')?.content)).toBe('xt_MARK.h\n');
    expect(new TextDecoder().decode(both.snapshot().get('xt_mark.h')?.content)).toBe('xt_mark.h\n');
    expect(await refusal(gitCreate('XT_MARK.h'), 1, twins())).toBe('UNSAFE_PATH');
  });

  it('replaces a directory by a file and reverses it (the file the reverse deletes is no obstacle), but not a file the diff keeps', async () => {
    const tree = makeMemoryTree({ 'd/x': 'x\n', keep: 'k\n' });
    const diff =
      'diff --git a/d b/d\nnew file mode 100644\n--- /dev/null\n+++ b/d\n@@ -0,0 +1 @@\n+file\n' +
      'diff --git a/d/x b/d/x\ndeleted file mode 100644\n--- a/d/x\n+++ /dev/null\n@@ -1 +0,0 @@\n-x\n';
    const applied = await applyDiff(tree, diff);
    expect([applied.status, [...tree.snapshot().keys()].sort()]).toEqual([
      'applied',
      ['d', 'keep'],
    ]);
    const reversed = await applyDiff(tree, diff, { reverse: true });
    expect([reversed.status, reversed.treeAfter]).toEqual(['reversed', applied.treeBefore]);
    expect(new TextDecoder().decode(tree.snapshot().get('d/x')?.content)).toBe('x\n');
    const underKept = makeMemoryTree({ keep: 'k\n' });
    expect(await refusal(gitCreate('keep/x'), 1, underKept)).toBe('APPLY_CONFLICT');
  });

  it('accepts ordinary unusual names: spaces, dots inside names, non-ASCII letters', async () => {
    const tree = makeMemoryTree();
    await applyDiff(
      tree,
      `${create('b/docs/read me.txt')}${create('b/.github/x.yml')}${create('b/caf\u00e9/..hidden')}${create(`b/${'n'.repeat(255)}`)}`,
    );
    expect([...tree.snapshot().keys()].sort()).toEqual([
      '.github/x.yml',
      'caf\u00e9/..hidden',
      'docs/read me.txt',
      'n'.repeat(255),
    ]);
  });
});

describe('collisionKey', () => {
  // Unicode's own property for the invisible code points the key drops (tests/core/path-names.test.ts).
  const bare = (text: string) => text.replace(/\p{Default_Ignorable_Code_Point}/gu, '');
  const slowKey = (path: string) =>
    bare(bare(path).normalize('NFKC').toLowerCase().normalize('NFC'));
  const hostile = fc.oneof(
    fc.string({ unit: 'binary' }),
    fc.string({
      unit: fc.constantFrom(
        'a',
        'A',
        'Z',
        '.',
        '/',
        '\u212a',
        '\u0130',
        'é',
        'e\u0301',
        '\uff0e',
        '\u2025',
        'ß',
        'ﬁ',
        '\0',
        '\x7f',
        '\x80',
      ),
    }),
  );

  it('equals the full NFKC, case-fold and NFC key, invisible characters dropped, on any string (ASCII fast path, property)', () => {
    fc.assert(
      fc.property(hostile, (path) => {
        expect(collisionKey(path)).toBe(slowKey(path));
      }),
      { numRuns: 5000 },
    );
  });
});
