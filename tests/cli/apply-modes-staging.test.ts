/**
 * Staging never shows a private file's bytes to others: each staged file is created readable by
 * its creator only, and given its final mode (and owner) only after its bytes are written. The
 * filesystem calls are recorded, since the moment between them cannot be observed from outside.
 */
import * as fs from 'node:fs';
import { chmodSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { makeNodeTree } from '../../src/cli/node-tree.ts';
import { applyDiff } from '../../src/core/index.ts';
import { writeTree } from '../helpers/trees.ts';

type Call = { call: string; fd: number; mode?: number };
const calls: Call[] = [];
const staged = new Set<number>();

vi.mock('node:fs', async (importOriginal) => {
  const real = await importOriginal<typeof fs>();
  const openSync = (path: fs.PathLike, flags?: fs.OpenMode, mode?: fs.Mode) => {
    const fd = real.openSync(path, flags ?? 'r', mode);
    const creates = typeof flags === 'number' && (flags & real.constants.O_CREAT) !== 0;
    if (creates && String(path).includes('/.patchtrail/txn/new/')) {
      staged.add(fd);
      calls.push({ call: 'open', fd, mode: Number(mode) });
    }
    return fd;
  };
  const writeSync = (fd: number, ...rest: unknown[]) => {
    if (staged.has(fd)) calls.push({ call: 'write', fd });
    return (real.writeSync as (fd: number, ...rest: unknown[]) => number)(fd, ...rest);
  };
  const fchmodSync = (fd: number, mode: fs.Mode) => {
    if (staged.has(fd)) calls.push({ call: 'chmod', fd, mode: Number(mode) });
    real.fchmodSync(fd, mode);
  };
  const closeSync = (fd: number) => {
    if (staged.delete(fd)) calls.push({ call: 'close', fd });
    real.closeSync(fd);
  };
  const mocked = { ...real, openSync, writeSync, fchmodSync, closeSync };
  return { ...mocked, default: mocked };
});

describe('staging a file that keeps a private mode', () => {
  it('creates it readable by its creator only, and gives it its mode after the bytes', async () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'pt-apply-staging-')), 'target');
    writeTree(dir, { 'secret.txt': 'token=1\n', 'shared.txt': 'a=1\n' });
    chmodSync(join(dir, 'secret.txt'), 0o600);
    chmodSync(join(dir, 'shared.txt'), 0o644);
    const diff = ['secret.txt', 'shared.txt']
      .map(
        (p) =>
          `--- a/${p}\n+++ b/${p}\n@@ -1 +1 @@\n-${p === 'secret.txt' ? 'token' : 'a'}=1\n+x\n`,
      )
      .join('');
    await applyDiff(makeNodeTree(dir), diff);
    const opens = calls.filter((c) => c.call === 'open');
    expect(opens).toHaveLength(2);
    for (const open of opens) {
      expect((open.mode ?? 0) & 0o077).toBe(0);
      const from = calls.indexOf(open);
      const end = calls.findIndex((c, i) => i > from && c.fd === open.fd && c.call === 'close');
      const mine = calls.slice(from + 1, end).filter((c) => c.fd === open.fd);
      expect(mine.map((c) => c.call).at(-1)).toBe('chmod'); // after every write
      expect(mine.some((c) => c.call === 'write')).toBe(true);
    }
    const modes = calls.filter((c) => c.call === 'chmod').map((c) => (c.mode ?? 0).toString(8));
    expect(modes.sort()).toEqual(['600', '644']);
    expect(fs.statSync(join(dir, 'secret.txt')).mode & 0o777).toBe(0o600);
  });
});
