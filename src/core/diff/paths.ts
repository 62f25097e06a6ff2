/**
 * Path text in diff headers: git's C-style quoting, /dev/null, and `-p N` stripping. Paths
 * come from untrusted diffs; safety checks against the target tree live with apply.
 */
import { reject } from '../errors.ts';

const encoder = new TextEncoder();

const ESCAPES = new Map([
  ['a', 0x07],
  ['b', 0x08],
  ['t', 0x09],
  ['n', 0x0a],
  ['v', 0x0b],
  ['f', 0x0c],
  ['r', 0x0d],
  ['"', 0x22],
  ['\\', 0x5c],
]);

/** Undoes git's quoting of unusual path names ("a/tab\there", octal escapes as UTF-8 bytes). */
export function unquoteGitPath(text: string): string {
  if (!text.startsWith('"')) return text;
  if (text.length < 2 || !text.endsWith('"'))
    reject('MALFORMED_INPUT', `unterminated quoted path: ${text}`);
  const bytes: number[] = [];
  const body = text.slice(1, -1);
  for (let i = 0; i < body.length; i++) {
    if (body[i] !== '\\') {
      // A whole code point: halves of a surrogate pair have no UTF-8 of their own.
      const c = String.fromCodePoint(body.codePointAt(i) ?? 0);
      bytes.push(...encoder.encode(c));
      i += c.length - 1;
      continue;
    }
    const next = body[++i] ?? '';
    if (/[0-7]/.test(next)) {
      const octal = body.slice(i, i + 3);
      if (!/^[0-7]{3}$/.test(octal)) reject('MALFORMED_INPUT', `bad octal escape in path: ${text}`);
      bytes.push(parseInt(octal, 8));
      i += 2;
    } else if (ESCAPES.has(next)) {
      bytes.push(ESCAPES.get(next) ?? 0);
    } else {
      reject('MALFORMED_INPUT', `bad escape in quoted path: ${text}`);
    }
  }
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(
      Uint8Array.from(bytes),
    );
  } catch {
    return reject('MALFORMED_INPUT', `quoted path is not UTF-8: ${text}`);
  }
}

/**
 * The path of a `---`/`+++` line: quoting undone, a trailing tab-separated timestamp dropped.
 * Before a tab the name is as written: git ends a name holding a space with a tab, so a name
 * ending in spaces keeps them (`diff -u` puts its timestamp after one). With no tab, trailing
 * white space is what a mailer or an editor left.
 */
export function headerPath(rest: string): string | null {
  let path = rest;
  if (path.startsWith('"')) {
    const end = findQuoteEnd(path);
    path = unquoteGitPath(path.slice(0, end + 1));
  } else {
    const tab = path.indexOf('\t');
    path = tab >= 0 ? path.slice(0, tab) : path.replace(/\s+$/, '');
  }
  return path === '/dev/null' ? null : path;
}

function findQuoteEnd(text: string): number {
  for (let i = 1; i < text.length; i++) {
    if (text[i] === '\\') i++;
    else if (text[i] === '"') return i;
  }
  return reject('MALFORMED_INPUT', `unterminated quoted path: ${text}`);
}

/**
 * Removes `n` leading components, as `git apply -p N` / `patch -p N` do (a run of slashes
 * counts as one separator; a leading "/" ends an empty first component). The remainder is
 * returned verbatim, so an absolute or odd remainder is left for the safety check to refuse.
 */
export function stripPath(path: string, n: number): string {
  const at = strippedAt(path, n);
  if (at === undefined || at >= path.length)
    reject('MALFORMED_INPUT', `cannot strip ${n} leading component(s) from "${path}"`);
  return path.slice(at);
}

/** Where `path` continues after its first `n` components and their slashes; undefined if fewer. */
export function strippedAt(path: string, n: number): number | undefined {
  let at = 0;
  for (let i = 0; i < n; i++) {
    const slash = path.indexOf('/', at);
    if (slash < 0) return undefined;
    at = slash;
    while (path[at] === '/') at++;
  }
  return at;
}

/** Splits the two paths of a `diff --git A B` line (quoted, or equal halves, or " b/"). */
export function gitHeaderPaths(rest: string): [string, string] | undefined {
  if (rest.startsWith('"')) {
    const end = findQuoteEnd(rest);
    const second = rest.slice(end + 2);
    return [unquoteGitPath(rest.slice(0, end + 1)), unquoteGitPath(second)];
  }
  const half = (rest.length - 1) / 2;
  if (Number.isInteger(half) && rest[half] === ' ') {
    const a = rest.slice(0, half);
    const b = rest.slice(half + 1);
    if (a.slice(a.indexOf('/') + 1) === b.slice(b.indexOf('/') + 1)) return [a, b];
  }
  const split = rest.indexOf(' b/');
  if (split > 0) return [rest.slice(0, split), unquoteGitPath(rest.slice(split + 1))];
  return undefined;
}
