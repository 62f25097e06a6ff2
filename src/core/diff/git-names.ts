/**
 * The names a `diff --git` file patch gives itself, which must agree, as `git apply` requires
 * (git's apply.c, `gitdiff_verify_name`): the "diff --git" line, "rename/copy from/to", the
 * "---"/"+++" lines and the "new/deleted file mode" lines all describe one change. A diff whose
 * names disagree is ambiguous (which file does it change?) and is refused with
 * `MALFORMED_INPUT` naming both, never applied to whichever name a reader happens to pick.
 *
 * Names are compared after `-p N`: the "diff --git" and "---"/"+++" names lose N components,
 * the "rename/copy" names (written without the a/ b/ prefix) lose N - 1, as git does.
 */
import { reject } from '../errors.ts';
import { gitHeaderPaths, stripPath, strippedAt, unquoteGitPath } from './paths.ts';

export interface GitNames {
  /** The text after "diff --git ". */
  header: string;
  /** 1-based line number of the "diff --git" line. */
  line: number;
  from?: { kind: 'rename' | 'copy'; path: string };
  to?: { kind: 'rename' | 'copy'; path: string };
  /** The "---" / "+++" paths; null for /dev/null, undefined when there is no such line. */
  oldPath?: string | null;
  newPath?: string | null;
  created?: boolean;
  deleted?: boolean;
}

function disagree(names: GitNames, what: string): never {
  return reject('MALFORMED_INPUT', `diff line ${names.line}: ${what}`);
}

/** True when "diff --git" reads as the two names, after stripping (quoted or not). */
function headerAgrees(header: string, strip: number, oldName: string, newName: string): boolean {
  const stripped = (path: string) => {
    const at = strippedAt(path, strip);
    return at === undefined ? undefined : path.slice(at);
  };
  if (header.startsWith('"')) {
    const pair = gitHeaderPaths(header);
    return pair !== undefined && stripped(pair[0]) === oldName && stripped(pair[1]) === newName;
  }
  // Unquoted, names may hold spaces: the first name starts after N components of the line.
  const at = strippedAt(header, strip);
  if (at === undefined || !header.startsWith(`${oldName} `, at)) return false;
  const second = header.slice(at + oldName.length + 1);
  return stripped(unquoteGitPath(second)) === newName;
}

function renameNames(names: GitNames, strip: number): [string, string] {
  const { from, to } = names;
  if (from === undefined || to === undefined) {
    const kind = (from ?? to)?.kind ?? 'rename';
    return disagree(names, `"${kind} from" and "${kind} to" come in pairs; one is missing`);
  }
  if (from.kind !== to.kind) disagree(names, `"${from.kind} from" with "${to.kind} to"`);
  if (names.created === true || names.deleted === true)
    disagree(names, `a ${from.kind} cannot also be a created or deleted file`);
  const oldName = stripPath(from.path, Math.max(strip - 1, 0));
  const newName = stripPath(to.path, Math.max(strip - 1, 0));
  const sides = [
    ['from', from.path, oldName, '---', names.oldPath],
    ['to', to.path, newName, '+++', names.newPath],
  ] as const;
  for (const [side, given, name, marker, path] of sides) {
    if (path === undefined) continue;
    if (path === null || stripPath(path, strip) !== name) {
      disagree(
        names,
        `"${from.kind} ${side} ${given}" disagrees with "${marker} ${path ?? '/dev/null'}"`,
      );
    }
  }
  if (!headerAgrees(names.header, strip, oldName, newName)) {
    disagree(
      names,
      `"diff --git ${names.header}" disagrees with "${from.kind} from ${from.path}" / "${to.kind} to ${to.path}"`,
    );
  }
  return [oldName, newName];
}

/** Checks "---"/"+++" against the mode lines; the one name they give, if any. */
function markerName(names: GitNames, strip: number): string | undefined {
  const { oldPath, newPath } = names;
  if (oldPath === null && names.created !== true)
    disagree(names, '"--- /dev/null" on a file that is not created ("new file mode")');
  if (newPath === null && names.deleted !== true)
    disagree(names, '"+++ /dev/null" on a file that is not deleted ("deleted file mode")');
  if (typeof oldPath === 'string' && names.created === true)
    disagree(names, `"new file mode" with "--- ${oldPath}" (a created file has no old name)`);
  if (typeof newPath === 'string' && names.deleted === true)
    disagree(names, `"deleted file mode" with "+++ ${newPath}" (a deleted file has no new name)`);
  const oldName = typeof oldPath === 'string' ? stripPath(oldPath, strip) : undefined;
  const newName = typeof newPath === 'string' ? stripPath(newPath, strip) : undefined;
  if (oldName !== undefined && newName !== undefined && oldName !== newName) {
    disagree(
      names,
      `"--- ${oldPath as string}" and "+++ ${newPath as string}" name two files, but this is no rename or copy`,
    );
  }
  return oldName ?? newName;
}

/**
 * The old and new target paths of a git file patch (null: /dev/null), after `-p strip`, once
 * every name it gives agrees. `MALFORMED_INPUT` naming both sides when two disagree.
 */
export function gitFileNames(names: GitNames, strip: number): [string | null, string | null] {
  if (names.from !== undefined || names.to !== undefined) return renameNames(names, strip);
  let name = markerName(names, strip);
  if (name === undefined) {
    const pair = gitHeaderPaths(names.header);
    if (pair === undefined) return disagree(names, 'cannot read the paths of "diff --git"');
    name = stripPath(pair[0], strip);
  }
  if (!headerAgrees(names.header, strip, name, name)) {
    const marker = names.oldPath ?? names.newPath;
    const other = marker === undefined ? 'itself (two different files)' : `"${marker}"`;
    disagree(names, `"diff --git ${names.header}" disagrees with ${other}`);
  }
  return [names.created === true ? null : name, names.deleted === true ? null : name];
}
