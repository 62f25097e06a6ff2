/**
 * A workspace's files in and out (src/app/workspace-files.ts, src/app/zip.ts) over the core's
 * in-memory tree: a folder copied in as one commit (its .git and .patchtrail left out, its paths
 * held to the diff's safety check, nothing written when any is refused), and a ZIP archive that
 * Info-ZIP's unzip reads back byte for byte, names in UTF-8 and modes included.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { makeMemoryTree } from '../../src/core/diff/memory-tree.ts';
import { isPatchtrailError } from '../../src/core/errors.ts';
import {
  fillTree,
  MAX_FILL_FILES,
  pickedFolder,
  zipOfTree,
  type PickedFile,
} from '../../src/app/workspace-files.ts';
import { crc32, zipStored } from '../../src/app/zip.ts';

const dir = mkdtempSync(join(tmpdir(), 'pt-zip-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Files as a folder input gives them: under the folder's own name. */
function picked(root: string, files: Record<string, string>): PickedFile[] {
  return Object.entries(files).map(([path, text]) => {
    const bytes = new TextEncoder().encode(text);
    return {
      webkitRelativePath: `${root}/${path}`,
      name: path.split('/').at(-1) ?? '',
      size: bytes.length,
      arrayBuffer: () => Promise.resolve(bytes.slice().buffer),
    };
  });
}

async function codeOf(work: Promise<unknown>): Promise<string> {
  try {
    await work;
    return 'none';
  } catch (error) {
    return isPatchtrailError(error) ? error.code : String(error);
  }
}

const text = async (tree: ReturnType<typeof makeMemoryTree>, path: string) =>
  new TextDecoder().decode(await tree.read(path));

describe('copying a folder into a workspace', () => {
  it('makes the tree a copy of the folder in one commit, leaving .git and .patchtrail out', async () => {
    const tree = makeMemoryTree({ 'old.txt': 'old\n', 'keep.txt': 'was\n' });
    const folder = pickedFolder(
      picked('project', {
        'keep.txt': 'now\n',
        'src/a.c': 'int a;\n',
        '.git/HEAD': 'ref\n',
        'sub/.GIT/config': 'x\n',
        '.patchtrail/journal.json': '{}',
      }),
    );
    expect(folder).toMatchObject({ name: 'project', skipped: 3, bytes: 11 });
    const seen: number[] = [];
    const report = await fillTree(tree, folder, (done) => seen.push(done));
    expect(report).toEqual({ written: 2, removed: 1 });
    expect((await tree.list()).map((e) => e.path).sort()).toEqual(['keep.txt', 'src/a.c']);
    expect(await text(tree, 'keep.txt')).toBe('now\n');
    expect(seen.at(-1)).toBe(11);
  });

  it('refuses, writing nothing, a path the safety check refuses, an empty folder and too many files', async () => {
    const before = { 'a.txt': 'a\n' };
    for (const [path, code] of [
      ['a/../../etc/passwd', 'UNSAFE_PATH'],
      ['nul\u0000name', 'UNSAFE_PATH'],
      ['line\nbreak', 'UNSAFE_PATH'],
      ['x'.repeat(300), 'UNSAFE_PATH'],
      // Control characters a terminal acts on when ls or git prints the name, and bidi controls.
      ['gr\u001b[31meeting.txt', 'UNSAFE_PATH'],
      ['bell\u0007', 'UNSAFE_PATH'],
      ['c1\u009b31m', 'UNSAFE_PATH'],
      ['del\u007f', 'UNSAFE_PATH'],
      ['txt.\u202eexe', 'UNSAFE_PATH'],
      ['d/\u2066x', 'UNSAFE_PATH'],
    ] as const) {
      const tree = makeMemoryTree(before);
      const folder = pickedFolder(picked('f', { 'ok.txt': 'fine\n', [path]: 'x' }));
      expect(await codeOf(fillTree(tree, folder)), path).toBe(code);
      expect((await tree.list()).map((e) => e.path)).toEqual(['a.txt']);
    }
    const tree = makeMemoryTree(before);
    expect(await codeOf(fillTree(tree, pickedFolder([])))).toBe('MALFORMED_INPUT');
    const many = pickedFolder(
      Array.from(
        { length: MAX_FILL_FILES + 1 },
        (_, i) => picked('f', { [`${i}`]: '' })[0] as PickedFile,
      ),
    );
    expect(await codeOf(fillTree(tree, many))).toBe('TOO_LARGE');
    const huge = { ...pickedFolder(picked('f', { big: '' })), bytes: 2 ** 40 };
    expect(await codeOf(fillTree(tree, huge))).toBe('TOO_LARGE');
    expect(await text(tree, 'a.txt')).toBe('a\n');
  });
});

describe('a workspace a crash left mid-commit', () => {
  it('is settled (the commit finished or discarded) before a copy or a download reads it', async () => {
    const tree = makeMemoryTree({ 'a.txt': 'a\n' });
    const calls: string[] = [];
    const watched = {
      ...tree,
      recover: () => (calls.push('recover'), tree.recover()),
      list: () => (calls.push('list'), tree.list()),
      commit: (changes: Parameters<typeof tree.commit>[0]) => (
        calls.push('commit'),
        tree.commit(changes)
      ),
    };
    await fillTree(watched, pickedFolder(picked('f', { 'b.txt': 'b\n' })));
    expect(calls).toEqual(['recover', 'list', 'commit']);
    calls.length = 0;
    await zipOfTree(watched);
    expect(calls).toEqual(['recover', 'list']);
  });
});

describe('a ZIP archive of a workspace', () => {
  it('computes CRC-32 as ISO 3309 defines it', () => {
    expect(crc32(new TextEncoder().encode('123456789'))).toBe(0xcbf43926);
    expect(crc32(new Uint8Array(0))).toBe(0);
  });

  it('is read back by unzip byte for byte: UTF-8 names, an empty file, binary bytes, modes', async () => {
    const bytes = Uint8Array.from({ length: 70_000 }, (_, i) => (i * 31) & 0xff);
    const tree = makeMemoryTree({
      'b/ünïcödé name.txt': 'héllo\n',
      'a/empty': '',
      'bin.dat': bytes,
      'run.sh': { content: new TextEncoder().encode('#!/bin/sh\n'), executable: true },
    });
    const zip = join(dir, 'w.zip');
    writeFileSync(zip, await zipOfTree(tree));
    const test = spawnSync('unzip', ['-t', zip], { encoding: 'utf8' });
    expect(test.status, test.stdout + test.stderr).toBe(0);
    const names = spawnSync('zipinfo', ['-1', zip], { encoding: 'utf8' }).stdout.trim().split('\n');
    expect(names).toEqual(['a/empty', 'b/ünïcödé name.txt', 'bin.dat', 'run.sh']);
    const out = join(dir, 'out');
    expect(spawnSync('unzip', ['-q', zip, '-d', out]).status).toBe(0);
    expect(readFileSync(join(out, 'b/ünïcödé name.txt'), 'utf8')).toBe('héllo\n');
    expect(readFileSync(join(out, 'a/empty')).length).toBe(0);
    expect([...readFileSync(join(out, 'bin.dat'))]).toEqual([...bytes]);
    expect(statSync(join(out, 'run.sh')).mode & 0o111).not.toBe(0);
    expect(statSync(join(out, 'bin.dat')).mode & 0o111).toBe(0);
  });

  it('refuses what would need ZIP64 instead of writing a broken archive', () => {
    const files = Array.from({ length: 65_536 }, (_, i) => ({
      path: `${i}`,
      bytes: new Uint8Array(0),
      executable: false,
    }));
    expect(() => zipStored(files)).toThrow(RangeError);
  });
});
