/**
 * The Node tree's stat cache: a warm tree hash reads only what changed, and nothing about the
 * cache — stale, racy, corrupt, torn, hostile, foreign, or simply gone — ever changes the
 * hash: the cached hash always equals a cold one computed by reading every file.
 */
import {
  chmodSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  renameSync,
  rmSync,
  symlinkSync,
  unlinkSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import fc from 'fast-check';
import { beforeEach, describe, expect, it } from 'vitest';
import { decodeCache, recordAt } from '../../src/cli/cache-file.ts';
import { hashFile, listFiles } from '../../src/cli/node-files.ts';
import { makeNodeTree } from '../../src/cli/node-tree.ts';
import { cacheFileFor, settled, vouches, worthRewriting } from '../../src/cli/stat-cache.ts';
import { cachedTreeText } from '../../src/cli/stat-pass.ts';
import { statRecord, type FileStat } from '../../src/cli/stat-record.ts';
import { treeHash } from '../../src/core/index.ts';
import { writeTree } from '../helpers/trees.ts';
import { cacheOf, resealCache, settle, sha256Hex } from '../helpers/stat-cache.ts';

let root: string;
let dir: string;
let cache: string;
const coldHash = () => treeHash(makeNodeTree(dir));
const cachedHash = () => treeHash(makeNodeTree(dir, { statCache: cache }));
const cacheFile = () => cacheFileFor(cache, dir);

/** One cached pass over a target, as the Node tree runs it; says which files it read. */
function pass(target = dir): { hash: string; read: string[] } {
  const listing = listFiles(target, () => undefined);
  const read: string[] = [];
  const text = cachedTreeText(cacheFileFor(cache, target), target, listing, (path) => {
    read.push(path);
    return hashFile(join(target, path), path);
  });
  return { hash: `sha256:${text.hash}`, read: read.sort() };
}

const FILES = { 'a.txt': 'aaaa\n', 'b.txt': 'bbbb\n', 'sub/c.sh': '#!/bin/sh\n' };

beforeEach(async () => {
  root = mkdtempSync(join(tmpdir(), 'pt-stat-cache-'));
  dir = join(root, 'target');
  cache = join(root, 'cache');
  writeTree(dir, FILES);
  await settle(root);
});

describe('the stat cache', () => {
  it('reads every file once, then only the files whose stat changed', async () => {
    expect(pass().read).toEqual(['a.txt', 'b.txt', 'sub/c.sh']);
    expect(pass().read).toEqual([]);
    writeFileSync(join(dir, 'b.txt'), 'changed\n');
    await settle(root);
    expect(pass().read).toEqual(['b.txt']);
  });

  it('rewrites the cache only once its stale entries reach the square root of the files', async () => {
    pass();
    const written = () => lstatSync(cacheFile(), { bigint: true }).ino;
    const first = written();
    writeFileSync(join(dir, 'b.txt'), 'changed\n');
    await settle(root);
    // One stale entry of three (below the square root, 1.7): read again, cache left alone.
    expect(pass().read).toEqual(['b.txt']);
    expect(pass().read).toEqual(['b.txt']);
    expect(written()).toBe(first);
    writeFileSync(join(dir, 'a.txt'), 'changed too\n');
    await settle(root);
    expect(pass().read).toEqual(['a.txt', 'b.txt']); // two: rewritten
    expect(written()).not.toBe(first);
    expect(pass().read).toEqual([]);
    expect(worthRewriting(0, 0)).toBe(false);
    expect([59, 60].map((stale) => worthRewriting(stale, 3559))).toEqual([false, true]);
  });

  it('keeps no cache inside the target', async () => {
    await cachedHash();
    expect(
      listFiles(dir, () => undefined)
        .entries.map((e) => e.path)
        .sort(),
    ).toEqual(Object.keys(FILES).sort());
    expect(lstatSync(cacheFile()).isFile()).toBe(true);
  });

  it('re-hashes a file rewritten in place with the same size and mtime (same-second edit)', async () => {
    const file = join(dir, 'a.txt');
    const second = 1_700_000_000; // whole seconds: set and read back exactly
    utimesSync(file, second, second);
    await settle(root);
    const stale = await cachedHash();
    expect(pass().read).toEqual([]);
    writeFileSync(file, 'AAAA\n');
    utimesSync(file, second, second);
    expect(lstatSync(file, { bigint: true }).mtimeNs).toBe(BigInt(second) * 1_000_000_000n);
    expect(pass().read).toEqual(['a.txt']);
    expect(await cachedHash()).toBe(await coldHash());
    expect(await cachedHash()).not.toBe(stale);
  });

  it('follows a file swapped for a symlink, or for another file renamed over it', async () => {
    await cachedHash();
    unlinkSync(join(dir, 'a.txt'));
    symlinkSync('b.txt', join(dir, 'a.txt'));
    expect(await cachedHash()).toBe(await coldHash());
    writeFileSync(join(root, 'twin'), 'BBBB\n');
    renameSync(join(root, 'twin'), join(dir, 'b.txt'));
    expect(await cachedHash()).toBe(await coldHash());
  });

  it('follows a change of the executable bit alone', async () => {
    await cachedHash();
    chmodSync(join(dir, 'a.txt'), 0o755);
    expect(await cachedHash()).toBe(await coldHash());
  });

  it('drops entries for deleted files when rewriting, and a file recreated in their place is read', async () => {
    pass();
    rmSync(join(dir, 'sub'), { recursive: true });
    unlinkSync(join(dir, 'b.txt')); // two of three gone: enough to rewrite
    expect(await cachedHash()).toBe(await coldHash());
    expect(pass().read).toEqual([]);
    const kept = decodeCache(readFileSync(cacheFile()), { target: sha256Hex(dir) });
    expect(kept?.paths).toEqual(['a.txt']);
    writeTree(dir, { 'sub/c.sh': 'something else\n' });
    await settle(root);
    expect(pass().read).toEqual(['sub/c.sh']);
    expect(await cachedHash()).toBe(await coldHash());
  });

  it('reads every file again when the cache is corrupt, torn, empty or not a file', async () => {
    pass();
    const good = readFileSync(cacheFile());
    const flipped = Buffer.from(good);
    flipped[flipped.length - 3] = (flipped[flipped.length - 3] ?? 0) ^ 0x20;
    for (const bad of [flipped, good.subarray(0, good.length - 7), Buffer.alloc(0)]) {
      writeFileSync(cacheFile(), bad);
      expect(pass().read).toHaveLength(3);
    }
    rmSync(cacheFile());
    writeFileSync(join(root, 'elsewhere'), good);
    symlinkSync(join(root, 'elsewhere'), cacheFile());
    expect(pass().read).toHaveLength(3);
    expect(await cachedHash()).toBe(await coldHash());
  });

  it('reads every file again when the cache is writable by others', async () => {
    pass();
    chmodSync(cacheFile(), 0o666);
    expect(pass().read).toHaveLength(3);
  });

  it('does not use a cache written for another target or in another boot', async () => {
    pass();
    const good = readFileSync(cacheFile());
    // The same files reached through a symlink: another target name, so another cache.
    const alias = join(root, 'alias');
    symlinkSync(dir, alias);
    writeFileSync(cacheFileFor(cache, alias), good);
    expect(pass(alias).read).toHaveLength(3);
    const otherBoot = Buffer.from(good);
    otherBoot[72] = (otherBoot[72] ?? 0) ^ 1;
    writeFileSync(cacheFile(), resealCache(otherBoot));
    expect(pass().read).toHaveLength(3);
  });
});

describe('the racy-timestamp rule', () => {
  const stat = { dev: 1n, ino: 2n, mode: 0o100644n, size: 5n, mtimeNs: 0n, ctimeNs: 0n };
  const at = (ns: bigint) => ({ ...stat, mtimeNs: ns, ctimeNs: ns });
  const T = 1_700_000_000_123_456_789n;

  it('trusts an entry only when its times are strictly older than the reference', () => {
    const trusted = (entry: FileStat, now: FileStat, reference: bigint) =>
      vouches(statRecord(entry), 0, statRecord(now), 0, reference);
    expect(trusted(at(T), at(T), T + 1n)).toBe(true);
    expect(trusted(at(T), at(T), T)).toBe(false);
    expect(trusted({ ...at(T), mtimeNs: T - 5n }, { ...at(T), mtimeNs: T - 5n }, T)).toBe(false);
    expect(trusted(at(T), { ...at(T), ctimeNs: T + 1n }, T + 10n)).toBe(false);
    for (const field of ['dev', 'ino', 'mode', 'size'] as const)
      expect(trusted(at(T), { ...at(T), [field]: at(T)[field] + 1n }, T + 10n)).toBe(false);
  });

  it('counts a timestamp by the whole tick its trailing zeros say it may stand for', () => {
    const whole = 1_700_000_000_000_000_000n;
    expect(settled(whole, whole + 1_999_999_999n)).toBe(false); // seconds: FAT's 2 s at worst
    expect(settled(whole, whole + 2_000_000_000n)).toBe(true);
    const micro = 1_700_000_000_123_456_000n;
    expect(settled(micro, micro + 999n)).toBe(false);
    expect(settled(micro, micro + 1_000n)).toBe(true);
    expect(settled(-5n, -4n)).toBe(true); // before 1970 too
  });

  it('reads a file again while its mtime is not older than the pass that hashed it', async () => {
    const future = new Date(Date.now() + 3_600_000);
    utimesSync(join(dir, 'a.txt'), future, future);
    await settle(root);
    expect(pass().read).toEqual(['a.txt', 'b.txt', 'sub/c.sh']);
    expect(pass().read).toEqual(['a.txt']);
  });

  it("trusts no entry newer than the cache file's own write time (git's rule)", () => {
    pass();
    utimesSync(cacheFile(), new Date(1_000_000), new Date(1_000_000));
    expect(pass().read).toHaveLength(3);
  });
});

describe('a hostile cache file', () => {
  const EVIL = ['__proto__', 'constructor', 'hasOwnProperty', 'toString', 'a.txt'];
  const MAX_U64 = 2n ** 64n - 1n;
  const MIN_I64 = -(2n ** 63n);

  beforeEach(async () => {
    writeTree(dir, { ['__proto__']: 'proto\n', constructor: 'ctor\n' });
    mkdirSync(cache);
    await settle(root);
  });

  it('with prototype names and absurd numbers changes nothing', async () => {
    const absurd: FileStat = {
      dev: MAX_U64,
      ino: 0n,
      mode: MAX_U64,
      size: MAX_U64,
      mtimeNs: MIN_I64,
      ctimeNs: 2n ** 63n - 1n,
    };
    const entries = EVIL.map((path) => ({ path, stat: absurd, digest: '00'.repeat(32) }));
    writeFileSync(cacheFile(), cacheOf({ target: sha256Hex(dir), started: 2n ** 62n }, entries));
    expect(await cachedHash()).toBe(await coldHash());
    expect(({} as Record<string, unknown>).digest).toBeUndefined();
  });

  it('whose structure is broken, checksum and all, is ignored whole', () => {
    pass();
    const good = readFileSync(cacheFile());
    const entries = listFiles(dir, () => undefined).files.map((path) => {
      const { digest, stat } = hashFile(join(dir, path), path);
      return { path, digest, stat };
    });
    const header = { target: sha256Hex(dir), started: good.readBigInt64LE(88) };
    expect(cacheOf(header, entries).equals(good)).toBe(true); // as the pass writes it
    const countTooLarge = Buffer.from(good);
    countTooLarge.writeUInt32LE(0xffffffff, 96);
    const linePastEnd = Buffer.from(good);
    linePastEnd.writeUInt32LE(0xffffffff, recordAt(0) + 48);
    const trailing = Buffer.concat([good, Buffer.from('junk')]);
    const [first, second] = entries as [(typeof entries)[0], (typeof entries)[0]];
    const twice = cacheOf(header, [first, first, second], false);
    const unsorted = cacheOf(header, [second, first], false);
    const executable = { ...first, stat: { ...first.stat, mode: first.stat.mode | 0o100n } };
    const modeDisagrees = cacheOf(header, [first, second]);
    modeDisagrees.set(
      cacheOf(header, [executable, second]).subarray(recordAt(0), recordAt(1)),
      recordAt(0),
    );
    const noNewline = Buffer.from(good);
    noNewline[noNewline.length - 1] = 0x20;
    for (const bad of [
      countTooLarge,
      linePastEnd,
      trailing,
      twice,
      unsorted,
      modeDisagrees,
      noNewline,
    ]) {
      writeFileSync(cacheFile(), resealCache(bad));
      expect(pass().read).toHaveLength(5);
    }
    writeFileSync(cacheFile(), resealCache(good)); // the same bytes, resealed: still good
    expect(pass().read).toHaveLength(0);
  });
});

describe('the cached tree hash', () => {
  type Edit =
    | { op: 'write'; path: string; text: string }
    | { op: 'same-size'; path: string }
    | { op: 'remove' | 'chmod' | 'symlink'; path: string }
    | { op: 'rename'; path: string; to: string }
    | { op: 'settle' };
  const PATHS = ['a', 'b', '__proto__', 'd/x', 'd/e/y'];
  const STAMP = 1_700_000_000;
  const path = fc.constantFrom(...PATHS);
  const edit: fc.Arbitrary<Edit> = fc.oneof(
    fc.record({ op: fc.constant('write' as const), path, text: fc.string({ maxLength: 6 }) }),
    fc.record({ op: fc.constantFrom('same-size', 'remove', 'chmod', 'symlink'), path }),
    fc.record({ op: fc.constant('rename' as const), path, to: path }),
    fc.constant({ op: 'settle' as const }),
  );

  async function run(e: Edit): Promise<void> {
    if (e.op === 'settle') return settle(root);
    const full = join(dir, e.path);
    const info = lstatSync(full, { throwIfNoEntry: false });
    if (e.op === 'write') {
      if (info?.isSymbolicLink() === true) unlinkSync(full);
      writeTree(dir, { [e.path]: e.text });
      utimesSync(full, STAMP, STAMP); // whole seconds, so a same-size rewrite can restore them
    } else if (info === undefined) return;
    else if (e.op === 'remove') unlinkSync(full);
    else if (e.op === 'symlink') {
      unlinkSync(full);
      symlinkSync('a', full);
    } else if (info.isSymbolicLink()) return;
    else if (e.op === 'chmod') chmodSync(full, info.mode ^ 0o100);
    else if (e.op === 'rename') {
      mkdirSync(dirname(join(dir, e.to)), { recursive: true });
      renameSync(full, join(dir, e.to));
    } else {
      const bytes = readFileSync(full);
      writeFileSync(
        full,
        bytes.map((b) => b ^ 1),
      );
      utimesSync(full, STAMP, STAMP);
    }
  }

  it('equals the cold hash after any sequence of edits (property)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(edit, { maxLength: 12 }), async (edits) => {
        rmSync(root, { recursive: true, force: true });
        writeTree(dir, { a: 'one\n', b: 'two\n', 'd/x': 'three\n' });
        for (const name of ['a', 'b', 'd/x']) utimesSync(join(dir, name), STAMP, STAMP);
        for (const e of edits) {
          await run(e);
          expect(await cachedHash()).toBe(await coldHash());
        }
      }),
      { numRuns: 60 },
    );
  });
});
