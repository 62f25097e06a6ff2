/**
 * Crash safety: a child process applying a multi-file patch is killed (SIGKILL) at random
 * points — at chosen commit steps through the test-only failpoint, and at random times —
 * and afterwards, once recovery has run, the target is all-old or all-new, never mixed, and
 * .patchtrail holds nothing but the killed process's stale lock; the next apply takes that over
 * and leaves no .patchtrail directory (not even an empty one).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createPatch } from 'diff';
import { makeNodeTree } from '../../src/cli/node-tree.ts';
import { ROOT } from '../helpers/cli.ts';
import { hashDir, writeTree } from '../helpers/trees.ts';
import { patchtrail } from '../helpers/cli.ts';

let dir: string;
let hashOld: string;
let hashNew: string;
const at = (name: string) => join(dir, name);

function fixture(): { base: Record<string, string>; diff: string } {
  const base: Record<string, string> = {};
  const parts: string[] = [];
  for (let i = 0; i < 40; i++) {
    const path = `pkg${i % 4}/file${i}.txt`;
    const before = Array.from({ length: 30 }, (_, l) => `file ${i} line ${l}\n`).join('');
    base[path] = before;
    if (i < 24)
      parts.push(
        createPatch(path, before, before.replace(`line 7\n`, 'line seven\n'), '', '', {
          context: 3,
        }),
      );
    else if (i < 30)
      parts.push(
        `--- a/${path}\n+++ /dev/null\n@@ -1,30 +0,0 @@\n${before.replace(/^/gm, '-').slice(0, -1)}\n`,
      );
  }
  for (let i = 0; i < 6; i++)
    parts.push(`--- /dev/null\n+++ b/new/dir${i}/n.txt\n@@ -0,0 +1 @@\n+new ${i}\n`);
  const diff = parts
    .join('')
    .replace(/^Index: .*\n=+\n/gm, '')
    .replace(/^--- (pkg)/gm, '--- a/$1')
    .replace(/^\+\+\+ (pkg)/gm, '+++ b/$1');
  return { base, diff };
}

const applyArgs = (target: string) => [
  'apply',
  at('b.json'),
  '--dir',
  target,
  '--trust',
  at('k.pem'),
];

function runApply(
  target: string,
  env: Record<string, string>,
  killAfterMs?: number,
): Promise<string> {
  return new Promise((resolve) => {
    const child = spawn(
      process.execPath,
      [join(ROOT, 'bin/patchtrail.mjs'), ...applyArgs(target)],
      {
        env: { ...process.env, ...env },
        stdio: 'ignore',
      },
    );
    if (killAfterMs !== undefined) setTimeout(() => child.kill('SIGKILL'), killAfterMs);
    child.on('exit', (code, signal) => resolve(signal ?? String(code)));
  });
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'pt-crash-'));
  const { base, diff } = fixture();
  writeTree(at('base'), base);
  writeFileSync(at('multi.diff'), diff);
  expect((await patchtrail(['keygen', '--out', at('k.pem')])).code).toBe(0);
  const created = await patchtrail([
    'create',
    '--diff',
    at('multi.diff'),
    '--key',
    at('k.pem'),
    '--reason',
    'crash test',
    '--out',
    at('b.json'),
  ]);
  expect(created.code, created.stderr).toBe(0);
  hashOld = await hashDir(at('base'));
  cpSync(at('base'), at('expected'), { recursive: true });
  expect(await runApply(at('expected'), {})).toBe('0');
  hashNew = await hashDir(at('expected'));
  expect(hashNew).not.toBe(hashOld);
});

/** What .patchtrail holds besides the lock (and a lock being written) of a killed process. */
function leftover(target: string): string[] {
  const state = join(target, '.patchtrail');
  if (!existsSync(state)) return [];
  return readdirSync(state).filter(
    (n) => n !== 'lock' && !/^\.lock\.[0-9]+\.[0-9a-f]{12}$/.test(n),
  );
}

describe('crash safety of apply', () => {
  it('after a SIGKILL at any commit step, recovery leaves all-old or all-new (100 runs)', async () => {
    const outcomes = { old: 0, new: 0, killed: 0 };
    for (let run = 0; run < 100; run++) {
      const target = at(`run${run}`);
      cpSync(at('base'), target, { recursive: true });
      // 30 staged files, the journal, 30 moves, 6 deletes and the finish are ~70 steps.
      const step = 1 + Math.floor(Math.random() * 75);
      const exit = await runApply(target, { PATCHTRAIL_CRASH_AT_STEP: String(step) });
      if (exit === 'SIGKILL') outcomes.killed++;
      await makeNodeTree(target).recover();
      const hash = await hashDir(target);
      expect([hashOld, hashNew], `run ${run}, crash at step ${step}`).toContain(hash);
      expect(leftover(target), 'nothing but a stale lock is left').toEqual([]);
      outcomes[hash === hashOld ? 'old' : 'new']++;
    }
    console.info(`crash test: ${JSON.stringify(outcomes)}`);
    expect(outcomes.old).toBeGreaterThan(0);
    expect(outcomes.new).toBeGreaterThan(0);
    expect(outcomes.killed).toBeGreaterThan(80);
  }, 240_000);

  it('after a SIGKILL at a random time, recovery leaves all-old or all-new (20 runs)', async () => {
    for (let run = 0; run < 20; run++) {
      const target = at(`timed${run}`);
      cpSync(at('base'), target, { recursive: true });
      await runApply(target, {}, 150 + Math.floor(Math.random() * 250));
      await makeNodeTree(target).recover();
      expect([hashOld, hashNew]).toContain(await hashDir(target));
      expect(leftover(target)).toEqual([]);
      // The next apply takes the dead process's lock over and leaves no trace.
      const next = await patchtrail(applyArgs(target));
      expect([next.code, next.stderr]).toEqual([0, '']);
      expect(await hashDir(target)).toBe(hashNew);
      expect(existsSync(join(target, '.patchtrail')), 'no .patchtrail is left').toBe(false);
    }
  }, 120_000);
});
