/**
 * `apply` keeps a modified or renamed file's permission bits and, as root, its owner, as GNU
 * patch does; a git mode change sets or clears the executable bits on top of them; `--reverse`,
 * `rollback` and a recovery after a crash give the same modes. Real files in a temp dir.
 */
import { chmodSync, chownSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { keptMode, modeForOwner } from '../../src/cli/file-modes.ts';
import { makeNodeTree } from '../../src/cli/node-tree.ts';
import { applyDiff } from '../../src/core/index.ts';
import { cliTeam } from '../helpers/cli-team.ts';
import { cliWorkspace } from '../helpers/cli.ts';
import { hashDir, writeTree } from '../helpers/trees.ts';

const { at, pt, ok } = cliWorkspace('pt-apply-modes-');

const BASE: Record<string, string> = {
  'secret.txt': 'token=1\n',
  'group.txt': 'shared=1\n',
  'old/name.txt': 'name=1\n',
  'readonly.txt': 'fixed=1\n',
  'suid.bin': 'suid=1\n',
  'run.sh': 'echo 1\n',
  'tool.sh': 'echo 1\n',
};
/** The mode each file has before the patch, and after it. */
const MODES: Record<string, [number, number]> = {
  'secret.txt': [0o600, 0o600],
  'group.txt': [0o640, 0o640],
  'readonly.txt': [0o444, 0o444],
  'suid.bin': [0o4755, 0o4755],
  'run.sh': [0o640, 0o750], // 100644 -> 100755: x where r is set
  'tool.sh': [0o750, 0o640], // 100755 -> 100644: every x cleared
};
const change = (path: string, key: string) =>
  `--- a/${path}\n+++ b/${path}\n@@ -1 +1 @@\n-${key}=1\n+${key}=2\n`;
const DIFF = [
  `diff --git a/secret.txt b/secret.txt\n${change('secret.txt', 'token')}`,
  `diff --git a/group.txt b/group.txt\n${change('group.txt', 'shared')}`,
  `diff --git a/readonly.txt b/readonly.txt\n${change('readonly.txt', 'fixed')}`,
  `diff --git a/suid.bin b/suid.bin\n${change('suid.bin', 'suid')}`,
  'diff --git a/old/name.txt b/new/name.txt\nsimilarity index 50%\nrename from old/name.txt\nrename to new/name.txt\n' +
    '--- a/old/name.txt\n+++ b/new/name.txt\n@@ -1 +1 @@\n-name=1\n+name=2\n',
  'diff --git a/run.sh b/run.sh\nold mode 100644\nnew mode 100755\n',
  'diff --git a/tool.sh b/tool.sh\nold mode 100755\nnew mode 100644\n',
  'diff --git a/added.txt b/added.txt\nnew file mode 100644\n--- /dev/null\n+++ b/added.txt\n@@ -0,0 +1 @@\n+new\n',
].join('');

const modeOf = (path: string) => statSync(path).mode & 0o7777;
const octal = (mode: number) => mode.toString(8);

/** A target with BASE, each file given its mode before the patch (`private`) or git's default. */
function target(name: string, modes: 'private' | 'default'): string {
  const dir = at(name);
  writeTree(dir, BASE);
  for (const [path, [before]] of Object.entries(MODES))
    chmodSync(join(dir, path), modes === 'private' ? before : before & 0o100 ? 0o755 : 0o644);
  chmodSync(join(dir, 'old/name.txt'), modes === 'private' ? 0o640 : 0o644);
  return dir;
}

function modesIn(dir: string, which: 0 | 1): Record<string, string> {
  const out: Record<string, string> = {};
  for (const path of Object.keys(MODES)) out[path] = octal(modeOf(join(dir, path)));
  out[which === 0 ? 'old/name.txt' : 'new/name.txt'] = octal(
    modeOf(join(dir, which === 0 ? 'old/name.txt' : 'new/name.txt')),
  );
  return out;
}

const expected = (which: 0 | 1): Record<string, string> => {
  const out: Record<string, string> = {};
  for (const [path, modes] of Object.entries(MODES)) out[path] = octal(modes[which]);
  out[which === 0 ? 'old/name.txt' : 'new/name.txt'] = '640';
  return out;
};

const apply = (dir: string, ...extra: string[]) =>
  pt(['apply', at('b.json'), '--dir', dir, '--trust', at('author.pem'), '--json', ...extra]);

beforeAll(async () => {
  writeFileSync(at('fix.diff'), DIFF);
  await ok(['keygen', '--out', at('author.pem')]);
  const create = ['create', '--diff', at('fix.diff'), '--key', at('author.pem')];
  await ok([...create, '--reason', 'modes', '--out', at('b.json')]);
});

describe('apply keeps the permission bits of the files it rewrites', () => {
  it('keeps 0600, 0640, 0444 and 4755 on a modified or renamed file, and reverses to them', async () => {
    const dir = target('keep', 'private');
    const applied = await apply(dir);
    expect(applied.code, applied.stderr).toBe(0);
    expect(modesIn(dir, 1)).toEqual(expected(1));
    expect(readFileSync(join(dir, 'secret.txt'), 'utf8')).toBe('token=2\n');
    expect(octal(modeOf(join(dir, 'added.txt')))).toBe('644'); // a new file, as before
    const reversed = await apply(dir, '--reverse');
    expect(reversed.code, reversed.stderr).toBe(0);
    expect(modesIn(dir, 0)).toEqual(expected(0));
  });

  it('gives the tree hashes git modes only: other permission bits do not change them', async () => {
    const mine = target('hash-private', 'private');
    const plain = target('hash-default', 'default');
    const [a, b] = [await apply(mine), await apply(plain)];
    const [ra, rb] = [JSON.parse(a.stdout), JSON.parse(b.stdout)];
    expect(ra.treeBefore).toBe(rb.treeBefore);
    expect(ra.treeAfter).toBe(rb.treeAfter);
    expect(await hashDir(mine)).toBe(ra.treeAfter);
  });

  it('gives a commit rolled forward after a crash the same modes', async () => {
    const dir = target('crash', 'private');
    const stopping = makeNodeTree(dir, {
      onStep: (_step, what) => {
        if (what.startsWith('move ')) throw new Error('stopped');
      },
    });
    await expect(applyDiff(stopping, DIFF)).rejects.toThrow('stopped');
    expect(await makeNodeTree(dir).recover()).toBe('rolled-forward');
    expect(modesIn(dir, 1)).toEqual(expected(1));
  });

  // Only root may give a file to another user; as anyone else the file stays the applier's
  // (what the user may keep, the group, is kept: see modeForOwner). CI runs as root.
  it.runIf(process.getuid?.() === 0)(
    'keeps the owner and group of a modified or renamed file when run as root',
    async () => {
      const dir = target('owner', 'private');
      const owned = ['secret.txt', 'suid.bin', 'old/name.txt'];
      for (const path of owned) {
        const mode = modeOf(join(dir, path));
        chownSync(join(dir, path), 1234, 2345);
        chmodSync(join(dir, path), mode); // chown cleared set-user-ID
      }
      expect((await apply(dir)).code).toBe(0);
      for (const path of ['secret.txt', 'suid.bin', 'new/name.txt']) {
        const info = statSync(join(dir, path));
        expect([path, info.uid, info.gid]).toEqual([path, 1234, 2345]);
      }
      expect(modesIn(dir, 1)).toEqual(expected(1));
      expect(statSync(join(dir, 'added.txt')).uid).toBe(0);
      expect((await apply(dir, '--reverse')).code).toBe(0);
      for (const path of owned) expect(statSync(join(dir, path)).uid).toBe(1234);
      expect(modesIn(dir, 0)).toEqual(expected(0));
    },
  );
});

describe('rollback', () => {
  const team = cliTeam('pt-apply-modes-team-');
  beforeAll(team.setup);

  it('restores the mode a file had', async () => {
    const dir = await team.target('t-modes');
    chmodSync(join(dir, 'app.conf'), 0o640);
    const key = ['--key', team.at('kiosk.pem'), '--target', 'kiosk-m', ...team.L()];
    await team.ok(['apply', team.at('b.json'), '--dir', dir, '--policy', team.open(), ...key]);
    expect(octal(modeOf(join(dir, 'app.conf')))).toBe('640');
    await team.ok(['rollback', team.at('b.json'), '--dir', dir, ...key]);
    expect(readFileSync(join(dir, 'app.conf'), 'utf8')).toBe('mode=old\n');
    expect(octal(modeOf(join(dir, 'app.conf')))).toBe('640');
  });
});

describe('the modes of a rewritten file', () => {
  it('keep every bit unless the executable bit changes, then add x where r is, or clear x', () => {
    for (let bits = 0; bits <= 0o7777; bits++) {
      const executable = (bits & 0o100) !== 0;
      expect(keptMode(0o100000 | bits, executable)).toBe(bits);
      const flipped = keptMode(bits, !executable);
      expect((flipped & 0o100) !== 0).toBe(!executable); // what the tree hash records
      expect(flipped & ~0o111).toBe(bits & ~0o111);
      if (executable) expect(flipped & 0o111).toBe(0);
      else expect(flipped & 0o011).toBe((bits & 0o011) | ((bits & 0o044) >> 2));
    }
  });

  it('drop set-user-ID, set-group-ID and group access others lack when the owner is not kept', () => {
    expect(octal(modeForOwner(0o6750, { uid: true, gid: true }))).toBe('6750');
    expect(octal(modeForOwner(0o6750, { uid: false, gid: true }))).toBe('2750');
    expect(octal(modeForOwner(0o6754, { uid: true, gid: false }))).toBe('4744');
    expect(octal(modeForOwner(0o0040, { uid: false, gid: false }))).toBe('400');
    expect(octal(modeForOwner(0o0664, { uid: true, gid: false }))).toBe('644');
  });
});
