/**
 * GNU patch as the corpus's ground truth: the exact argument list (also written into
 * corpus.json, so the test harness runs the same command), one run, and what its output says
 * about offsets and fuzz. Also a snapshot of a tree by lstat, to see which files a run touched.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

/**
 * `{strip}` is replaced by the patch's -p level. --batch and --forward keep GNU patch from
 * asking questions or guessing that a patch is reversed; --quoting-style fixes its output.
 */
export const GNU_PATCH_ARGS = [
  '-p{strip}',
  '--fuzz=0',
  '--no-backup-if-mismatch',
  '--batch',
  '--forward',
  '--quoting-style=literal',
];

export function gnuPatchVersion() {
  const run = spawnSync('patch', ['--version'], { encoding: 'utf8' });
  return (run.stdout ?? '').split('\n')[0] ?? 'unknown';
}

/**
 * Runs GNU patch in `dir`. `fuzz: 'default'` drops --fuzz=0 (GNU's default, 2), which the
 * walk uses only to carry on past a patch that needs fuzz.
 */
export function runGnuPatch(dir, patchFile, { strip, fuzz = 0, dryRun = false }) {
  const args = GNU_PATCH_ARGS.map((a) => a.replace('{strip}', String(strip))).filter(
    (a) => fuzz === 0 || a !== '--fuzz=0',
  );
  if (dryRun) args.push('--dry-run');
  args.push('-i', patchFile);
  // Its messages are read below in English: a translated locale would hide every offset.
  const env = { ...process.env, LC_ALL: 'C' };
  const run = spawnSync('patch', args, { cwd: dir, encoding: 'utf8', stdio: 'pipe', env });
  const stdout = `${run.stdout ?? ''}${run.stderr ?? ''}`;
  return { exitCode: run.status ?? -1, ...readOutput(stdout) };
}

/** Offsets and fuzz per hunk ("Hunk #2 succeeded at 120 with fuzz 1 (offset 3 lines).") */
function readOutput(output) {
  const offsets = [];
  const fuzz = [];
  const notes = new Set();
  for (const line of output.split('\n')) {
    if (line === '' || /^(patching|checking) (file|symbolic link) /.test(line)) continue;
    const hunk =
      /^Hunk #\d+ succeeded at \d+(?: with fuzz (\d+))?(?: \(offset (-?\d+) lines?\))?/.exec(line);
    if (hunk !== null) {
      if (hunk[1] !== undefined) fuzz.push(Number(hunk[1]));
      if (hunk[2] !== undefined) offsets.push(Number(hunk[2]));
      continue;
    }
    notes.add(line.length > 200 ? `${line.slice(0, 200)}...` : line);
  }
  return { offsets, fuzz, notes: [...notes].slice(0, 20) };
}

/** Every regular file and symlink under `root`, with what changes when a tool rewrites it. */
export function snapshotTree(root) {
  const entries = new Map();
  const walk = (dir, prefix) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      const rel = prefix === '' ? entry.name : `${prefix}/${entry.name}`;
      if (entry.isDirectory()) {
        walk(full, rel);
        continue;
      }
      const st = fs.lstatSync(full, { bigint: true });
      entries.set(rel, `${st.ino}:${st.size}:${st.mode}:${st.mtimeNs}:${st.ctimeNs}`);
    }
  };
  walk(root, '');
  return entries;
}

/** Paths whose entry appeared, disappeared or changed between two snapshots, sorted. */
export function changedPaths(before, after) {
  const changed = new Set();
  for (const [rel, stamp] of before) if (after.get(rel) !== stamp) changed.add(rel);
  for (const rel of after.keys()) if (!before.has(rel)) changed.add(rel);
  return [...changed].sort();
}

/** The state of one path after a patch: content hash, or null when the path is gone. */
export function fileState(root, rel) {
  const full = path.join(root, rel);
  const st = fs.lstatSync(full, { throwIfNoEntry: false });
  if (st === undefined) return { path: rel, sha256: null };
  const symlink = st.isSymbolicLink();
  const content = symlink ? Buffer.from(fs.readlinkSync(full)) : fs.readFileSync(full);
  return {
    path: rel,
    sha256: createHash('sha256').update(content).digest('hex'),
    executable: (st.mode & 0o100) !== 0,
    ...(symlink ? { symlink: true } : {}),
  };
}
