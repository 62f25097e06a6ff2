/**
 * All or nothing across a crash: the fake disk dies at every mutating call a commit makes, in
 * turn; a fresh adapter over the rebooted disk then recovers, and the tree must be exactly
 * the old one (crash up to and including the journal write) or exactly the new one (after
 * it), with no transaction left. The same for crashes during recovery, for transient errors
 * (commit settles by itself), and for the `_failAfterStep` hook the e2e test uses.
 */
import { describe, expect, it } from 'vitest';
import type { TreeChange } from '../../src/core/diff/tree.ts';
import { makeDirectoryTree } from '../../src/storage/directory-tree.ts';
import { FakeDisk } from './fake-directory.ts';

const write = (path: string, content: string): TreeChange => ({
  action: 'write',
  path,
  content: new TextEncoder().encode(content),
  executable: false,
});
const del = (path: string): TreeChange => ({ action: 'delete', path });

interface Scenario {
  name: string;
  before: Record<string, string>;
  changes: TreeChange[];
  after: Record<string, string>;
}

const scenarios: Scenario[] = [
  {
    name: 'modify, create nested, delete emptying directories',
    before: {
      '.git/HEAD': 'ref',
      'README.md': 'old readme',
      'src/a.ts': 'a',
      'src/gone/only.ts': 'only',
      'docs/keep.md': 'keep',
    },
    changes: [
      write('README.md', 'new readme'),
      write('src/new/deep/b.ts', 'b'),
      del('src/gone/only.ts'),
      write('docs/added.md', 'added'),
    ],
    after: {
      '.git/HEAD': 'ref',
      'README.md': 'new readme',
      'src/a.ts': 'a',
      'src/new/deep/b.ts': 'b',
      'docs/keep.md': 'keep',
      'docs/added.md': 'added',
    },
  },
  {
    name: 'a file becomes a directory and a directory a file',
    before: { f: 'file f', 'd/x': 'x', 'd/sub/y': 'y', z: 'z' },
    changes: [
      write('f/inner', 'inner'),
      del('f'),
      del('d/x'),
      del('d/sub/y'),
      write('d', 'now a file'),
    ],
    after: { 'f/inner': 'inner', d: 'now a file', z: 'z' },
  },
];

const settle = (promise: Promise<unknown>) =>
  promise.then(
    () => 'resolved' as const,
    () => 'rejected' as const,
  );
const snapshotOf = (files: Record<string, string>) => new FakeDisk().seed(files).snapshot();
const stepCount = (changes: readonly TreeChange[]) =>
  changes.filter((c) => c.action === 'write').length + 1 + changes.length + 2;

/** Mutating calls of a commit that runs to the end, and the index of the journal write. */
async function measure(scenario: Scenario, withMove: boolean) {
  const clean = new FakeDisk(withMove).seed(scenario.before);
  await makeDirectoryTree(clean.root()).commit(scenario.changes);
  const writes = scenario.changes.filter((c) => c.action === 'write').length;
  const journaled = new FakeDisk(withMove).seed(scenario.before);
  const halted = makeDirectoryTree(journaled.root(), { _failAfterStep: writes + 1 });
  await expect(halted.commit(scenario.changes)).rejects.toThrow('simulated crash after step');
  return { total: clean.mutations, journal: journaled.mutations };
}

describe.each(scenarios)('crash at every mutating call: $name', (scenario) => {
  const old = snapshotOf(scenario.before);
  const next = snapshotOf(scenario.after);

  it.each([true, false])(
    'is all-old up to the journal write, all-new after (move: %s)',
    async (withMove) => {
      const { total, journal } = await measure(scenario, withMove);
      expect(journal).toBeGreaterThan(scenario.changes.filter((c) => c.action === 'write').length);
      for (let k = 1; k <= total; k++) {
        const disk = new FakeDisk(withMove).seed(scenario.before);
        disk.crashAt = k;
        const settled = await settle(makeDirectoryTree(disk.root()).commit(scenario.changes));
        // Only a crash while tidying up, after the journal's removal, leaves it resolved.
        if (settled === 'resolved') expect(k).toBeGreaterThan(journal);
        const outcome = await makeDirectoryTree(disk.reboot()).recover();
        expect(disk.snapshot(), `crash at mutation ${k} of ${total}, then ${outcome}`).toEqual(
          k <= journal ? old : next,
        );
        if (k <= journal) expect(outcome).not.toBe('rolled-forward');
        expect(await makeDirectoryTree(disk.root()).recover()).toBe('none');
      }
    },
  );

  it.each([true, false])(
    'finishes when recovery itself crashes at every call (move: %s)',
    async (withMove) => {
      const { total, journal } = await measure(scenario, withMove);
      for (let k = journal + 1; k <= total; k++) {
        for (let j = 1; ; j++) {
          const disk = new FakeDisk(withMove).seed(scenario.before);
          disk.crashAt = k;
          await settle(makeDirectoryTree(disk.root()).commit(scenario.changes));
          const start = disk.mutations;
          const root = disk.reboot();
          disk.crashAt = start + j;
          const recovered = (await settle(makeDirectoryTree(root).recover())) === 'resolved';
          await makeDirectoryTree(disk.reboot()).recover();
          expect(disk.snapshot(), `commit crash at ${k}, recovery crash at ${j}`).toEqual(next);
          if (recovered) break; // recovery got past its last call: every crash point was tried
        }
      }
    },
  );

  it.each([true, false])(
    'settles by itself after a transient error at any call (move: %s)',
    async (withMove) => {
      const { total, journal } = await measure(scenario, withMove);
      for (let k = 1; k <= total; k++) {
        const disk = new FakeDisk(withMove).seed(scenario.before);
        disk.failAt = k;
        const settled = await settle(makeDirectoryTree(disk.root()).commit(scenario.changes));
        const committed = settled === 'resolved';
        expect(committed, `transient failure at mutation ${k}`).toBe(k > journal);
        expect(disk.snapshot(), `transient failure at mutation ${k}`).toEqual(
          committed ? next : old,
        );
      }
    },
  );

  it('is all-old or all-new after _failAfterStep at every step', async () => {
    const steps = stepCount(scenario.changes);
    const writes = scenario.changes.filter((c) => c.action === 'write').length;
    for (let step = 1; step < steps; step++) {
      const disk = new FakeDisk().seed(scenario.before);
      const tree = makeDirectoryTree(disk.root(), { _failAfterStep: step });
      await expect(tree.commit(scenario.changes)).rejects.toThrow(
        `simulated crash after step ${step}`,
      );
      const outcome = await makeDirectoryTree(disk.reboot()).recover();
      expect(outcome).toBe(
        step <= writes ? 'discarded' : step < steps - 1 ? 'rolled-forward' : 'discarded',
      );
      expect(disk.snapshot(), `crash after step ${step}`).toEqual(step <= writes ? old : next);
    }
  });
});
