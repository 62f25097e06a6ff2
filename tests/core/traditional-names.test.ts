/**
 * `diff -u` and quilt patches name one file twice, and the two names may differ
 * ("Makefile.orig" / "Makefile"); `diff -N` marks created and deleted files with the epoch as
 * their time. Each case is applied by GNU patch (the reference) and by patchtrail to the same
 * files, and the results must be identical.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { applyDiff, makeMemoryTree } from '../../src/core/index.ts';

type Files = Record<string, string>;

function listFiles(root: string, dir = root): Files {
  const files: Files = {};
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) Object.assign(files, listFiles(root, path));
    else files[relative(root, path)] = readFileSync(path, 'utf8');
  }
  return files;
}

/** Applies `diff` with GNU patch -p1 --fuzz=0 to `files` in a scratch directory. */
function withGnuPatch(files: Files, diff: string): Files {
  const dir = mkdtempSync(join(tmpdir(), 'patchtrail-gnu-'));
  try {
    for (const [path, content] of Object.entries(files)) {
      mkdirSync(dirname(join(dir, path)), { recursive: true });
      writeFileSync(join(dir, path), content);
    }
    const run = spawnSync('patch', ['-p1', '--fuzz=0', '--no-backup-if-mismatch', '-s'], {
      cwd: dir,
      input: diff,
      encoding: 'utf8',
    });
    if (run.status !== 0) throw new Error(`GNU patch failed: ${run.stdout}${run.stderr}`);
    return listFiles(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function withPatchtrail(files: Files, diff: string, reverse = false): Promise<Files> {
  const tree = makeMemoryTree(files);
  await applyDiff(tree, diff, { reverse });
  const out: Files = {};
  for (const [path, file] of tree.snapshot()) out[path] = new TextDecoder().decode(file.content);
  return out;
}

const MAKEFILE = 'CC=cc\nCFLAGS := -O\n\nall: x\n';
const RENAMED_HEADERS = `--- a/contrib/Makefile.orig\t2022-11-05 12:35:09.684809015 +0000
+++ b/contrib/Makefile\t2022-11-05 12:35:49.885262972 +0000
@@ -1,4 +1,4 @@
 CC=cc
-CFLAGS := -O
+CFLAGS += -O
 
 all: x
`;

const cases: { name: string; files: Files; diff: string }[] = [
  {
    name: 'old name is a backup that is not there: the new name is patched',
    files: { 'contrib/Makefile': MAKEFILE },
    diff: RENAMED_HEADERS,
  },
  {
    name: 'both names exist: the shorter basename is patched, the other is left alone',
    files: { 'contrib/Makefile': MAKEFILE, 'contrib/Makefile.orig': MAKEFILE },
    diff: RENAMED_HEADERS,
  },
  {
    name: 'only the old name exists: it is patched in place',
    files: { 'src/main.c': 'int a;\nint b;\n' },
    diff: '--- a/src/main.c\n+++ b/src/main-new.c\n@@ -1,2 +1,2 @@\n int a;\n-int b;\n+long b;\n',
  },
  {
    name: 'an epoch time on the old side creates the file',
    files: { 'keep.txt': 'k\n' },
    diff:
      '--- a/new.txt\t1970-01-01 00:00:00.000000000 +0000\n' +
      '+++ b/new.txt\t2024-03-01 10:00:00.000000000 +0100\n@@ -0,0 +1,2 @@\n+one\n+two\n',
  },
  {
    name: 'an epoch time on the new side, in another zone, deletes the file',
    files: { 'keep.txt': 'k\n', 'gone.txt': 'one\ntwo\n' },
    diff:
      '--- a/gone.txt\t2024-03-01 10:00:00.000000000 +0100\n' +
      '+++ b/gone.txt\t1970-01-01 01:00:00.000000000 +0100\n@@ -1,2 +0,0 @@\n-one\n-two\n',
  },
  {
    name: 'a lone -0,0 hunk on a missing file creates it',
    files: { 'keep.txt': 'k\n' },
    diff: '--- a/made.txt\n+++ b/made.txt\n@@ -0,0 +1,2 @@\n+one\n+two\n',
  },
  {
    name: 'a patch that empties a file leaves it empty',
    files: { 'e.txt': 'one\n' },
    diff: '--- a/e.txt\n+++ b/e.txt\n@@ -1 +0,0 @@\n-one\n',
  },
];

// GNU patch is required, not optional: .ci/run installs Debian's `patch` when it is missing.
describe('traditional file names, against GNU patch', () => {
  for (const c of cases) {
    it(c.name, async () => {
      const expected = withGnuPatch(c.files, c.diff);
      expect(await withPatchtrail(c.files, c.diff)).toEqual(expected);
      // Rollback restores the files exactly, presence included.
      expect(await withPatchtrail(expected, c.diff, true)).toEqual(c.files);
    });
  }
});
