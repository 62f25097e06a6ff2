/**
 * Reading the target's files: hashing streams a file of any size in fixed chunks (memory
 * stays flat), a file over the apply limit is refused before a byte of it is read, and a path
 * that is a FIFO or a symlink where a file was listed is refused, not waited on or followed.
 * The CLI keeps its stat cache in the user's cache directory (stat-cache.test.ts tests it).
 */
import { spawnSync } from 'node:child_process';
import { readdirSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { hashFile } from '../../src/cli/node-files.ts';
import { makeNodeTree } from '../../src/cli/node-tree.ts';
import { cacheFileFor } from '../../src/cli/stat-cache.ts';
import { SAMPLE_DIFF } from '../helpers/bundles.ts';
import { cliWorkspace, ROOT } from '../helpers/cli.ts';
import { codeOf } from '../helpers/codes.ts';
import { hashDir, writeTree } from '../helpers/trees.ts';

const { at, env, ok, dir } = cliWorkspace('pt-node-files-');
const GREET = '#include <stdio.h>\nint main(void) { printf("helo\\n"); }\n/* end */\n';
const MiB = 1024 * 1024;

beforeAll(async () => {
  writeFileSync(at('fix.diff'), SAMPLE_DIFF);
  await ok(['keygen', '--out', at('author.pem')]);
  await ok([
    'create',
    ...['--diff', at('fix.diff'), '--key', at('author.pem'), '--reason', 'typo'],
    ...['--out', at('fix.bundle')],
  ]);
});

/** Applies the bundle with the built CLI in a child process; returns its peak memory (KiB). */
function applyMeasured(target: string): number {
  const run = spawnSync(
    process.execPath,
    ['--import', join(ROOT, 'tests/helpers/max-rss.mjs'), join(ROOT, 'bin/patchtrail.mjs')].concat([
      'apply',
      at('fix.bundle'),
      '--dir',
      target,
      '--trust',
      at('author.pem'),
    ]),
    { env: { ...process.env, ...env() }, encoding: 'utf8' },
  );
  expect(run.stderr).toMatch(/max-rss-kib \d+/);
  expect(run.status, run.stderr).toBe(0);
  return Number(/max-rss-kib (\d+)/.exec(run.stderr)?.[1]);
}

describe('the Node tree reading files', () => {
  it('hashes a 256 MiB file in the target with memory flat', () => {
    writeTree(at('small'), { 'src/greet.c': GREET });
    writeTree(at('big'), { 'src/greet.c': GREET, 'disk.img': '' });
    truncateSync(at('big/disk.img'), 256 * MiB); // sparse: no disk, all zeros
    const small = applyMeasured(at('small'));
    const big = applyMeasured(at('big'));
    // Reading the file whole would add 256 MiB; chunks add next to nothing.
    expect(big - small).toBeLessThan(64 * 1024);
  });

  it('refuses to read a file over the apply limit before reading it (3 GiB)', async () => {
    writeTree(at('huge'), { 'disk.img': '' });
    truncateSync(at('huge/disk.img'), 3 * 1024 * MiB);
    expect(await codeOf(() => makeNodeTree(at('huge')).read('disk.img'))).toBe('TOO_LARGE');
  });

  it('refuses a FIFO or a symlink where a file is read, without waiting or following', async () => {
    writeTree(at('odd'), { 'real.txt': 'real\n' });
    expect(spawnSync('mkfifo', [at('odd/pipe')]).status).toBe(0);
    symlinkSync('real.txt', at('odd/link'));
    const tree = makeNodeTree(at('odd'));
    for (const path of ['pipe', 'link']) {
      expect(await codeOf(() => tree.read(path))).toBe('APPLY_CONFLICT');
      expect(await codeOf(() => tree.digest?.(path))).toBe('APPLY_CONFLICT');
      expect(await codeOf(() => hashFile(at(`odd/${path}`), path))).toBe('APPLY_CONFLICT');
    }
  });
});

describe('patchtrail apply with its stat cache', () => {
  it('keeps the cache in the user cache directory, and reports the cold tree hashes', async () => {
    writeTree(at('cached'), { 'src/greet.c': GREET });
    const original = await hashDir(at('cached'));
    const args = ['apply', at('fix.bundle'), '--dir', at('cached'), '--trust', at('author.pem')];
    const applied = JSON.parse(await ok([...args, '--json'])) as { treeAfter: string };
    expect(applied.treeAfter).toBe(await hashDir(at('cached')));
    const reverted = JSON.parse(await ok([...args, '--reverse', '--json'])) as {
      treeBefore: string;
      treeAfter: string;
    };
    expect(reverted).toMatchObject({ treeBefore: applied.treeAfter, treeAfter: original });
    const trees = join(dir, 'cache', 'trees');
    expect(readdirSync(trees)).toContain(basename(cacheFileFor(trees, at('cached'))));
    expect(readdirSync(trees).filter((name) => !name.endsWith('.stat'))).toEqual([]);
    expect(readdirSync(at('cached'))).toEqual(['src']);
  });
});
