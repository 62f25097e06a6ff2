/**
 * File changes a bundle may carry but no apply carries out. Each is refused by the planner
 * (plan.ts) and, earlier, by the agent's check (extract-metadata), so that nothing calls a
 * bundle applicable that every apply would refuse.
 */
import type { FilePatch, ParsedDiff } from './model.ts';

/** A file change a bundle may carry but no apply carries out, and what it is. */
export interface UnappliableChange {
  /** The name the file ends with (the old one for a deletion). */
  path: string;
  what: 'binary patch' | 'symbolic link' | 'submodule';
}

/** The file-type bits of a mode, and git's types for a symbolic link and a submodule. */
const TYPE_BITS = 0o170000;
const SYMBOLIC_LINK = 0o120000;
const GITLINK = 0o160000;

/** What a mode line's type says, read as git reads it (an octal number; "0120000" too). */
function typeOf(mode: string): UnappliableChange['what'] | undefined {
  const type = Number.parseInt(mode, 8) & TYPE_BITS; // NaN (not a number) & bits is 0
  return type === SYMBOLIC_LINK ? 'symbolic link' : type === GITLINK ? 'submodule' : undefined;
}

/**
 * Why no apply carries out this file's change, or undefined: a binary patch ("GIT binary
 * patch", "Binary files … differ") has nothing that can be checked line by line against the
 * target, and a symbolic link or submodule (by any of git's mode lines) is not a regular file;
 * patchtrail writes regular files only, and never creates a link in a target.
 */
export function unappliableKind(file: FilePatch): UnappliableChange['what'] | undefined {
  if (file.binary) return 'binary patch';
  for (const mode of [file.oldMode, file.newMode, file.indexMode]) {
    const what = mode === undefined ? undefined : typeOf(mode);
    if (what !== undefined) return what;
  }
  return undefined;
}

/** Every file change in the diff that no apply carries out (plan.ts refuses each). */
export function unappliableChanges(diff: ParsedDiff): UnappliableChange[] {
  const found: UnappliableChange[] = [];
  for (const file of diff.files) {
    const what = unappliableKind(file);
    if (what !== undefined) found.push({ path: file.newPath ?? file.oldPath ?? '', what });
  }
  return found;
}

/** How the agent's check words its stop for such changes; the app reads the list back after it. */
export const UNAPPLIABLE_LEAD = 'no apply carries out ';

/** "b.bin (a binary patch), link (a symbolic link)": at most `max` named, then how many more. */
export function describeUnappliable(changes: readonly UnappliableChange[], max = 3): string {
  const named = changes.slice(0, max).map((c) => `${c.path} (a ${c.what})`);
  const more = changes.length - named.length;
  return more > 0 ? `${named.join(', ')} and ${more} more` : named.join(', ');
}
