/**
 * The Node tree's commit journal on disk (see node-tree.ts for the protocol): its format, its
 * checksum, and reading it back. The journal is a file in the target, so it is read as
 * untrusted input.
 */
import { createHash } from 'node:crypto';
import { reject } from '../core/index.ts';
import { MAX_FILES_PER_DIFF } from '../core/diff/limits.ts';
import { checkPathSyntax } from '../core/diff/safety.ts';

/** Journals this build writes; version 1 (renamed into place whole, no checksum) is replayed. */
export const JOURNAL_VERSION = 2;
const JOURNAL_NAME = '.patchtrail/txn/journal.json';
/** A journal has an op for each file a diff touches. */
const MAX_JOURNAL_OPS = MAX_FILES_PER_DIFF;

export interface JournalOp {
  action: 'write' | 'delete';
  path: string;
  blob?: string;
  executable?: boolean;
}

export const opsChecksum = (ops: unknown): string =>
  createHash('sha256').update(JSON.stringify(ops)).digest('hex');

/**
 * The journal is a file in the target, so whoever can write there can plant one: every op is
 * checked before any is replayed, as a diff's paths are (checkPathSyntax: no escape, nothing in
 * .git/ or .patchtrail/), and a blob is one of the names `commit` gives (a decimal index), so a
 * journal cannot move a file from outside the staging directory into the target.
 */
function checkOps(ops: unknown): JournalOp[] {
  const bad = (why: string): never =>
    reject(
      'MALFORMED_INPUT',
      `${JOURNAL_NAME} is not a journal this tool wrote (${why}); nothing was changed: move it away to go on`,
    );
  if (!Array.isArray(ops) || ops.length > MAX_JOURNAL_OPS) return bad('no list of ops');
  const paths = new Set<string>();
  for (const op of ops as unknown[]) {
    if (typeof op !== 'object' || op === null) return bad('an op is not an object');
    const { action, path, blob, executable } = op as Record<string, unknown>;
    if (action !== 'write' && action !== 'delete') return bad('an op is neither write nor delete');
    if (typeof path !== 'string' || paths.has(path))
      return bad('an op has no path, or a repeated one');
    checkPathSyntax(path);
    paths.add(path);
    if (action === 'write' && (typeof blob !== 'string' || !/^(0|[1-9]\d{0,8})$/.test(blob)))
      return bad(`the write of ${JSON.stringify(path)} names no staged blob`);
    if (executable !== undefined && typeof executable !== 'boolean')
      return bad('an op has a non-boolean "executable"');
  }
  return ops as JournalOp[];
}

/**
 * A journal's ops; undefined when it was never committed (torn by a crash while it was being
 * written: not JSON, or its checksum fails). Throws for a version this build cannot replay,
 * and for ops it did not write (checkOps).
 */
export function readJournal(text: string): JournalOp[] | undefined {
  let journal: { version?: unknown; ops?: unknown; sha256?: unknown };
  try {
    journal = JSON.parse(text) as typeof journal;
  } catch {
    return undefined;
  }
  if (journal.version === 1) return checkOps(journal.ops);
  if (journal.version !== JOURNAL_VERSION)
    throw new Error(`journal version ${String(journal.version)} is not one this build replays`);
  return journal.sha256 === opsChecksum(journal.ops) ? checkOps(journal.ops) : undefined;
}
