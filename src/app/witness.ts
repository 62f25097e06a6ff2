/**
 * Peers witness each other: a device that holds the witness role (endorsed in the ledger, not
 * revoked) cosigns the newest checkpoint it has verified, and the cosignature travels as a
 * `cosign` entry through whatever transport carries the ledger (core/ledger/proofs.ts has the
 * formats and the witness's checks: log signature, root, consistency with what it cosigned).
 *
 * A checkpoint commits to one peer's log: its entries in the order that peer admitted them.
 * Peers that synced over Yjs hold the same entries in other orders, so a witness can check the
 * root only with the log keeper's order: its own log when it received the ledger by file from
 * the keeper, or else the keeper's ledger file (`log`), which is imported through the validator
 * first and whose line order then stands in for the log. Without it the outcome is `needs-log`.
 */
import type { Signer } from '../core/crypto/signer.ts';
import { isPatchtrailError, type ErrorCode } from '../core/errors.ts';
import type { Entry } from '../core/ledger/entry.ts';
import { admitLines } from '../core/ledger/file.ts';
import { Ledger } from '../core/ledger/ledger.ts';
import {
  cosignLedgerCheckpoint,
  readLedgerCheckpoint,
  type LedgerCheckpoint,
} from '../core/ledger/proofs.ts';
import { importLedgerFile, readLedgerFile } from './file-sync.ts';

export type WitnessOutcome =
  | { status: 'cosigned'; entry: Entry; checkpoint: string }
  | { status: 'already'; entry: Entry; checkpoint: string }
  | { status: 'not-a-witness' }
  | { status: 'nothing-to-cosign' }
  | { status: 'needs-log'; checkpoint: string }
  | { status: 'refused'; checkpoint: string; code: ErrorCode; message: string };

export interface WitnessOptions {
  /** Advisory entry time (ISO), and the cosignature's timestamp (seconds since the epoch). */
  time: string;
  timestamp: number;
  /** The log keeper's ledger file, when this device's own order is not the log's. */
  log?: Uint8Array;
}

/** Holds the witness role, in standing. */
export function isWitness(ledger: Ledger, did: string): boolean {
  const identity = ledger.registry().identities.get(did);
  return identity !== undefined && !identity.malicious && identity.roles.witness !== undefined;
}

/** The newest readable checkpoint in standing by another device. */
async function newestCheckpoint(
  ledger: Ledger,
  witness: string,
): Promise<LedgerCheckpoint | undefined> {
  for (const entry of [...ledger.ofKind('checkpoint')].reverse()) {
    if (entry.author === witness || ledger.verified(entry.id) === undefined) continue;
    try {
      return await readLedgerCheckpoint(ledger.id, entry);
    } catch (error) {
      if (!isPatchtrailError(error)) throw error;
    }
  }
  return undefined;
}

/** A ledger with the log file's order first, then every entry of ours (so our head is the same). */
async function logOrdered(ledger: Ledger, log: Uint8Array): Promise<Ledger> {
  const file = await readLedgerFile(log);
  const view = await Ledger.open(file.genesis.bytes);
  await admitLines(view, file.lines);
  for (const entry of ledger.all())
    await view.admit(entry.bytes, { key: entry.id, verifiedBefore: true });
  return view;
}

export async function witnessNewestCheckpoint(
  ledger: Ledger,
  witness: Signer,
  options: WitnessOptions,
): Promise<WitnessOutcome> {
  if (!isWitness(ledger, witness.did)) return { status: 'not-a-witness' };
  if (options.log !== undefined) await importLedgerFile(ledger, options.log);
  const target = await newestCheckpoint(ledger, witness.did);
  if (target === undefined) return { status: 'nothing-to-cosign' };
  const checkpoint = target.entry.id;
  const cosign = (on: Ledger) =>
    cosignLedgerCheckpoint(on, witness, {
      time: options.time,
      timestamp: options.timestamp,
      logKey: target.key,
    });
  try {
    const own = await cosign(ledger).catch(async (error: unknown) => {
      // The root did not match our own order: check it against the keeper's order instead.
      if (
        !isPatchtrailError(error) ||
        error.code !== 'INVALID_METADATA' ||
        options.log === undefined
      )
        throw error;
      const made = await cosign(await logOrdered(ledger, options.log));
      const admitted = await ledger.admit(made.entry.bytes, { key: made.entry.id });
      if (admitted.status !== 'admitted' && admitted.status !== 'duplicate')
        throw new Error(
          `witness: our own cosign entry was not admitted: ${admitted.message ?? ''}`,
        );
      return made;
    });
    return { status: own.fresh ? 'cosigned' : 'already', entry: own.entry, checkpoint };
  } catch (error) {
    if (!isPatchtrailError(error)) throw error;
    if (error.code === 'INVALID_METADATA' && options.log === undefined)
      return { status: 'needs-log', checkpoint };
    return { status: 'refused', checkpoint, code: error.code, message: error.message };
  }
}
