/**
 * The tree hashes apply reports on a real directory with the stat cache, for a diff with every
 * kind of change: before is the cold hash of the target, after is the cold hash of the result
 * (and what a dry run predicts), and the reverse comes back to the start.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { makeNodeTree } from '../../src/cli/node-tree.ts';
import { applyDiff } from '../../src/core/index.ts';
import { hashDir, writeTree } from '../helpers/trees.ts';

const DIFF = `diff --git a/keep.txt b/keep.txt
--- a/keep.txt
+++ b/keep.txt
@@ -1 +1 @@
-old
+new
diff --git a/gone.txt b/gone.txt
deleted file mode 100644
--- a/gone.txt
+++ /dev/null
@@ -1 +0,0 @@
-bye
diff --git a/sub/born.txt b/sub/born.txt
new file mode 100755
--- /dev/null
+++ b/sub/born.txt
@@ -0,0 +1 @@
+hi
diff --git a/old-name.txt b/new-name.txt
similarity index 50%
rename from old-name.txt
rename to new-name.txt
--- a/old-name.txt
+++ b/new-name.txt
@@ -1,2 +1,2 @@
 same
-a
+b
`;

it('reports the cold tree hashes before and after, forward and back', async () => {
  const root = mkdtempSync(join(tmpdir(), 'pt-tree-hashes-'));
  const dir = join(root, 'target');
  writeTree(dir, {
    'keep.txt': 'old\n',
    'gone.txt': 'bye\n',
    'old-name.txt': 'same\na\n',
    'untouched/deep.txt': 'x\n',
  });
  const tree = () => makeNodeTree(dir, { statCache: join(root, 'cache') });
  const original = await hashDir(dir);
  const dry = await applyDiff(tree(), DIFF, { dryRun: true });
  const forward = await applyDiff(tree(), DIFF);
  expect(forward).toMatchObject({ status: 'applied', treeBefore: original });
  expect(forward.treeAfter).toBe(await hashDir(dir));
  expect(forward.treeAfter).toBe(dry.treeAfter);
  const back = await applyDiff(tree(), DIFF, { reverse: true });
  expect(back).toMatchObject({ treeBefore: forward.treeAfter, treeAfter: original });
  expect(await hashDir(dir)).toBe(original);
});
