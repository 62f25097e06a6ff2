/**
 * Core's patch application over the browser directory tree (on the in-memory handle): the
 * same outcome and tree hashes as over core's memory tree, a clean round trip back through
 * the reversed diff, and nothing written when a hunk conflicts.
 */
import { describe, expect, it } from 'vitest';
import { applyDiff, makeMemoryTree } from '../../src/core/index.ts';
import { makeDirectoryTree } from '../../src/storage/directory-tree.ts';
import { FakeDisk } from './fake-directory.ts';

const BEFORE = {
  'old.txt': 'bye\n',
  'src/run.sh': 'echo\n',
  'f.txt': 'line 1\nline 2\nline 3\n',
  '.git/HEAD': 'ref: refs/heads/main\n',
};

// No mode changes: browser trees have no modes, so their tree hash matches only without them.
const DIFF = `diff --git a/new/dir/n.txt b/new/dir/n.txt
new file mode 100644
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
diff --git a/src/run.sh b/bin/run.sh
similarity index 100%
rename from src/run.sh
rename to bin/run.sh
diff --git a/f.txt b/f.txt
--- a/f.txt
+++ b/f.txt
@@ -1,3 +1,3 @@
 line 1
-line 2
+line two
 line 3
`;

const withoutGit = (files: Record<string, string>) =>
  Object.fromEntries(Object.entries(files).filter(([path]) => !path.startsWith('.git/')));

describe('applyDiff over the browser directory tree', () => {
  it('gives the same files and tree hashes as over the memory tree', async () => {
    const disk = new FakeDisk().seed(BEFORE);
    const result = await applyDiff(makeDirectoryTree(disk.root()), DIFF);
    const reference = await applyDiff(makeMemoryTree(withoutGit(BEFORE)), DIFF);

    expect(result.status).toBe('applied');
    expect(result.recovered).toBe('none');
    expect(result.treeBefore).toBe(reference.treeBefore);
    expect(result.treeAfter).toBe(reference.treeAfter);
    expect(disk.snapshot()).toEqual(
      new FakeDisk()
        .seed({
          'new/dir/n.txt': 'hello\n',
          'bin/run.sh': 'echo\n',
          'f.txt': 'line 1\nline two\nline 3\n',
          '.git/HEAD': 'ref: refs/heads/main\n',
        })
        .snapshot(),
    );
  });

  it('comes back to the original directory, emptied directories gone, through the reverse', async () => {
    const disk = new FakeDisk().seed(BEFORE);
    const tree = makeDirectoryTree(disk.root());
    const forward = await applyDiff(tree, DIFF);
    const back = await applyDiff(tree, DIFF, { reverse: true });
    expect(back.treeAfter).toBe(forward.treeBefore);
    expect(disk.snapshot()).toEqual(new FakeDisk().seed(BEFORE).snapshot());
  });

  it('writes nothing when a later file conflicts', async () => {
    const disk = new FakeDisk().seed(BEFORE);
    const conflicting = `${DIFF}--- a/missing-context.txt\n+++ b/missing-context.txt\n@@ -1 +1 @@\n-x\n+y\n`;
    await expect(applyDiff(makeDirectoryTree(disk.root()), conflicting)).rejects.toMatchObject({
      code: 'APPLY_CONFLICT',
    });
    expect(disk.snapshot()).toEqual(new FakeDisk().seed(BEFORE).snapshot());
    expect(disk.mutations).toBe(0);
  });
});
