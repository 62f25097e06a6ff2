/**
 * Directory trees for the corpus oracle: copying a state, comparing two trees byte for byte
 * (the set of files, their content, symlink-ness and executable bit), and checking a tree
 * against the sha256 values the corpus recorded. Directories themselves are not compared:
 * GNU patch and patchtrail both remove a directory a deletion empties.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { lstat, readdir, readFile, readlink } from 'node:fs/promises';
import { join } from 'node:path';
import type { ExpectedFile } from './manifest.ts';

/** patchtrail's own directory in a target (journal of an all-or-nothing commit). */
const RESERVED = new Set(['.patchtrail']);

export interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs a program without a shell; never throws for a non-zero exit. */
export function run(cmd: string, args: string[], cwd?: string): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      cmd,
      args,
      // diff's "Files … differ" is read in English: in a translated locale no line would match
      // and a difference would pass unseen.
      { cwd, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, env: { ...process.env, LC_ALL: 'C' } },
      (error, stdout, stderr) => {
        const code = error === null ? 0 : typeof error.code === 'number' ? error.code : -1;
        resolve({ code, stdout, stderr: stderr || (error?.message ?? '') });
      },
    );
  });
}

export async function copyTree(from: string, to: string): Promise<void> {
  const copied = await run('cp', ['-a', from, to]);
  if (copied.code !== 0) throw new Error(`cp -a ${from} ${to}: ${copied.stderr}`);
}

export async function removeTree(dir: string): Promise<void> {
  await run('rm', ['-rf', '--', dir]);
}

interface Entry {
  symlink: boolean;
  executable: boolean;
  size: number;
}

async function listTree(root: string): Promise<Map<string, Entry>> {
  const entries = new Map<string, Entry>();
  const walk = async (dir: string, prefix: string): Promise<void> => {
    for (const dirent of await readdir(dir, { withFileTypes: true })) {
      if (prefix === '' && RESERVED.has(dirent.name)) continue;
      const rel = prefix === '' ? dirent.name : `${prefix}/${dirent.name}`;
      if (dirent.isDirectory()) {
        await walk(join(dir, dirent.name), rel);
        continue;
      }
      const st = await lstat(join(dir, dirent.name));
      entries.set(rel, {
        symlink: st.isSymbolicLink(),
        executable: (st.mode & 0o100) !== 0,
        size: st.size,
      });
    }
  };
  await walk(root, '');
  return entries;
}

async function contentOf(root: string, rel: string, symlink: boolean): Promise<Buffer> {
  const full = join(root, rel);
  return symlink ? Buffer.from(await readlink(full)) : readFile(full);
}

/**
 * Paths present in both trees whose bytes (or symlink targets) differ, by GNU diff: a C loop
 * over every file is several times faster than reading both trees into Node.
 */
async function differingContent(expected: string, actual: string): Promise<Set<string>> {
  const compared = await run('diff', ['-rq', '--no-dereference', '--', expected, actual]);
  if (compared.code !== 0 && compared.code !== 1) {
    throw new Error(`diff -rq ${expected} ${actual}: ${compared.stderr}`);
  }
  const differ = new Set<string>();
  const prefix = `${expected}/`;
  for (const line of compared.stdout.split('\n')) {
    // Presence and type (a file where a link was) are the listings' to compare.
    if (line === '' || line.startsWith('Only in ') || / while file /.test(line)) continue;
    const head = ['Files ', 'Symbolic links '].find((h) => line.startsWith(h));
    const end = line.indexOf(` and ${actual}/`);
    if (head === undefined || end < 0 || !line.endsWith(' differ'))
      throw new Error(`diff -rq said something this harness cannot read: ${line}`);
    const left = line.slice(head.length, end);
    if (left.startsWith(prefix)) differ.add(left.slice(prefix.length));
  }
  return differ;
}

/**
 * How `actual` differs from `expected`, one line per path ("content differs: src/a.c"), or
 * nothing: the set of files and symlinks, each one's type, executable bit and bytes.
 * `ignoreInExpected` names file suffixes to overlook when only `expected` has them.
 */
export async function compareTrees(
  expected: string,
  actual: string,
  ignoreInExpected: readonly string[] = [],
): Promise<string[]> {
  const [want, got, differ] = await Promise.all([
    listTree(expected),
    listTree(actual),
    differingContent(expected, actual),
  ]);
  const differences: string[] = [];
  for (const [rel, w] of want) {
    const g = got.get(rel);
    if (g === undefined) {
      if (!ignoreInExpected.some((suffix) => rel.endsWith(suffix)))
        differences.push(`missing: ${rel}`);
    } else if (w.symlink !== g.symlink) {
      differences.push(`file type differs: ${rel}`);
    } else {
      if (w.executable !== g.executable && !w.symlink) differences.push(`mode differs: ${rel}`);
      if (differ.has(rel))
        differences.push(`content differs: ${rel} (${w.size} vs ${g.size} bytes)`);
    }
  }
  for (const rel of got.keys()) if (!want.has(rel)) differences.push(`unexpected file: ${rel}`);
  return differences;
}

/** Where `root` disagrees with the sha256 values (and modes) recorded for a patch. */
export async function checkExpected(
  root: string,
  expected: readonly ExpectedFile[],
): Promise<string[]> {
  const problems: string[] = [];
  for (const file of expected) {
    const st = await lstat(join(root, file.path)).catch(() => undefined);
    if (st === undefined) {
      if (file.sha256 !== null) problems.push(`missing: ${file.path}`);
      continue;
    }
    if (file.sha256 === null) {
      problems.push(`not deleted: ${file.path}`);
      continue;
    }
    const content = await contentOf(root, file.path, st.isSymbolicLink());
    const sha256 = createHash('sha256').update(content).digest('hex');
    if (sha256 !== file.sha256) problems.push(`content differs: ${file.path}`);
    if (file.executable !== undefined && ((st.mode & 0o100) !== 0) !== file.executable)
      problems.push(`mode differs: ${file.path}`);
  }
  return problems;
}
