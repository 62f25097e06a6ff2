/**
 * The permission bits a file written by `apply` gets. A commit writes every file anew (staged,
 * then renamed into place), so a file it modifies would otherwise take a new file's mode and
 * the applying user as owner: a private 0600 file would become 0644, and root applying would
 * take a user's file from them. GNU patch keeps both, and so does this: a modified, renamed or
 * copied file keeps the permission bits (mode & 0o7777) and, where the process may set them,
 * the owner and group of the file it came from (tree.ts `TreeChange.keeps`).
 */

/** A new file's mode, as before: git's two modes. */
export const newFileMode = (executable: boolean): number => (executable ? 0o755 : 0o644);

/**
 * The permission bits of a file that had `before` (a stat mode) and is now `executable` or not:
 * kept as they were, unless the diff changed the executable bit (git's `old mode`/`new mode`).
 * Then, as git does, 100755 adds x where r is set (and for the owner always, so the bit the tree
 * hash records is the one the file has), and 100644 clears every x.
 */
export function keptMode(before: number, executable: boolean): number {
  const bits = before & 0o7777;
  if (((bits & 0o100) !== 0) === executable) return bits;
  if (!executable) return bits & ~0o111;
  return bits | 0o100 | ((bits & 0o044) >> 2);
}

/**
 * The bits to give a file whose owner or group could not be kept (a user other than root may
 * not give a file away): without set-user-ID when the owner is not the old one, and without
 * set-group-ID and with no more for the new group than for others when the group is not the
 * old one (`cp -p` drops the same bits), so another group never gains access the file did not
 * give everyone. A file given to this process is readable by it, so the commit can sync it and
 * read it back (it could read the file it replaces, or could not have patched it).
 */
export function modeForOwner(mode: number, kept: { uid: boolean; gid: boolean }): number {
  let bits = mode;
  if (!kept.uid) bits = (bits & ~0o4000) | 0o400;
  if (!kept.gid) bits = (bits & ~0o2070) | (bits & ((bits & 0o007) << 3));
  return bits;
}
