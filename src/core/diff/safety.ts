/**
 * Path safety for untrusted diffs: no path may leave the target or reach into places the
 * target's owner did not hand over. Everything here runs before any byte is written, and
 * every refusal is `UNSAFE_PATH`. Paths are attacker-controlled.
 */
import { reject } from '../errors.ts';
import { utf8Encode } from '../encoding/bytes.ts';
import { MAX_NAME_BYTES, MAX_PATH_BYTES } from './limits.ts';
import { RESERVED_DIRS, type Tree, type TreeEntry } from './tree.ts';

/** Windows and NTFS spellings that reach a reserved directory: ".GIT", ".git.", "git~1". */
export function isReservedComponent(normalized: string): boolean {
  const trimmed = normalized.toLowerCase().replace(/[. ]+$/, '');
  return RESERVED_DIRS.some((dir) => trimmed === dir) || trimmed === 'git~1';
}

/** NFKC folds look-alikes ("．．", "‥", fullwidth solidus) onto what they imitate. */
function fold(text: string): string {
  return text.normalize('NFKC');
}

/** Checks one target-relative path's spelling; returns it unchanged when safe. */
export function checkPathSyntax(path: string): string {
  const bad = (why: string): never =>
    reject('UNSAFE_PATH', `unsafe path ${JSON.stringify(path)}: ${why}`);
  if (path === '') bad('empty');
  if (/[\0\r\n]/.test(path)) bad('contains NUL or a line break');
  if (path.includes('\\')) bad('contains a backslash');
  if (path.startsWith('/')) bad('absolute');
  if (/^[A-Za-z]:/.test(path)) bad('starts with a drive letter');
  const folded = fold(path);
  if (folded.includes('\\') || /^[A-Za-z]:/.test(folded))
    bad('folds to a backslash or drive letter');
  for (const component of folded.split('/')) {
    if (component === '' || component === '.' || component === '..')
      bad(`has a "${component}" component`);
    if (/^[. ]+$/.test(component)) bad('has a component of only dots and spaces');
    if (isReservedComponent(component))
      bad('reaches into a reserved directory (.git, .patchtrail)');
  }
  if (folded.split('/').length !== path.split('/').length)
    bad('folds to a different number of components');
  // Names no filesystem can hold would fail halfway through a commit.
  if (utf8Encode(path).length > MAX_PATH_BYTES) bad(`longer than ${MAX_PATH_BYTES} bytes`);
  for (const component of path.split('/'))
    if (utf8Encode(component).length > MAX_NAME_BYTES)
      bad(`has a component longer than ${MAX_NAME_BYTES} bytes`);
  return path;
}

/** Key under which two names collide on a case-insensitive, normalizing filesystem. */
export function collisionKey(path: string): string {
  // ASCII is its own NFKC and NFC form: only the case fold is left (a third of the cost on a
  // listing of thousands of paths, which are nearly all ASCII).
  if (isAscii(path)) return path.toLowerCase();
  return fold(path).toLowerCase().normalize('NFC');
}

function isAscii(text: string): boolean {
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) > 0x7f) return false;
  return true;
}

/**
 * Checks every path the diff touches against each other and the tree: distinct paths that
 * collide under case folding, and paths through (or onto) symlinks, are refused.
 */
export async function checkPathsAgainstTree(
  tree: Tree,
  entries: readonly TreeEntry[],
  touched: readonly string[],
): Promise<void> {
  const seen = new Map<string, string>();
  for (const entry of entries) seen.set(collisionKey(entry.path), entry.path);
  const inDiff = new Map<string, string>();
  for (const path of touched) {
    const key = collisionKey(path);
    const other = inDiff.get(key) ?? seen.get(key);
    if (other !== undefined && other !== path) {
      reject(
        'UNSAFE_PATH',
        `unsafe path ${JSON.stringify(path)}: collides with "${other}" under case folding`,
      );
    }
    inDiff.set(key, path);
  }
  const checked = new Set<string>();
  for (const path of touched) {
    const parts = path.split('/');
    for (let i = 1; i <= parts.length; i++) {
      const prefix = parts.slice(0, i).join('/');
      if (checked.has(prefix)) continue;
      checked.add(prefix);
      const entry = await tree.stat(prefix);
      if (entry?.kind === 'symlink') {
        reject(
          'UNSAFE_PATH',
          `unsafe path ${JSON.stringify(path)}: "${prefix}" is a symbolic link`,
        );
      }
      if (i < parts.length && entry !== undefined && entry.kind !== 'dir') {
        reject('APPLY_CONFLICT', `${path}: "${prefix}" is a file, not a directory`);
      }
    }
  }
}
