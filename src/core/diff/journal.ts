/**
 * The commit journal, one format for every tree (Node directories, OPFS, picked folders):
 * `.patchtrail/txn/journal.json`, written after every new file is staged in
 * `.patchtrail/txn/new/<blob>`. Once whole, it is the commit point: its ops (deletes first,
 * then writes) are replayed in order, each idempotent, until the commit is done.
 *
 *   {"format":"patchtrail-txn","version":3,"ops":[...],"sha256":"<hex>"}
 *
 * `sha256` is over `JSON.stringify(ops)`: a journal that is not JSON or fails it was torn while
 * being written, so the commit point was never reached. In version 3 every write op also names
 * the SHA-256 of its staged blob, so a tree may make the blobs and the journal durable in one
 * flush: a blob torn by a crash during that flush fails its checksum, which proves the commit
 * point was never reached (`intactBlobs`). Version 2 (no blob checksums) is what a tree writes
 * that stages its blobs durably before the journal. Journals of earlier builds stay readable:
 * the Node tree's version 1 (no checksum) and 2 (no `format`), the browser tree's
 * `patchtrail-txn` version 1 (no checksum).
 *
 * The journal is a file in the target, so it is attacker-controlled: it is parsed with
 * own-property lookups and an exact set of keys, every path is checked as a diff's paths are,
 * and a blob is a decimal name inside the staging directory, each used once.
 */
import { sha256Sync } from '../crypto/hash.ts';
import { toHex, utf8Encode } from '../encoding/bytes.ts';
import { isPatchtrailError, reject } from '../errors.ts';
import { MAX_FILES_PER_DIFF } from './limits.ts';
import { checkPathSyntax } from './safety.ts';
import type { TreeChange } from './tree.ts';

export const STATE_DIR = '.patchtrail';
export const TXN_DIR = 'txn';
export const STAGED_DIR = 'new';
export const JOURNAL_FILE = 'journal.json';
export const JOURNAL_PATH = `${STATE_DIR}/${TXN_DIR}/${JOURNAL_FILE}`;
const FORMAT = 'patchtrail-txn';
/** With blob checksums (version 3) or without (version 2): see the header. */
const VERSION_WITH_BLOB_SUMS = 3;
const VERSION = 2;
/** A rename is a delete and a write, so a diff of the most files has twice as many ops. */
export const MAX_JOURNAL_OPS = 2 * MAX_FILES_PER_DIFF;
/** Ops of the longest paths (4,096 bytes, JSON-escaped up to 6×) stay far below this. */
export const MAX_JOURNAL_BYTES = 64 * 1024 * 1024;

export type JournalOp =
  | { action: 'write'; path: string; blob: string; executable: boolean; sha256?: string }
  | { action: 'delete'; path: string };

export interface PlannedCommit {
  /** Deletes first, then writes: a file can then replace a directory it empties, and back. */
  ops: JournalOp[];
  /** The bytes each write op stages, by blob name. */
  blobs: Map<string, Uint8Array>;
}

/** A journal read back: committed (replay `ops`), or torn before its commit point. */
export type JournalState = { committed: true; ops: JournalOp[] } | { committed: false };

/**
 * Orders the changes into journal ops and names their staged blobs. A path may change once
 * (two ops on one path would not be idempotent): a repeat is a bug in the caller.
 */
export function planCommit(changes: readonly TreeChange[]): PlannedCommit {
  const seen = new Set<string>();
  for (const change of changes) {
    checkPathSyntax(change.path);
    if (seen.has(change.path))
      throw new TypeError(`commit: more than one change to ${JSON.stringify(change.path)}`);
    seen.add(change.path);
  }
  const ops: JournalOp[] = [];
  const blobs = new Map<string, Uint8Array>();
  for (const change of changes)
    if (change.action === 'delete') ops.push({ action: 'delete', path: change.path });
  for (const change of changes) {
    if (change.action !== 'write') continue;
    const blob = String(blobs.size);
    blobs.set(blob, change.content);
    ops.push({ action: 'write', path: change.path, blob, executable: change.executable });
  }
  return { ops, blobs };
}

const checksum = (ops: unknown): string => toHex(sha256Sync(utf8Encode(JSON.stringify(ops))));

const hasBlobSum = (op: JournalOp): boolean => op.action === 'write' && op.sha256 !== undefined;

/**
 * The journal's bytes: version 3 when the write ops carry their blobs' SHA-256 (all of them,
 * or it is a bug in the caller), version 2 when none does.
 */
export function encodeJournal(ops: readonly JournalOp[]): Uint8Array {
  const writes = ops.filter((op) => op.action === 'write');
  const summed = writes.filter(hasBlobSum).length;
  if (summed !== 0 && summed !== writes.length)
    throw new TypeError('encodeJournal: every write op names its blob SHA-256, or none does');
  const version = summed === 0 ? VERSION : VERSION_WITH_BLOB_SUMS;
  const journal = { format: FORMAT, version, ops, sha256: checksum(ops) };
  return utf8Encode(JSON.stringify(journal));
}

function refuse(why: string): never {
  return reject(
    'MALFORMED_INPUT',
    `${JOURNAL_PATH} is not a journal this tool wrote (${why}); nothing was changed: move ${STATE_DIR} away to go on`,
  );
}

type Fields = Record<string, unknown>;

/** The object's own fields, refusing anything but a plain object with only `allowed` keys. */
function fieldsOf(value: unknown, allowed: readonly string[], what: string): Fields {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    return refuse(`${what} is not an object`);
  const fields: Fields = Object.create(null) as Fields;
  for (const key of Object.keys(value)) {
    if (!allowed.includes(key)) refuse(`${what} has an unknown key ${JSON.stringify(key)}`);
    fields[key] = (value as Fields)[key];
  }
  return fields;
}

function checkedPath(path: unknown, index: number): string {
  if (typeof path !== 'string') return refuse(`op ${index} has no string "path"`);
  try {
    return checkPathSyntax(path);
  } catch (error) {
    if (!isPatchtrailError(error)) throw error;
    return reject(
      error.code,
      `${JOURNAL_PATH}, op ${index}: ${error.message}; nothing was changed`,
    );
  }
}

const OP_KEYS = ['action', 'path', 'blob', 'executable'];

function checkOp(value: unknown, index: number, blobs: Set<string>, summed: boolean): JournalOp {
  const op = fieldsOf(value, summed ? [...OP_KEYS, 'sha256'] : OP_KEYS, `op ${index}`);
  const path = checkedPath(op.path, index);
  if (op.action === 'delete') {
    if (op.blob !== undefined || op.executable !== undefined || op.sha256 !== undefined)
      refuse(`op ${index} deletes and names a blob`);
    return { action: 'delete', path };
  }
  if (op.action !== 'write') return refuse(`op ${index} is neither a write nor a delete`);
  const { blob, executable = false, sha256 } = op;
  if (typeof blob !== 'string' || !/^(0|[1-9][0-9]{0,8})$/.test(blob) || blobs.has(blob))
    refuse(`op ${index} names no staged blob, or one another op names`);
  if (typeof executable !== 'boolean') refuse(`op ${index} has a non-boolean "executable"`);
  blobs.add(blob);
  if (!summed) return { action: 'write', path, blob, executable };
  if (typeof sha256 !== 'string' || !/^[0-9a-f]{64}$/.test(sha256))
    refuse(`op ${index} has no hex "sha256" of its blob`);
  return { action: 'write', path, blob, executable, sha256 };
}

function checkOps(value: unknown, summed: boolean): JournalOp[] {
  if (!Array.isArray(value) || value.length > MAX_JOURNAL_OPS)
    refuse(`"ops" is not a list of at most ${MAX_JOURNAL_OPS} ops`);
  const blobs = new Set<string>();
  const paths = new Set<string>();
  return (value as unknown[]).map((item, index) => {
    const op = checkOp(item, index, blobs, summed);
    if (paths.has(op.path)) refuse(`two ops change ${JSON.stringify(op.path)}`);
    paths.add(op.path);
    return op;
  });
}

/** Reads a journal's bytes. Throws MALFORMED_INPUT or UNSAFE_PATH for what no build wrote. */
export function decodeJournal(bytes: Uint8Array): JournalState {
  if (bytes.length > MAX_JOURNAL_BYTES) refuse(`larger than ${MAX_JOURNAL_BYTES} bytes`);
  let value: unknown;
  try {
    value = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch {
    return { committed: false }; // cut short while being written
  }
  const journal = fieldsOf(value, ['format', 'version', 'ops', 'sha256'], 'the journal');
  const { format, version, sha256 } = journal;
  if (format !== undefined && format !== FORMAT)
    refuse(`format ${JSON.stringify(format)}, expected ${JSON.stringify(FORMAT)}`);
  if (version !== 1 && version !== 2 && version !== VERSION_WITH_BLOB_SUMS)
    refuse(`version ${JSON.stringify(version)} is not one this build replays (1, 2 or 3)`);
  if (version === 1 && sha256 !== undefined) refuse('a version 1 journal has no "sha256"');
  if (version !== 1 && typeof sha256 !== 'string')
    refuse(`a version ${version} journal has no "sha256"`);
  if (!Array.isArray(journal.ops)) refuse('"ops" is not a list');
  if (version !== 1 && sha256 !== checksum(journal.ops)) return { committed: false };
  return { committed: true, ops: checkOps(journal.ops, version === VERSION_WITH_BLOB_SUMS) };
}

/** What a staging directory holds under a blob's name. */
export type StagedKind = 'file' | 'missing' | 'other';

/**
 * The ops a replay still has to run, in order. A staged blob leaves the staging directory
 * only when its write is done, and ops run in order, so a missing blob proves that write and
 * every op before it finished: re-running those could do harm where two paths name one file
 * (a case-only rename on a case-insensitive disk). Every write still to run must find its
 * blob as a regular file, or nothing is replayed.
 */
export async function remainingOps(
  ops: readonly JournalOp[],
  staged: (blob: string) => Promise<StagedKind>,
): Promise<JournalOp[]> {
  const kinds = new Map<string, StagedKind>();
  let start = 0;
  for (const [index, op] of ops.entries()) {
    if (op.action !== 'write') continue;
    const kind = await staged(op.blob);
    kinds.set(op.blob, kind);
    if (kind === 'missing') start = index + 1;
  }
  const rest = ops.slice(start);
  for (const op of rest) {
    if (op.action === 'write' && kinds.get(op.blob) !== 'file') {
      reject(
        'UNSAFE_PATH',
        `${STATE_DIR}/${TXN_DIR}/${STAGED_DIR}/${op.blob}, staged for ${JSON.stringify(op.path)}, is not a regular file; nothing was changed: move ${STATE_DIR} away to go on`,
      );
    }
  }
  return rest;
}

/**
 * Whether the staged blobs still to be moved hold the bytes a version 3 journal names (a
 * journal without blob checksums has nothing to check). The blobs and the journal are made
 * durable in one flush and nothing is replayed before it completes, so a blob that fails its
 * checksum while no op shows any sign of having run (every blob still staged, every file to
 * delete still there) was torn by a crash during that flush: the commit point was never
 * reached, and false says so (discard). After replay began, every blob was durable, so a
 * changed one was put there: refused (MALFORMED_INPUT), nothing replayed.
 */
export async function intactBlobs(
  ops: readonly JournalOp[],
  rest: readonly JournalOp[],
  blobSum: (blob: string) => Promise<string>,
  isFile: (path: string) => Promise<boolean>,
): Promise<boolean> {
  let torn: Extract<JournalOp, { action: 'write' }> | undefined;
  for (const op of rest) {
    if (op.action !== 'write' || op.sha256 === undefined) continue;
    if ((await blobSum(op.blob)) !== op.sha256) torn ??= op;
  }
  if (torn === undefined) return true;
  let untouched = rest.length === ops.length;
  for (const op of ops) if (op.action === 'delete') untouched &&= await isFile(op.path);
  if (untouched) return false;
  return reject(
    'MALFORMED_INPUT',
    `${STATE_DIR}/${TXN_DIR}/${STAGED_DIR}/${torn.blob}, staged for ${JSON.stringify(torn.path)}, does not hold the bytes ${JOURNAL_PATH} names, and the commit was already being replayed; nothing more was changed: move ${STATE_DIR} away to go on`,
  );
}
