/**
 * The Node tree's commit journal, driven directly: a commit stopped after its commit point is
 * rolled forward; a journal torn before it (not JSON, or failing its checksum) is discarded;
 * journals written by earlier builds (version 1) are still replayed. The SIGKILL tests in
 * apply-crash.test.ts cover the same protocol through the CLI.
 */
import { createHash } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  realpathSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { makeNodeTree } from '../../src/cli/node-tree.ts';
import type { TreeChange } from '../../src/core/index.ts';
import { hashDir, writeTree } from '../helpers/trees.ts';

const encode = (text: string) => new TextEncoder().encode(text);
const CHANGES: TreeChange[] = [
  { action: 'write', path: 'a.txt', content: encode('new a\n'), executable: false },
  { action: 'write', path: 'sub/new.sh', content: encode('#!/bin/sh\n'), executable: true },
  { action: 'delete', path: 'old/gone.txt' },
];

let dir: string;
let hashOld: string;
let hashNew: string;
const journal = () => join(dir, '.patchtrail', 'txn', 'journal.json');

/** Runs a commit that stops at its first move, past the commit point; returns the journal. */
async function commitStoppedAtFirstMove(): Promise<string> {
  const tree = makeNodeTree(dir, {
    onStep: (_step, what) => {
      if (what.startsWith('move ')) throw new Error('stopped');
    },
  });
  await expect(tree.commit(CHANGES)).rejects.toThrow('stopped');
  return readFileSync(journal(), 'utf8');
}

beforeEach(async () => {
  const root = mkdtempSync(join(tmpdir(), 'pt-node-tree-'));
  dir = join(root, 'target');
  writeTree(dir, { 'a.txt': 'old a\n', 'old/gone.txt': 'bye\n', 'keep.txt': 'keep\n' });
  hashOld = await hashDir(dir);
  const expected = join(root, 'expected');
  writeTree(expected, { 'a.txt': 'old a\n', 'old/gone.txt': 'bye\n', 'keep.txt': 'keep\n' });
  await makeNodeTree(expected).commit(CHANGES);
  hashNew = await hashDir(expected);
});

describe('the Node tree commit journal', () => {
  it('commits all changes and leaves no .patchtrail behind', async () => {
    await makeNodeTree(dir).commit(CHANGES);
    expect(await hashDir(dir)).toBe(hashNew);
    expect(existsSync(join(dir, '.patchtrail'))).toBe(false);
    expect(existsSync(join(dir, 'old'))).toBe(false);
  });

  it('commits the same way without fsync (durable: false)', async () => {
    await makeNodeTree(dir, { durable: false }).commit(CHANGES);
    expect(await hashDir(dir)).toBe(hashNew);
    expect(existsSync(join(dir, '.patchtrail'))).toBe(false);
  });

  it('makes every directory the commit changed durable before it removes the journal', async () => {
    const rounds: { paths: string[]; journal: boolean }[] = [];
    const changes: TreeChange[] = [
      ...CHANGES,
      { action: 'write', path: 'deep/new/dir/x.txt', content: encode('x\n'), executable: false },
    ];
    await makeNodeTree(dir, {
      sync: async (paths) =>
        void rounds.push({ paths: [...paths], journal: existsSync(journal()) }),
    }).commit(changes);
    // Round one is the commit point (blobs, journal, txn dirs); round two the target's dirs.
    expect(rounds).toHaveLength(2);
    const [, after] = rounds as [unknown, { paths: string[]; journal: boolean }];
    expect(after.journal).toBe(true);
    const root = realpathSync(dir);
    expect(after.paths.map((p) => relative(root, p)).sort()).toEqual(
      ['', 'deep', 'deep/new', 'deep/new/dir', 'sub'].sort(),
    );
    // 'old' was pruned: its removal is recorded in the root, which is in the round.
    expect(existsSync(join(dir, 'old'))).toBe(false);
    expect(existsSync(journal())).toBe(false);
  });

  it('a recovery makes durable the directories of the whole journal, moves made before included', async () => {
    await commitStoppedAtFirstMove();
    const rounds: string[][] = [];
    const tree = makeNodeTree(dir, { sync: async (paths) => void rounds.push([...paths]) });
    expect(await tree.recover()).toBe('rolled-forward');
    const root = realpathSync(dir);
    expect(rounds.map((r) => r.map((p) => relative(root, p)).sort())).toEqual([['', 'sub']]);
    expect(await hashDir(dir)).toBe(hashNew);
  });

  it('rolls forward a commit stopped after its journal was written', async () => {
    await commitStoppedAtFirstMove();
    expect(await makeNodeTree(dir).recover()).toBe('rolled-forward');
    expect(await hashDir(dir)).toBe(hashNew);
    expect(existsSync(join(dir, '.patchtrail'))).toBe(false);
  });

  it('discards a torn journal (cut short), leaving the target all-old', async () => {
    const text = await commitStoppedAtFirstMove();
    // Undo the (already applied) deletions so the target is exactly the old tree again.
    writeTree(dir, { 'old/gone.txt': 'bye\n' });
    writeFileSync(journal(), text.slice(0, text.length - 10));
    expect(await makeNodeTree(dir).recover()).toBe('discarded');
    expect(await hashDir(dir)).toBe(hashOld);
    expect(existsSync(join(dir, '.patchtrail', 'txn'))).toBe(false);
  });

  it('discards a journal whose ops do not match its checksum', async () => {
    const text = await commitStoppedAtFirstMove();
    writeTree(dir, { 'old/gone.txt': 'bye\n' });
    writeFileSync(journal(), text.replace('"a.txt"', '"keep.txt"'));
    expect(await makeNodeTree(dir).recover()).toBe('discarded');
    expect(await hashDir(dir)).toBe(hashOld);
  });

  it('discards a commit whose staged blob is torn (fails its checksum) before any op ran', async () => {
    // Blobs and journal reach the disk in one flush: a crash during it can tear a blob.
    await commitStoppedAtFirstMove();
    writeTree(dir, { 'old/gone.txt': 'bye\n' }); // as before the (already run) delete
    writeFileSync(join(dir, '.patchtrail', 'txn', 'new', '0'), 'new'); // cut short
    expect(await makeNodeTree(dir).pending()).toEqual({ outcome: 'discarded' });
    expect(await makeNodeTree(dir).recover()).toBe('discarded');
    expect(await hashDir(dir)).toBe(hashOld);
    expect(existsSync(join(dir, '.patchtrail'))).toBe(false);
  });

  it('refuses a changed staged blob once replay began, and leaves the journal', async () => {
    await commitStoppedAtFirstMove(); // the delete ran
    writeFileSync(join(dir, '.patchtrail', 'txn', 'new', '0'), 'planted\n');
    await expect(makeNodeTree(dir).recover()).rejects.toMatchObject({ code: 'MALFORMED_INPUT' });
    expect(existsSync(journal())).toBe(true);
    expect(readFileSync(join(dir, 'a.txt'), 'utf8')).toBe('old a\n');
  });

  it('rolls forward a version 1 journal (no checksum) left by an earlier build', async () => {
    const { ops } = JSON.parse(await commitStoppedAtFirstMove()) as { ops: object[] };
    // An earlier build's ops named no blob checksums.
    const v1 = ops.map((op) => ({ ...op, sha256: undefined }));
    writeFileSync(journal(), JSON.stringify({ version: 1, ops: v1 }));
    expect(await makeNodeTree(dir).recover()).toBe('rolled-forward');
    expect(await hashDir(dir)).toBe(hashNew);
  });

  it('refuses to guess about a journal version it does not know', async () => {
    const { ops } = JSON.parse(await commitStoppedAtFirstMove()) as { ops: unknown };
    writeFileSync(journal(), JSON.stringify({ version: 99, ops }));
    await expect(makeNodeTree(dir).recover()).rejects.toMatchObject({
      code: 'MALFORMED_INPUT',
      message: expect.stringContaining('version 99 is not one this build replays'),
    });
    expect(existsSync(journal())).toBe(true);
  });

  it('refuses a planted journal whose ops reach outside, and changes nothing', async () => {
    const outside = join(dir, '..', 'secret.txt');
    writeFileSync(outside, 'not yours\n');
    const plant = async (ops: unknown[]) => {
      writeTree(dir, { '.patchtrail/txn/new/0': 'x\n' });
      const sha256 = createHash('sha256').update(JSON.stringify(ops)).digest('hex');
      writeFileSync(journal(), JSON.stringify({ version: 2, ops, sha256 }));
      await expect(makeNodeTree(dir).recover()).rejects.toMatchObject({ code: expect.any(String) });
      expect(existsSync(journal())).toBe(true);
    };
    const before = await hashDir(dir);
    await plant([{ action: 'write', path: 'stolen.txt', blob: '../../../secret.txt' }]);
    await plant([{ action: 'write', path: '../escape.txt', blob: '0' }]);
    await plant([{ action: 'write', path: '.git/hooks/post-checkout', blob: '0' }]);
    await plant([
      { action: 'delete', path: 'a.txt' },
      { action: 'delete', path: 'a.txt' },
    ]);
    await plant([{ action: 'chmod', path: 'a.txt' }]);
    expect(await hashDir(dir)).toBe(before);
    expect(readFileSync(outside, 'utf8')).toBe('not yours\n');
  });
});

describe('the Node tree refuses what it could not finish, before staging anything', () => {
  const text = (value: string) => new TextEncoder().encode(value);
  const write = (path: string): TreeChange => ({
    action: 'write',
    path,
    content: text(`${path}\n`),
    executable: false,
  });

  it.each<[string, TreeChange[]]>([
    ['a file and a file inside it', [write('keep.txt'), write('n'), write('n/m')]],
    ['a file where a directory stays', [write('keep.txt'), write('old')]],
    ['a file under a file', [write('keep.txt/x')]],
  ])('%s: APPLY_CONFLICT, target untouched, no .patchtrail', async (_name, changes) => {
    await expect(makeNodeTree(dir).commit(changes)).rejects.toMatchObject({
      code: 'APPLY_CONFLICT',
    });
    expect(await hashDir(dir)).toBe(hashOld);
    expect(existsSync(join(dir, '.patchtrail'))).toBe(false);
  });

  it('refuses to replay a journal that cannot finish (an earlier build wrote a, then a/b), changing nothing', async () => {
    // What the old applier left behind: the journal written, its first write done, the second
    // impossible. Every later apply ran into it and crashed; now it is a coded refusal.
    writeTree(dir, {
      'a/b': 'moved before the crash\n',
      '.patchtrail/txn/new/1': 'b\n',
    });
    const ops = [
      { action: 'write', path: 'a/b', blob: '0', executable: false },
      { action: 'write', path: 'a/b/c', blob: '1', executable: false },
    ];
    const sha256 = createHash('sha256').update(JSON.stringify(ops)).digest('hex');
    writeFileSync(journal(), JSON.stringify({ version: 2, ops, sha256 }));
    const before = await hashDir(dir);
    await expect(makeNodeTree(dir).recover()).rejects.toMatchObject({
      code: 'APPLY_CONFLICT',
      message: expect.stringContaining('cannot be finished'),
    });
    expect(await hashDir(dir)).toBe(before);
    expect(existsSync(journal())).toBe(true);
  });

  it('removes an empty .patchtrail left by a kill, and reports nothing to recover', async () => {
    mkdirSync(join(dir, '.patchtrail', 'txn'), { recursive: true });
    expect(await makeNodeTree(dir).recover()).toBe('discarded');
    expect(existsSync(join(dir, '.patchtrail'))).toBe(false);
    mkdirSync(join(dir, '.patchtrail'));
    expect(await makeNodeTree(dir).recover()).toBe('none');
    expect(existsSync(join(dir, '.patchtrail'))).toBe(false);
  });

  it('says what recovery would do without doing it (pending)', async () => {
    await commitStoppedAtFirstMove();
    const before = await hashDir(dir);
    const pending = await makeNodeTree(dir).pending();
    expect(pending.outcome).toBe('rolled-forward');
    expect(pending.outcome === 'rolled-forward' && pending.changes.map((c) => c.path)).toEqual([
      'old/gone.txt',
      'a.txt',
      'sub/new.sh',
    ]);
    expect(await hashDir(dir)).toBe(before);
    expect(existsSync(journal())).toBe(true);
  });
});
