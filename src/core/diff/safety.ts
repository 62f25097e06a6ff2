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

/**
 * A C0 or C1 control character or DEL (a terminal acts on ESC and BEL when ls, git or a shell
 * later prints the name as it is), or a bidi control, which reorders how the name is shown
 * (U+200E, U+200F, U+202A-U+202E, U+2066-U+2069).
 */
function isControl(code: number): boolean {
  return (
    code <= 0x1f ||
    (code >= 0x7f && code <= 0x9f) ||
    code === 0x200e ||
    code === 0x200f ||
    (code >= 0x202a && code <= 0x202e) ||
    (code >= 0x2066 && code <= 0x2069)
  );
}

/**
 * Unicode's default-ignorable code points: shown as nothing, so "gre\u200Beting.txt" looks like
 * "greeting.txt" in ls, git and the browser. Names that differ only by them collide.
 */
const IGNORABLE: readonly (readonly [number, number])[] = [
  [0x00ad, 0x00ad],
  [0x034f, 0x034f],
  [0x061c, 0x061c],
  [0x115f, 0x1160],
  [0x17b4, 0x17b5],
  [0x180b, 0x180f],
  [0x200b, 0x200f],
  [0x202a, 0x202e],
  [0x2060, 0x206f],
  [0x3164, 0x3164],
  [0xfe00, 0xfe0f],
  [0xfeff, 0xfeff],
  [0xffa0, 0xffa0],
  [0xfff0, 0xfff8], // unassigned, and default-ignorable should they ever be assigned
  [0x1bca0, 0x1bca3],
  [0x1d173, 0x1d17a],
  [0xe0000, 0xe0fff],
];

function isIgnorable(code: number): boolean {
  return IGNORABLE.some(([from, to]) => code >= from && code <= to);
}

function withoutIgnorables(text: string): string {
  let kept = '';
  for (const char of text) if (!isIgnorable(char.codePointAt(0) ?? 0)) kept += char;
  return kept;
}

/** Checks one target-relative path's spelling; returns it unchanged when safe. */
export function checkPathSyntax(path: string): string {
  const bad = (why: string): never =>
    reject('UNSAFE_PATH', `unsafe path ${JSON.stringify(path)}: ${why}`);
  if (path === '') bad('empty');
  if (/[\0\r\n]/.test(path)) bad('contains NUL or a line break');
  for (const char of path) {
    const code = char.codePointAt(0) ?? 0;
    if (isControl(code))
      bad(
        `holds a control character (U+${code.toString(16).toUpperCase().padStart(4, '0')}), which a terminal or a bidi display acts on`,
      );
  }
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
    if (/^[. ]*$/.test(withoutIgnorables(component)))
      bad('has a component of only dots, spaces and invisible characters');
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
function foldKey(path: string): string {
  // ASCII is its own NFKC and NFC form: only the case fold is left (a third of the cost on a
  // listing of thousands of paths, which are nearly all ASCII).
  if (isAscii(path)) return path.toLowerCase();
  return fold(path).toLowerCase().normalize('NFC');
}

/**
 * Key under which two names collide: on a case-insensitive, normalizing filesystem, or to the
 * eye, once invisible (default-ignorable) code points are removed, before folding and after
 * (NFKC turns U+3164 and U+FFA0 into U+1160, itself invisible).
 */
export function collisionKey(path: string): string {
  if (isAscii(path)) return path.toLowerCase();
  return withoutIgnorables(foldKey(withoutIgnorables(path)));
}

function isAscii(text: string): boolean {
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) > 0x7f) return false;
  return true;
}

/**
 * The names a tree holds, by collision key. Two names the tree already holds may collide with
 * each other (Linux's own headers hold `xt_MARK.h` beside `xt_mark.h`): each stays a name as
 * it is spelled, and only a new name colliding with either is refused.
 */
class Names {
  private readonly byKey = new Map<string, string>();
  private readonly twins = new Set<string>();

  add(name: string): void {
    const key = collisionKey(name);
    const other = this.byKey.get(key);
    if (other === undefined) this.byKey.set(key, name);
    else if (other !== name) this.twins.add(other).add(name);
  }

  /** Whether the tree holds `name` as it is spelled. */
  holds(name: string, key: string): boolean {
    return this.byKey.get(key) === name || this.twins.has(name);
  }

  /** The name under `key`, however spelled. */
  under(key: string): string | undefined {
    return this.byKey.get(key);
  }
}

/**
 * Checks every path the diff touches against each other and the tree: a new name that collides
 * under case folding, or once invisible characters are removed, with a name the tree holds or
 * the diff gives otherwise (a file's, or a directory's on the way to one), and paths through
 * (or onto) symlinks, are refused; so is a path under a file, unless the diff takes that file
 * away (`leaving`: deleted, or renamed from), as a diff replacing a file by a directory does.
 */
export async function checkPathsAgainstTree(
  tree: Tree,
  entries: readonly TreeEntry[],
  touched: readonly string[],
  leaving: ReadonlySet<string> = new Set(),
): Promise<void> {
  // Every name the tree holds: its files and the directories they lie in ("Dir/x" lands in
  // "dir/" on a case-insensitive filesystem as surely as "README" lands on "readme").
  const held = new Names();
  const parents = new Set<string>();
  for (const entry of entries) {
    held.add(entry.path);
    for (
      let cut = entry.path.lastIndexOf('/');
      cut > 0;
      cut = entry.path.lastIndexOf('/', cut - 1)
    ) {
      const parent = entry.path.slice(0, cut);
      if (parents.has(parent)) break; // and so were its own parents
      parents.add(parent);
      held.add(parent);
    }
  }
  const inDiff = new Map<string, string>();
  for (const path of touched) {
    for (let cut = path.indexOf('/'); ; cut = path.indexOf('/', cut + 1)) {
      const name = cut === -1 ? path : path.slice(0, cut);
      const key = collisionKey(name);
      // A name the tree holds as spelled is no new name (twins it holds may both be patched).
      if (!held.holds(name, key)) {
        const given = inDiff.get(key);
        const other = given !== undefined && given !== name ? given : held.under(key);
        if (other !== undefined) {
          const spelled = name === path ? '' : ` (in ${JSON.stringify(path)})`;
          reject(
            'UNSAFE_PATH',
            `unsafe path ${JSON.stringify(name)}${spelled}: collides with "${other}" ${foldKey(name) === foldKey(other) ? 'under case folding' : 'once invisible characters are removed'}`,
          );
        }
        inDiff.set(key, name);
      }
      if (cut === -1) break;
    }
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
      if (i < parts.length && entry !== undefined && entry.kind !== 'dir' && !leaving.has(prefix)) {
        reject('APPLY_CONFLICT', `${path}: "${prefix}" is a file, not a directory`);
      }
    }
  }
}
