/**
 * The browser directory tree over an in-memory FileSystemDirectoryHandle: listing, reading,
 * path refusals, commits (nested creates, emptied directories, kind swaps), the checks that
 * refuse a commit before it touches anything, and recovery outcomes.
 */
import { describe, expect, it } from 'vitest';
import type { TreeChange } from '../../src/core/diff/tree.ts';
import { makeDirectoryTree } from '../../src/storage/directory-tree.ts';
import { FakeDisk } from './fake-directory.ts';

const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);
const write = (path: string, content: string): TreeChange => ({
  action: 'write',
  path,
  content: new TextEncoder().encode(content),
  executable: false,
});
const del = (path: string): TreeChange => ({ action: 'delete', path });
const files = (record: Record<string, string>) => new FakeDisk().seed(record).snapshot();

describe('makeDirectoryTree: reading', () => {
  const disk = new FakeDisk().seed({
    'b.txt': 'b',
    'a/z.txt': 'z',
    'a/deep/y.txt': 'y',
    '.git/HEAD': 'ref: refs/heads/main',
    '.patchtrail/config.json': '{}',
    '.github/ci.yml': 'on: push',
  });
  const tree = makeDirectoryTree(disk.root());

  it('lists every file, sorted, outside .git and .patchtrail, without modes', async () => {
    expect(await tree.list()).toEqual([
      { path: '.github/ci.yml', kind: 'file', executable: false },
      { path: 'a/deep/y.txt', kind: 'file', executable: false },
      { path: 'a/z.txt', kind: 'file', executable: false },
      { path: 'b.txt', kind: 'file', executable: false },
    ]);
  });

  it('stats files and directories, and undefined for what is absent', async () => {
    expect(await tree.stat('a/z.txt')).toEqual({
      path: 'a/z.txt',
      kind: 'file',
      executable: false,
    });
    expect(await tree.stat('a/deep')).toEqual({ path: 'a/deep', kind: 'dir', executable: false });
    expect(await tree.stat('a/missing')).toBeUndefined();
    expect(await tree.stat('b.txt/under-a-file')).toBeUndefined();
  });

  it('reads a file, and throws for a missing one or a directory', async () => {
    expect(text(await tree.read('a/deep/y.txt'))).toBe('y');
    await expect(tree.read('a/nope.txt')).rejects.toThrow('no file at "a/nope.txt"');
    await expect(tree.read('a/deep')).rejects.toThrow('no file at "a/deep"');
  });

  it.each([
    '',
    '/abs',
    'a//b',
    'a/./b',
    'a/../b',
    '..',
    'a/',
    '.git/HEAD',
    '.patchtrail/x',
    '.GIT/config',
  ])('refuses the path %j with UNSAFE_PATH in stat, read and commit', async (path) => {
    await expect(tree.stat(path)).rejects.toMatchObject({ code: 'UNSAFE_PATH' });
    await expect(tree.read(path)).rejects.toMatchObject({ code: 'UNSAFE_PATH' });
    await expect(tree.commit([write(path, 'x')])).rejects.toMatchObject({ code: 'UNSAFE_PATH' });
    await expect(tree.commit([del(path)])).rejects.toMatchObject({ code: 'UNSAFE_PATH' });
  });
});

describe('makeDirectoryTree: commit', () => {
  it.each([true, false])(
    'modifies, creates in new nested directories and deletes, removing emptied ones (move: %s)',
    async (withMove) => {
      const disk = new FakeDisk(withMove).seed({
        'README.md': 'old',
        'src/gone/deeper/only.ts': 'only',
        'src/keep.ts': 'keep',
        '.git/HEAD': 'ref',
      });
      const tree = makeDirectoryTree(disk.root());
      await tree.commit([
        write('README.md', 'new'),
        write('lib/new/deep/c.ts', 'c'),
        del('src/gone/deeper/only.ts'),
      ]);
      expect(disk.snapshot()).toEqual(
        files({
          'README.md': 'new',
          'lib/new/deep/c.ts': 'c',
          'src/keep.ts': 'keep',
          '.git/HEAD': 'ref',
        }),
      );
      expect(await tree.recover()).toBe('none');
    },
  );

  it('never removes the root, even when the last file goes', async () => {
    const disk = new FakeDisk().seed({ 'only/file': 'x' });
    await makeDirectoryTree(disk.root()).commit([del('only/file')]);
    expect(disk.snapshot()).toEqual({});
  });

  it('keeps .patchtrail when it holds more than the transaction', async () => {
    const disk = new FakeDisk().seed({ '.patchtrail/config.json': '{}', a: 'a' });
    await makeDirectoryTree(disk.root()).commit([write('a', 'b')]);
    expect(disk.snapshot()).toEqual(files({ '.patchtrail/config.json': '{}', a: 'b' }));
  });

  it('replaces a file by a directory and a directory by a file in one commit', async () => {
    const disk = new FakeDisk().seed({ f: 'file', 'd/x': 'x', 'd/sub/y': 'y', z: 'z' });
    await makeDirectoryTree(disk.root()).commit([
      write('f/inner', 'inner'),
      del('f'),
      write('d', 'now a file'),
      del('d/x'),
      del('d/sub/y'),
    ]);
    expect(disk.snapshot()).toEqual(files({ 'f/inner': 'inner', d: 'now a file', z: 'z' }));
  });

  it('an empty commit changes nothing', async () => {
    const disk = new FakeDisk().seed({ a: 'a' });
    await makeDirectoryTree(disk.root()).commit([]);
    expect(disk.snapshot()).toEqual(files({ a: 'a' }));
  });

  it('runs concurrent commits of one tree one after the other', async () => {
    const disk = new FakeDisk().seed({ a: '0' });
    const tree = makeDirectoryTree(disk.root());
    await Promise.all([
      tree.commit([write('a', '1'), write('b', '1')]),
      tree.commit([write('a', '2')]),
    ]);
    expect(disk.snapshot()).toEqual(files({ a: '2', b: '1' }));
  });
});

describe('makeDirectoryTree: commits refused before anything is touched', () => {
  const seed = { 'a/file': 'f', 'dir/x': 'x', 'dir/y': 'y' };
  const refusals: [string, TreeChange[], string][] = [
    [
      'deleting a missing file',
      [del('nope')],
      'cannot delete nope: expected a file, found nothing',
    ],
    ['deleting a directory', [del('dir')], 'cannot delete dir: expected a file, found a directory'],
    ['writing under a file', [write('a/file/x', '1')], 'cannot write a/file/x: a/file is a file'],
    [
      'writing a file and inside it',
      [write('n', '1'), write('n/m', '2')],
      'cannot write both n and n/m',
    ],
    [
      'writing over a directory that stays',
      [write('dir', '1'), del('dir/x')],
      'cannot write dir: it is a directory that stays non-empty',
    ],
  ];

  it.each(refusals)('refuses %s with APPLY_CONFLICT', async (_name, changes, message) => {
    const disk = new FakeDisk().seed(seed);
    const before = disk.snapshot();
    const commit = makeDirectoryTree(disk.root()).commit(changes);
    await expect(commit).rejects.toMatchObject({ code: 'APPLY_CONFLICT' });
    await expect(commit).rejects.toThrow(message);
    expect(disk.snapshot()).toEqual(before);
    expect(disk.mutations).toBe(0);
  });

  it('refuses two changes to one path as a bad argument', async () => {
    const disk = new FakeDisk().seed(seed);
    await expect(
      makeDirectoryTree(disk.root()).commit([write('q', '1'), del('q')]),
    ).rejects.toThrow(TypeError);
  });
});

describe('makeDirectoryTree: recover', () => {
  it('reports none for a tree without a transaction', async () => {
    expect(await makeDirectoryTree(new FakeDisk().seed({ a: 'a' }).root()).recover()).toBe('none');
  });

  it('discards staging that has no journal, touching nothing else', async () => {
    const disk = new FakeDisk().seed({ a: 'a', '.patchtrail/txn/new/0': 'staged' });
    expect(await makeDirectoryTree(disk.root()).recover()).toBe('discarded');
    expect(disk.snapshot()).toEqual(files({ a: 'a' }));
  });

  it('rolls a written journal forward', async () => {
    const journal = {
      format: 'patchtrail-txn',
      version: 1,
      ops: [
        { action: 'delete', path: 'a' },
        { action: 'write', path: 'n/b', blob: '0' },
      ],
    };
    const disk = new FakeDisk().seed({
      a: 'a',
      '.patchtrail/txn/new/0': 'b',
      '.patchtrail/txn/journal.json': JSON.stringify(journal),
    });
    expect(await makeDirectoryTree(disk.root()).recover()).toBe('rolled-forward');
    expect(disk.snapshot()).toEqual(files({ 'n/b': 'b' }));
  });

  it('does not re-run ops that a finished write proves done (case-only rename on a case-insensitive disk)', async () => {
    // On such a disk "a.txt" and "A.txt" are one file: after the write, re-running the delete
    // would remove the new content. A blob that is gone proves its write and all before it ran.
    const journal = {
      format: 'patchtrail-txn',
      version: 1,
      ops: [
        { action: 'delete', path: 'a.txt' },
        { action: 'write', path: 'A.txt', blob: '0' },
        { action: 'write', path: 'b.txt', blob: '1' },
      ],
    };
    const disk = new FakeDisk().seed({
      'a.txt': 'renamed, as the case-insensitive disk shows it',
      '.patchtrail/txn/new/1': 'b',
      '.patchtrail/txn/journal.json': JSON.stringify(journal),
    });
    expect(await makeDirectoryTree(disk.root()).recover()).toBe('rolled-forward');
    expect(disk.snapshot()).toEqual(
      files({ 'a.txt': 'renamed, as the case-insensitive disk shows it', 'b.txt': 'b' }),
    );
  });

  it('discards a journal that is not JSON (cut short before its commit point)', async () => {
    const disk = new FakeDisk().seed({
      x: 'x',
      '.patchtrail/txn/new/0': 'staged',
      '.patchtrail/txn/journal.json': '{"format":"patchtrail-txn","vers',
    });
    expect(await makeDirectoryTree(disk.root()).recover()).toBe('discarded');
    expect(disk.snapshot()).toEqual(files({ x: 'x' }));
  });

  it.each([
    ['a journal of another format', '{"format":"x","version":1,"ops":[]}'],
    [
      'an op with an unsafe path',
      '{"format":"patchtrail-txn","version":1,"ops":[{"action":"delete","path":"../x"}]}',
    ],
    [
      'an unknown action',
      '{"format":"patchtrail-txn","version":1,"ops":[{"action":"chmod","path":"x"}]}',
    ],
  ])('refuses %s without touching the tree', async (_name, journal) => {
    const disk = new FakeDisk().seed({ x: 'x', '.patchtrail/txn/journal.json': journal });
    const before = disk.snapshot();
    await expect(makeDirectoryTree(disk.root()).recover()).rejects.toMatchObject({
      code: expect.stringMatching(/^(MALFORMED_INPUT|UNSAFE_PATH)$/),
    });
    expect(disk.snapshot()).toEqual(before);
  });

  it('finishes a pending journal before a new commit, then refuses the commit', async () => {
    const journal = {
      format: 'patchtrail-txn',
      version: 1,
      ops: [{ action: 'write', path: 'a', blob: '0' }],
    };
    const disk = new FakeDisk().seed({
      a: 'old',
      '.patchtrail/txn/new/0': 'journaled',
      '.patchtrail/txn/journal.json': JSON.stringify(journal),
    });
    await expect(makeDirectoryTree(disk.root()).commit([write('b', 'b')])).rejects.toThrow(
      'an interrupted commit was pending and has just been finished',
    );
    expect(disk.snapshot()).toEqual(files({ a: 'journaled' }));
  });

  it('discards stale staging before a new commit and commits', async () => {
    const disk = new FakeDisk().seed({ a: 'old', '.patchtrail/txn/new/0': 'stale' });
    await makeDirectoryTree(disk.root()).commit([write('a', 'new')]);
    expect(disk.snapshot()).toEqual(files({ a: 'new' }));
  });
});
