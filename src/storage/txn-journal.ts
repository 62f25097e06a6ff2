/**
 * The commit journal of a directory tree: `.patchtrail/txn/journal.json`, written last, after
 * every new file is staged in `.patchtrail/txn/new/`. Its existence is the commit point. It
 * lists the operations in the order they are applied; each is idempotent, so replaying the
 * journal after a crash at any moment finishes the commit.
 *
 * The journal is read back from the user's storage, which in a picked folder anyone can edit,
 * so `parseJournal` checks its shape and every path before anything acts on it.
 */
import { reject } from '../core/errors.ts';
import type { TreeChange } from '../core/diff/tree.ts';
import { pathNames } from './handles.ts';

export const STATE_DIR = '.patchtrail';
export const TXN_DIR = 'txn';
export const STAGED_DIR = 'new';
export const JOURNAL_FILE = 'journal.json';

export type JournalOp =
  { action: 'write'; path: string; blob: string } | { action: 'delete'; path: string };

interface Journal {
  format: 'patchtrail-txn';
  version: 1;
  ops: JournalOp[];
}

export interface PlannedCommit {
  /** Deletes first, then writes: a file can then replace a directory it empties, and back. */
  ops: JournalOp[];
  /** The bytes of each write op, by blob name. */
  blobs: Map<string, Uint8Array>;
}

/**
 * Orders the changes into journal ops and names their staged blobs. Paths are checked again;
 * a path may appear once, because a journal with two ops on one path would not be idempotent.
 */
export function planCommit(changes: readonly TreeChange[]): PlannedCommit {
  const seen = new Set<string>();
  for (const change of changes) {
    pathNames(change.path);
    if (seen.has(change.path)) {
      throw new TypeError(`commit: more than one change to ${JSON.stringify(change.path)}`);
    }
    seen.add(change.path);
  }
  const ops: JournalOp[] = [];
  const blobs = new Map<string, Uint8Array>();
  for (const change of changes) {
    if (change.action === 'delete') ops.push({ action: 'delete', path: change.path });
  }
  for (const change of changes) {
    if (change.action !== 'write') continue;
    const blob = String(blobs.size);
    blobs.set(blob, change.content);
    ops.push({ action: 'write', path: change.path, blob });
  }
  return { ops, blobs };
}

export function encodeJournal(ops: readonly JournalOp[]): Uint8Array {
  const journal: Journal = { format: 'patchtrail-txn', version: 1, ops: [...ops] };
  return new TextEncoder().encode(JSON.stringify(journal));
}

function parseOp(value: unknown, index: number): JournalOp {
  const bad = (what: string): never =>
    reject('MALFORMED_INPUT', `${STATE_DIR}/${TXN_DIR}/${JOURNAL_FILE}: op ${index} ${what}`);
  if (typeof value !== 'object' || value === null) return bad('is not an object');
  const op = value as Record<string, unknown>;
  if (typeof op.path !== 'string') return bad('has no string "path"');
  pathNames(op.path);
  if (op.action === 'delete') return { action: 'delete', path: op.path };
  if (op.action !== 'write')
    return bad(`has action ${JSON.stringify(op.action)}, expected "write" or "delete"`);
  if (typeof op.blob !== 'string' || !/^(0|[1-9][0-9]*)$/.test(op.blob)) {
    return bad('has no numeric "blob" name');
  }
  return { action: 'write', path: op.path, blob: op.blob };
}

export function parseJournal(bytes: Uint8Array): JournalOp[] {
  let value: unknown;
  try {
    value = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch (error) {
    return reject(
      'MALFORMED_INPUT',
      `${STATE_DIR}/${TXN_DIR}/${JOURNAL_FILE} is not JSON: ${String(error)}`,
    );
  }
  const journal = value as Partial<Journal> | null;
  if (
    journal?.format !== 'patchtrail-txn' ||
    journal.version !== 1 ||
    !Array.isArray(journal.ops)
  ) {
    reject(
      'MALFORMED_INPUT',
      `${STATE_DIR}/${TXN_DIR}/${JOURNAL_FILE}: expected a patchtrail-txn version 1 journal`,
    );
  }
  return journal.ops.map(parseOp);
}
