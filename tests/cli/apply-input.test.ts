/**
 * `apply` on odd states of the target: what could not be applied all the way through is
 * refused before anything is staged, a journal no build wrote is a coded rejection (exit 1),
 * never an internal error (70), a kill leaves no trace, and a dry run is strictly read-only.
 */
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { applyWorkspace } from '../helpers/apply-workspace.ts';
import { hashDir, writeTree } from '../helpers/trees.ts';

const BASE = { keep: 'old\n', 'd/x': 'x\n' };

const DIFFS = {
  fix: '--- a/keep\n+++ b/keep\n@@ -1 +1 @@\n-old\n+new\n',
  /** Modifies keep, creates a and creates a/b: the old applier failed past its commit point. */
  nested: `--- a/keep\n+++ b/keep\n@@ -1 +1 @@\n-old\n+new\n--- /dev/null\n+++ b/a\n@@ -0,0 +1 @@\n+x\n--- /dev/null\n+++ b/a/b\n@@ -0,0 +1 @@\n+y\n`,
  /** Creates a file where a directory is. */
  overDir: '--- /dev/null\n+++ b/d\n@@ -0,0 +1 @@\n+now a file\n',
};

type Name = keyof typeof DIFFS;

const { at, ok, target, apply } = applyWorkspace('pt-apply-input-', DIFFS, BASE);

describe('apply refuses what it could not finish, before anything is staged', () => {
  it.each<[string, Name]>([
    ['modifies keep, creates a and a/b', 'nested'],
    ['creates a file where a directory is', 'overDir'],
  ])('%s: APPLY_CONFLICT, target untouched; later applies still work', async (_n, name) => {
    const dir = target();
    const before = await hashDir(dir);
    for (const extra of [['--dry-run'], []]) {
      const result = await apply(name, dir, ...extra);
      expect(result.stderr).toMatch(/^APPLY_CONFLICT: cannot write /);
      expect(result.code).toBe(1);
    }
    expect(await hashDir(dir)).toBe(before);
    expect(existsSync(join(dir, '.patchtrail'))).toBe(false);
    expect((await apply('fix', dir)).code).toBe(0);
    expect((await apply('fix', dir, '--reverse')).code).toBe(0);
  });
});

describe('apply on ordinary bad input', () => {
  it('refuses a journal of version 3 with MALFORMED_INPUT, also in a dry run, keeping it', async () => {
    const dir = target();
    mkdirSync(join(dir, '.patchtrail/txn'), { recursive: true });
    const journal = join(dir, '.patchtrail/txn/journal.json');
    writeFileSync(journal, JSON.stringify({ version: 3, ops: [] }));
    for (const extra of [['--dry-run'], []]) {
      const result = await apply('fix', dir, ...extra);
      expect(result.stderr).toMatch(/^MALFORMED_INPUT: .*version 3 is not one this build replays/);
      expect(result.code).toBe(1);
    }
    expect(readFileSync(journal, 'utf8')).toContain('"version":3');
    expect(readFileSync(join(dir, 'keep'), 'utf8')).toBe('old\n');
  });

  it('removes an empty .patchtrail left behind by a kill, even when it then commits nothing', async () => {
    const dir = target();
    await ok(['apply', at('fix.json'), '--dir', dir, '--trust', at('k.pem')]);
    mkdirSync(join(dir, '.patchtrail/txn'), { recursive: true });
    expect(await ok(['apply', at('fix.json'), '--dir', dir, '--trust', at('k.pem')])).toMatch(
      /^already applied, nothing changed/,
    );
    expect(existsSync(join(dir, '.patchtrail'))).toBe(false);
  });
});

describe('apply --dry-run is strictly read-only', () => {
  it('reports a pending interrupted apply, and what recovery would do, and changes nothing', async () => {
    const dir = target();
    writeTree(dir, { '.patchtrail/txn/new/0': 'recovered\n' });
    const ops = [{ action: 'write', path: 'from-journal', blob: '0', executable: false }];
    const sha256 = createHash('sha256').update(JSON.stringify(ops)).digest('hex');
    writeFileSync(
      join(dir, '.patchtrail/txn/journal.json'),
      JSON.stringify({ format: 'patchtrail-txn', version: 2, ops, sha256 }),
    );
    cpSync(dir, at('pending-copy'), { recursive: true });
    const before = await hashDir(at('pending-copy'));
    const text = await ok([
      'apply',
      at('fix.json'),
      '--dir',
      dir,
      '--trust',
      at('k.pem'),
      '--dry-run',
    ]);
    expect(text).toMatch(
      /interrupted earlier apply is pending: a real apply would first finish it/,
    );
    const json = JSON.parse((await apply('fix', dir, '--dry-run', '--json')).stdout);
    expect(json).toMatchObject({
      status: 'dry-run',
      recovered: 'none',
      pendingRecovery: 'rolled-forward',
    });
    expect(existsSync(join(dir, '.patchtrail/txn/journal.json'))).toBe(true);
    expect(existsSync(join(dir, 'from-journal'))).toBe(false);
    // What the dry run predicted is what the real apply does.
    const real = JSON.parse((await apply('fix', dir, '--json')).stdout);
    expect(real).toMatchObject({ status: 'applied', recovered: 'rolled-forward' });
    expect(real.treeBefore).toBe(json.treeBefore);
    expect(real.treeAfter).toBe(json.treeAfter);
    expect(await hashDir(at('pending-copy'))).toBe(before);
  });
});
