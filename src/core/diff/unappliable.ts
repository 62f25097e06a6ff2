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

/** git's modes for a symbolic link and a submodule (a "gitlink"). */
const UNAPPLIABLE_MODES: Readonly<Record<string, UnappliableChange['what']>> = {
  '120000': 'symbolic link',
  '160000': 'submodule',
};

/**
 * Why no apply carries out this file's change, or undefined: a binary patch ("GIT binary
 * patch", "Binary files … differ") has nothing that can be checked line by line against the
 * target, and a symbolic link or submodule (by any of git's mode lines) is not a regular file;
 * patchtrail writes regular files only, and never creates a link in a target.
 */
export function unappliableKind(file: FilePatch): UnappliableChange['what'] | undefined {
  if (file.binary) return 'binary patch';
  for (const mode of [file.oldMode, file.newMode, file.indexMode])
    if (mode !== undefined && Object.hasOwn(UNAPPLIABLE_MODES, mode))
      return UNAPPLIABLE_MODES[mode];
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

/** "b.bin (a binary patch), link (a symbolic link)": at most `max` named, then how many more. */
export function describeUnappliable(changes: readonly UnappliableChange[], max = 3): string {
  const named = changes.slice(0, max).map((c) => `${c.path} (a ${c.what})`);
  const more = changes.length - named.length;
  return more > 0 ? `${named.join(', ')} and ${more} more` : named.join(', ');
}
