/**
 * The transaction directory is a file in the target, so anyone who can write there can plant
 * anything in it. A sweep: at each place the applier touches (.patchtrail, txn, new, the
 * journal, a staged blob) plant a symlink to a directory outside, a symlink to a file outside,
 * a FIFO, a directory, a regular file and a hard link; then run `apply` and `apply --dry-run`.
 * Where the plant is not what the protocol puts there, the answer is UNSAFE_PATH (exit 1);
 * always, nothing outside the target changes, and a refusal or a dry run leaves the target
 * exactly as it was (and never hangs on a FIFO).
 */
import { createHash } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import {
  cpSync,
  linkSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { cliWorkspace } from '../helpers/cli.ts';
import { writeTree } from '../helpers/trees.ts';

const { at, ok, pt } = cliWorkspace('pt-apply-state-');
const DIFF = `--- a/README
+++ b/README
@@ -1 +1 @@
-hello
+hello, world
`;

/** Everything under `dir`, symlinks not followed: kind, and content or link target. */
function snapshot(dir: string, prefix = '', out: Record<string, string> = {}) {
  for (const name of readdirSync(join(dir, prefix)).sort()) {
    const path = join(prefix, name);
    const info = lstatSync(join(dir, path));
    if (info.isSymbolicLink()) out[path] = `link -> ${readlinkSync(join(dir, path))}`;
    else if (info.isDirectory()) {
      out[path] = 'dir';
      snapshot(dir, path, out);
    } else if (info.isFile()) out[path] = `file ${readFileSync(join(dir, path), 'utf8')}`;
    else out[path] = 'special';
  }
  return out;
}

const PLACES = [
  '.patchtrail',
  '.patchtrail/txn',
  '.patchtrail/txn/new',
  '.patchtrail/txn/journal.json',
  '.patchtrail/txn/new/0',
] as const;
type Place = (typeof PLACES)[number];
const PLANTS = ['symlink to a directory', 'symlink to a file', 'FIFO', 'directory', 'file'];
/** What the protocol itself puts at each place. */
const EXPECTED: Record<Place, string> = {
  '.patchtrail': 'directory',
  '.patchtrail/txn': 'directory',
  '.patchtrail/txn/new': 'directory',
  '.patchtrail/txn/journal.json': 'file',
  '.patchtrail/txn/new/0': 'file',
};

/** A journal (as this build writes it) that moves staged blob 0 to stolen.txt. */
function plantJournal(target: string): void {
  const ops = [{ action: 'write', path: 'stolen.txt', blob: '0', executable: false }];
  const sha256 = createHash('sha256').update(JSON.stringify(ops)).digest('hex');
  const journal = { format: 'patchtrail-txn', version: 2, ops, sha256 };
  writeFileSync(join(target, '.patchtrail/txn/journal.json'), JSON.stringify(journal));
}

function plant(target: string, place: Place, what: string): void {
  const path = join(target, place);
  mkdirSync(dirname(path), { recursive: true });
  if (place === '.patchtrail/txn/new' || place === '.patchtrail/txn/new/0') plantJournal(target);
  if (what === 'symlink to a directory') symlinkSync(at('outside'), path);
  else if (what === 'symlink to a file') symlinkSync(at('outside/secret.txt'), path);
  else if (what === 'FIFO') expect(spawnSync('mkfifo', [path]).status).toBe(0);
  else if (what === 'directory') mkdirSync(path);
  else if (what === 'hard link') linkSync(at('outside/secret.txt'), path);
  else writeFileSync(path, place.endsWith('journal.json') ? '{"version":2,"op' : 'staged\n');
}

const cases = PLACES.flatMap((place) =>
  [...PLANTS, ...(place.endsWith('/0') ? ['hard link'] : [])].map((what) => ({ place, what })),
);

beforeAll(async () => {
  writeFileSync(at('fix.diff'), DIFF);
  await ok(['keygen', '--out', at('k.pem')]);
  await ok([
    'create',
    '--diff',
    at('fix.diff'),
    '--key',
    at('k.pem'),
    '--reason',
    'r',
    '--out',
    at('b.json'),
  ]);
  writeTree(at('base'), { README: 'hello\n', 'src/a.c': 'int a;\n' });
  // What a symlink could lead to: a tempting transaction and a secret.
  writeTree(at('outside'), {
    'secret.txt': 'not yours\n',
    '0': 'outside blob\n',
    'txn/new/0': 'outside staged\n',
    'txn/journal.json': '{}',
  });
});

describe.each([false, true])('apply (dry run: %s) with something planted', (dryRun) => {
  it.each(cases)('at $place: a $what', async ({ place, what }) => {
    const target = at(`t-${dryRun}-${place.replaceAll('/', '_')}-${what.replaceAll(' ', '_')}`);
    cpSync(at('base'), target, { recursive: true });
    plant(target, place, what);
    const [outside, before] = [snapshot(at('outside')), snapshot(target)];
    const args = ['apply', at('b.json'), '--dir', target, '--trust', at('k.pem')];
    const result = await pt(dryRun ? [...args, '--dry-run'] : args);
    expect(snapshot(at('outside')), 'nothing outside changes').toEqual(outside);
    if (what !== EXPECTED[place]) {
      expect(result.stderr).toMatch(/^UNSAFE_PATH: .*\.patchtrail/);
      expect(result.code).toBe(1);
      expect(snapshot(target), 'a refusal leaves the target as it was').toEqual(before);
      return;
    }
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    if (dryRun) expect(snapshot(target), 'a dry run changes nothing').toEqual(before);
    else expect(readFileSync(join(target, 'README'), 'utf8')).toBe('hello, world\n');
  });
});
