/**
 * The browser tree's transaction directory, planted with the wrong kind of entry at each place
 * the protocol uses (these APIs have no symlinks or FIFOs: a file where a directory belongs,
 * a directory where a file belongs). Recovery, the look at a pending commit, a commit and a
 * whole apply refuse with UNSAFE_PATH and change nothing; the right kinds go through.
 */
import { describe, expect, it } from 'vitest';
import { applyDiff } from '../../src/core/index.ts';
import { encodeJournal } from '../../src/core/diff/journal.ts';
import type { TreeChange } from '../../src/core/diff/tree.ts';
import { makeDirectoryTree } from '../../src/storage/directory-tree.ts';
import { FakeDisk } from './fake-directory.ts';

const JOURNAL = new TextDecoder().decode(
  encodeJournal([{ action: 'write', path: 'stolen.txt', blob: '0', executable: false }]),
);
const DIFF = '--- a/README\n+++ b/README\n@@ -1 +1 @@\n-hello\n+hello, world\n';
const BASE = { README: 'hello\n' };

const wrong: [string, Record<string, string>][] = [
  ['a file at .patchtrail', { '.patchtrail': 'x' }],
  ['a file at .patchtrail/txn', { '.patchtrail/txn': 'x' }],
  ['a file at .patchtrail/txn/new', { '.patchtrail/txn/new': 'x' }],
  ['a directory at the journal', { '.patchtrail/txn/journal.json/x': 'x' }],
  [
    'a directory at a staged blob the journal names',
    { '.patchtrail/txn/journal.json': JOURNAL, '.patchtrail/txn/new/0/x': 'x' },
  ],
];

describe('the browser tree with the wrong kind of entry in its transaction directory', () => {
  it.each(wrong)('refuses %s with UNSAFE_PATH everywhere, changing nothing', async (_n, plant) => {
    const disk = new FakeDisk().seed({ ...BASE, ...plant });
    const before = disk.snapshot();
    const tree = makeDirectoryTree(disk.root());
    const write: TreeChange = {
      action: 'write',
      path: 'x',
      content: new Uint8Array(),
      executable: false,
    };
    for (const run of [
      () => tree.recover(),
      () => tree.pending(),
      () => tree.commit([write]),
      () => applyDiff(tree, DIFF),
      () => applyDiff(tree, DIFF, { dryRun: true }),
    ]) {
      await expect(run()).rejects.toMatchObject({
        code: 'UNSAFE_PATH',
        message: expect.stringContaining('.patchtrail'),
      });
    }
    expect(disk.snapshot()).toEqual(before);
    expect(disk.mutations).toBe(0);
  });

  it('goes through with the right kinds: a staged file the journal names is rolled forward', async () => {
    const disk = new FakeDisk().seed({
      ...BASE,
      '.patchtrail/txn/journal.json': JOURNAL,
      '.patchtrail/txn/new/0': 'staged\n',
    });
    const tree = makeDirectoryTree(disk.root());
    const dry = await applyDiff(tree, DIFF, { dryRun: true });
    expect(dry).toMatchObject({ status: 'dry-run', pendingRecovery: 'rolled-forward' });
    expect(disk.mutations).toBe(0);
    const applied = await applyDiff(tree, DIFF);
    expect(applied).toMatchObject({ status: 'applied', recovered: 'rolled-forward' });
    expect(applied.treeBefore).toBe(dry.treeBefore);
    expect(applied.treeAfter).toBe(dry.treeAfter);
    expect(disk.snapshot()).toEqual(
      new FakeDisk().seed({ README: 'hello, world\n', 'stolen.txt': 'staged\n' }).snapshot(),
    );
  });
});
