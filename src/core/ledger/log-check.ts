/**
 * A ledger against its own signed tree heads. A peer's ledger is an RFC 9162 log whose leaves
 * are its entries in admission order (proofs.ts); every checkpoint of that log must still
 * describe the first `size` leaves. A file whose lines were reordered or removed no longer
 * does, and must neither pass `ledger verify` nor get a new, inconsistent checkpoint signed.
 *
 * Which checkpoints are the file's own? Checkpoints of other peers' logs travel in the ledger
 * too (their leaves are in another order), so a checkpoint is only held against this ledger
 * when its log is this ledger's: some checkpoint of that log (same origin, same key) matches
 * the leaves, or sits exactly where `ledger checkpoint` records one (right after the `size`
 * leaves it covers), or before that (it cannot precede what it covers: leaves were removed).
 * Known limit: an entry moved from after a log's only checkpoint to before it looks like
 * another peer's log, and is not caught.
 */
import { bytesEqual, toHex } from '../encoding/bytes.ts';
import { reject } from '../errors.ts';
import type { LedgerView } from './ledger-view.ts';
import { codedOnly, ledgerLog, readLedgerCheckpoint, type LedgerCheckpoint } from './ledger-log.ts';

export interface CheckpointProblem {
  /** The checkpoint entry's id. */
  checkpoint: string;
  origin: string;
  size: number;
  /** Its leaf index (its position among the admitted entries). */
  at: number;
  message: string;
}

interface Placed {
  read: LedgerCheckpoint;
  at: number;
  matches: boolean;
}

const logOf = (read: LedgerCheckpoint) => `${read.key.name} ${toHex(read.key.publicKey)}`;

/** The checkpoints of this ledger's own logs that no longer describe it, with why. */
export async function inconsistentCheckpoints(ledger: LedgerView): Promise<CheckpointProblem[]> {
  if ([...ledger.ofKind('checkpoint')].length === 0) return [];
  const { tree, index } = ledgerLog(ledger);
  const placed: Placed[] = [];
  for (const entry of ledger.ofKind('checkpoint')) {
    const read = await readLedgerCheckpoint(ledger.id, entry).catch(codedOnly);
    if (read === undefined) continue;
    const { size, rootHash } = read.checkpoint;
    const matches = size <= tree.size && bytesEqual(tree.root(size), rootHash);
    placed.push({ read, at: index.get(entry.id) as number, matches });
  }
  const own = new Set(
    placed.filter((p) => p.matches || p.at <= p.read.checkpoint.size).map((p) => logOf(p.read)),
  );
  return placed
    .filter((p) => own.has(logOf(p.read)) && (!p.matches || p.at < p.read.checkpoint.size))
    .map(({ read, at, matches }) => {
      const { origin, size } = read.checkpoint;
      const message = matches
        ? `checkpoint ${read.entry.id} covers ${size} entries but is entry ${at}: entries before it were removed`
        : `checkpoint ${read.entry.id} (${origin}, size ${size}) does not match this ledger's first ${size} entries: entries were reordered, removed or inserted`;
      return { checkpoint: read.entry.id, origin, size, at, message };
    });
}

/**
 * Refuses (INVALID_METADATA) to extend a log whose earlier checkpoints under the same origin
 * and key no longer describe this ledger: signing would make the log contradict itself.
 */
export async function assertLogConsistent(
  ledger: LedgerView,
  origin: string,
  publicKey: Uint8Array,
): Promise<void> {
  const { tree } = ledgerLog(ledger);
  for (const entry of ledger.ofKind('checkpoint')) {
    const read = await readLedgerCheckpoint(ledger.id, entry).catch(codedOnly);
    if (read === undefined || read.key.name !== origin) continue;
    if (!bytesEqual(read.key.publicKey, publicKey)) continue;
    const { size, rootHash } = read.checkpoint;
    if (size > tree.size || !bytesEqual(tree.root(size), rootHash))
      reject(
        'INVALID_METADATA',
        `this ledger's first ${size} entries do not hash to checkpoint ${entry.id} of "${origin}": entries were reordered or removed since; not signing an inconsistent tree head`,
      );
  }
}
