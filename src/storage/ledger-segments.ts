/**
 * The verification records of the ledger store: admitted entries are kept in segments, each
 * one IndexedDB value holding many entries (so that a reopen reads a few large values rather
 * than one per entry, the cost that dominated it) together with the digest they were verified
 * under.
 *
 * A segment's `packed` bytes frame each entry as its id (the 32 raw bytes of its SHA-256),
 * its length (4 bytes, big-endian) and its bytes. Its `digest` is SHA-256 over a domain tag,
 * the ledger id, the rules the entries passed (RESTORE_RULES) and SHA-256(packed): it vouches
 * for those exact ids and bytes, in that order, in this ledger, under those rules. A store
 * writes a segment only with entries the ledger admitted (or held) after their own checks, so
 * a segment whose digest still matches may be restored without them (`Ledger.restore`).
 * Digests are checked with WebCrypto (native, off the main thread) and written with the
 * synchronous hasher (inside the write transaction, which an await on WebCrypto would end).
 */
import { sha256, sha256Sync } from '../core/crypto/hash.ts';
import { bytesEqual, concatBytes, toHex, utf8Encode } from '../core/encoding/bytes.ts';
import { RESTORE_RULES } from '../core/ledger/restore.ts';

/** One stored entry: its id and its exact bytes. */
export interface PackedEntry {
  id: string;
  bytes: Uint8Array;
}

/** A segment as stored; `key` orders the log (entries in order within it). */
export interface SegmentRow {
  key?: number;
  rules: number;
  count: number;
  packed: Uint8Array;
  digest: Uint8Array;
}

const DOMAIN = utf8Encode('patchtrail verified segment v1\n');
const ID_PREFIX = 'sha256:';
const FRAME = 36;

function idBytes(id: string): Uint8Array {
  const out = new Uint8Array(32);
  for (let i = 0; i < 32; i++)
    out[i] = parseInt(id.slice(ID_PREFIX.length + 2 * i, ID_PREFIX.length + 2 * i + 2), 16);
  return out;
}

/** The frames of `entries`, one after another (ids are `sha256:` + 64 hex digits). */
export function pack(entries: readonly PackedEntry[]): Uint8Array {
  const size = entries.reduce((sum, e) => sum + FRAME + e.bytes.length, 0);
  const out = new Uint8Array(size);
  const view = new DataView(out.buffer);
  let at = 0;
  for (const { id, bytes } of entries) {
    out.set(idBytes(id), at);
    view.setUint32(at + 32, bytes.length);
    out.set(bytes, at + FRAME);
    at += FRAME + bytes.length;
  }
  return out;
}

/**
 * The entries framed in `packed`, as views into it (no copies). Stops at a frame that does not
 * fit: a damaged segment gives what precedes the damage, and its digest will not match.
 */
export function unpack(packed: Uint8Array): PackedEntry[] {
  const out: PackedEntry[] = [];
  const view = new DataView(packed.buffer, packed.byteOffset, packed.byteLength);
  for (let at = 0; at + FRAME <= packed.length;) {
    const length = view.getUint32(at + 32);
    const end = at + FRAME + length;
    if (end > packed.length) break;
    out.push({
      id: ID_PREFIX + toHex(packed.subarray(at, at + 32)),
      bytes: packed.subarray(at + FRAME, end),
    });
    at = end;
  }
  return out;
}

function outerDigest(ledgerId: string, rules: number, inner: Uint8Array): Uint8Array {
  const header = utf8Encode(`${ledgerId}\n${rules}\n`);
  return sha256Sync(concatBytes(DOMAIN, header, inner));
}

/** A segment of entries that passed their own checks under RESTORE_RULES. */
export function makeSegment(ledgerId: string, entries: readonly PackedEntry[]): SegmentRow {
  const packed = pack(entries);
  const digest = outerDigest(ledgerId, RESTORE_RULES, sha256Sync(packed));
  return { rules: RESTORE_RULES, count: entries.length, packed, digest };
}

/** Whether the row's digest vouches for its bytes under the current rules (untrusted row). */
export async function segmentVouched(ledgerId: string, row: SegmentRow): Promise<boolean> {
  if (row.rules !== RESTORE_RULES) return false;
  if (!(row.packed instanceof Uint8Array) || !(row.digest instanceof Uint8Array)) return false;
  const inner = await sha256(row.packed);
  return bytesEqual(outerDigest(ledgerId, row.rules, inner), row.digest);
}
