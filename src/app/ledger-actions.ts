/**
 * What an open team ledger does on request (ledger-session.ts builds it): admit untrusted
 * input (a joiner's own register entry, a ledger file's lines), sign this device's actions
 * (endorse, revoke, a new name, a witness's cosignature), and write the ledger out as a file,
 * whole or what is new since a peer's heads. Each action is durable in the store before it is
 * reported done, and moves the screens' revision at once.
 */
import { utcTimestamp } from '../core/bundle/time.ts';
import type { Signer } from '../core/crypto/signer.ts';
import { isPatchtrailError, reject, type ErrorCode } from '../core/errors.ts';
import { ledgerLines } from '../core/ledger/file.ts';
import { equivocatorsOf, newlyEquivocated } from '../core/ledger/queries.ts';
import type { LedgerDbLoss, LedgerStore } from '../storage/ledger-store.ts';
import { admitFileLines, exportLedgerFile, headsOf, notThisLedger } from './file-sync.ts';
import { nameOf } from './ledger-rows.ts';
import type { WorkerPool } from './worker-pool.ts';
import { witnessNewestCheckpoint, type WitnessOutcome } from './witness.ts';

export type ActionResult =
  { ok: true } | { ok: false; code: ErrorCode | 'FAILED'; message: string };

export interface ImportReport {
  admitted: number;
  duplicate: number;
  held: number;
  /** The first LISTED_LINES refused lines; `rejectedCount` counts them all. */
  rejected: { line: number; code: string; message: string }[];
  rejectedCount: number;
  /** Bytes after the file's last line break: an incomplete last line, not imported. */
  truncatedTail: number;
  /** Identities this import showed signing two entries at one position, named as the team sees them. */
  equivocators: { did: string; name: string; seq: number }[];
}

export interface SessionOptions {
  signer: () => Signer;
  onError: (error: unknown) => void;
  progress?: (done: number, total: number) => void;
  now?: () => Date;
  /** Imported ledger files are read and checked in this pool's workers. */
  pool?: WorkerPool;
  /** Hears that the store's database closed under it (another tab, the browser). */
  onLost?: (why: LedgerDbLoss) => void;
}

function failure(error: unknown): ActionResult {
  if (isPatchtrailError(error)) return { ok: false, code: error.code, message: error.message };
  return {
    ok: false,
    code: 'FAILED',
    message: error instanceof Error ? error.message : String(error),
  };
}

/** Admits untrusted input into the ledger and waits until the store has it. */
export function intake(store: LedgerStore, touched: () => void, pool?: WorkerPool) {
  const { ledger } = store;
  return {
    async admit(bytes: Uint8Array): Promise<ActionResult> {
      const result = await ledger.admit(bytes);
      await store.flush();
      touched();
      if (result.status === 'rejected')
        return { ok: false, code: result.code ?? 'MALFORMED_INPUT', message: result.message ?? '' };
      return { ok: true };
    },
    async importFile(
      bytes: Uint8Array,
      progress?: (done: number, total: number) => void,
    ): Promise<ImportReport> {
      const split = ledgerLines(bytes);
      const { lines, numbers } = split;
      const not = await notThisLedger(ledger, bytes, split);
      if (not !== undefined) reject('MALFORMED_INPUT', not);
      const before = equivocatorsOf(ledger);
      const report = await admitFileLines(ledger, lines, numbers, {
        ...(pool === undefined ? {} : { pool }),
        ...(progress === undefined ? {} : { progress }),
      });
      await store.flush();
      touched();
      const { admitted, duplicate, held, rejected, rejectedCount } = report;
      const registry = ledger.registry();
      const equivocators = newlyEquivocated(ledger, before).map(({ did, seq }) => ({
        did,
        seq,
        name: nameOf(registry, ledger.genesis, did),
      }));
      const truncatedTail = split.tail;
      return { admitted, duplicate, held, rejected, rejectedCount, truncatedTail, equivocators };
    },
  };
}

/** What this device signs into the ledger, each durable before it is reported done. */
export function actions(store: LedgerStore, options: SessionOptions, touched: () => void) {
  const { ledger } = store;
  const now = options.now ?? (() => new Date());
  async function signed(work: (signer: Signer, time: string) => Promise<unknown>) {
    try {
      await work(options.signer(), utcTimestamp(now()));
      await store.flush();
      touched();
      return { ok: true } as const;
    } catch (error) {
      return failure(error);
    }
  }
  return {
    endorse: (subject: string, role: string, stake: number) =>
      signed((signer, time) => ledger.append(signer, 'endorse', { subject, role, stake }, time)),
    revoke: (subject: string, reason: string, at?: number) =>
      signed((signer, time) => {
        // By default from its next entry on: what it signed before stays (a lost device did
        // honest work); a stolen key's entries count no more from the first the thief signed.
        const from = at ?? (ledger.head(subject)?.seq ?? -1) + 1;
        return ledger.append(signer, 'revoke', { subject, from, reason }, time);
      }),
    /** This device's new name: a `register` entry after its first renames it for everyone. */
    rename: (name: string) =>
      signed((signer, time) => ledger.append(signer, 'register', { name }, time)),
  };
}

/** The ledger as a file, heads for a peer, and witnessing: the Peers screen's ledger actions. */
export function exchange(store: LedgerStore, options: SessionOptions, touched: () => void) {
  const { ledger } = store;
  const now = options.now ?? (() => new Date());
  return {
    exportFile: (heads: readonly string[] = []) => exportLedgerFile(ledger, heads),
    heads: () => headsOf(ledger),
    async cosign(log?: Uint8Array): Promise<WitnessOutcome> {
      const at = now();
      const outcome = await witnessNewestCheckpoint(ledger, options.signer(), {
        time: utcTimestamp(at),
        timestamp: Math.floor(at.getTime() / 1000),
        ...(log === undefined ? {} : { log }),
      });
      await store.flush();
      touched();
      return outcome;
    },
  };
}
