/**
 * The verification records of the ledger store: admitted entries are kept in segments, each
 * one IndexedDB value holding many entries (so that a reopen reads a few large values rather
 * than one per entry, the cost that dominated it) together with the digest they were verified
 * under.
 *
 * A segment's `packed` bytes hold its entries' ids and lengths, then their bytes (`pack`). Its
 * `digest` is SHA-256 over a domain tag, the ledger id, the rules the entries passed
 * (RESTORE_RULES) and SHA-256(packed): it vouches for those exact ids and bytes, in that
 * order, in this ledger, under those rules. A store
 * writes a segment only with entries the ledger admitted (or held) after their own checks, so
 * a segment whose digest still matches may be restored without them (`Ledger.restore`).
 * Digests are checked with WebCrypto (native, off the main thread) and written with the
 * synchronous hasher (inside the write transaction, which an await on WebCrypto would end).
 * Pure bytes and digests, no storage: the store (src/storage) and the pool worker that reads
 * a large store (worker/segments-job.ts) both use it.
 */
import { sha256, sha256Sync } from '../crypto/hash.ts';
import { bytesEqual, concatBytes, utf8Encode } from '../encoding/bytes.ts';
import { RESTORE_RULES } from './restore.ts';

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

/** A segment's entries, and its text: every entry's bytes as one JSON array. */
export interface Unpacked {
  entries: PackedEntry[];
  text: Uint8Array;
}

const DOMAIN = utf8Encode('patchtrail verified segment v2\n');
/** Every id is `sha256:` and 64 hex digits: ASCII, one byte a character. */
const ID_CHARS = 71;
const [OPEN, COMMA, CLOSE] = [0x5b, 0x2c, 0x5d]; // [ , ]
const ascii = new TextDecoder('latin1');

/**
 * `entries` packed: their count (4 bytes, big-endian), their ids as one ASCII text, their
 * lengths (4 bytes each), then their bytes as the text of one JSON array, `[e1,e2,...]`, so
 * that a reopen decodes ids, and decodes and parses entries, a whole segment in one call each.
 */
export function pack(entries: readonly PackedEntry[]): Uint8Array {
  const n = entries.length;
  const lengths = 4 + ID_CHARS * n;
  const head = lengths + 4 * n;
  const text = entries.reduce((sum, e) => sum + e.bytes.length + 1, 0) + (n === 0 ? 2 : 1);
  const out = new Uint8Array(head + text);
  const view = new DataView(out.buffer);
  view.setUint32(0, n);
  out.set(utf8Encode(entries.map((e) => e.id).join('')), 4);
  let at = head;
  out[at++] = OPEN;
  entries.forEach(({ bytes }, i) => {
    view.setUint32(lengths + 4 * i, bytes.length);
    if (i > 0) out[at++] = COMMA;
    out.set(bytes, at);
    at += bytes.length;
  });
  out[at] = CLOSE;
  return out;
}

/**
 * The entries packed in `packed`, as views into it (no copies), or undefined when the framing
 * does not add up (a damaged segment; its digest will not match either).
 */
export function unpack(packed: Uint8Array): Unpacked | undefined {
  if (packed.length < 4) return undefined;
  const view = new DataView(packed.buffer, packed.byteOffset, packed.byteLength);
  const n = view.getUint32(0);
  const lengths = 4 + ID_CHARS * n;
  const head = lengths + 4 * n;
  if (head + 2 > packed.length) return undefined;
  const ids = ascii.decode(packed.subarray(4, lengths));
  const entries: PackedEntry[] = new Array<PackedEntry>(n);
  let at = head + 1;
  for (let i = 0; i < n; i++) {
    const length = view.getUint32(lengths + 4 * i);
    if (at + length + 1 > packed.length) return undefined;
    entries[i] = {
      id: ids.slice(ID_CHARS * i, ID_CHARS * (i + 1)),
      bytes: packed.subarray(at, at + length),
    };
    at += length + 1;
  }
  if (at !== packed.length) return undefined;
  return { entries, text: packed.subarray(head) };
}

/** The stored entries of `packed` (none when it is damaged beyond reading). */
export function storedEntries(packed: unknown): PackedEntry[] {
  return packed instanceof Uint8Array ? (unpack(packed)?.entries ?? []) : [];
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
