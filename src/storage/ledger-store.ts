/**
 * The browser's verified-entry store: one IndexedDB database per ledger (ledger-db.ts) that
 * holds the admitted entries in segments with the digest they were verified under
 * (core/ledger/segments.ts), and the quarantine. Opening it rebuilds a `Ledger` from the segments
 * in stored order (ledger-rebuild.ts); from then on everything the ledger admits or
 * quarantines is written back in batched transactions (ledger-writer.ts). A failed write is
 * reported through `onError`, kept queued and retried.
 *
 * What a reopen trusts: this origin's own IndexedDB. A segment whose digest matches is
 * restored without the checks its entries passed when they were admitted (hash, signature,
 * decoding rules); everything that depends on other entries is checked again. The digest
 * catches damage and records made under other rules, not a forger: whoever can write this
 * origin's IndexedDB can write a matching digest too, and can also use this device's key,
 * which lives in the same origin (docs/app.md, "What a reopen trusts").
 */
import { isEntryId } from '../core/ledger/entry.ts';
import { Ledger } from '../core/ledger/ledger.ts';
import { MAX_QUARANTINE } from '../core/ledger/limits.ts';
import {
  deleteLedgerStore,
  openLedgerDb,
  type LedgerDb,
  type LedgerDbLoss,
  type StoredQuarantineRecord,
} from './ledger-db.ts';
import { legacyCount, rebuildLegacy } from './ledger-legacy.ts';
import {
  progressCounter,
  readSegmentsHere,
  rebuildSegments,
  segmentRewrites,
  type ReadSegments,
  type StoreLoadReport,
} from './ledger-rebuild.ts';
import { storedEntries } from '../core/ledger/segments.ts';
import { BatchedWriter, quarantineOp, writeBatch, type WriteOp } from './ledger-writer.ts';

export {
  deleteLedgerStore,
  ledgerStoreName,
  type LedgerDbLoss,
  type StoredQuarantineRecord,
} from './ledger-db.ts';
export type {
  ReadSegments,
  SegmentSource,
  StoredSegment,
  StoreLoadReport,
} from './ledger-rebuild.ts';
export { readSegmentsHere, segmentsHere } from './ledger-rebuild.ts';

export interface LedgerStoreOptions {
  /** Hears every failed write. The writes stay queued; the next flush or admission retries. */
  onError: (error: unknown) => void;
  /**
   * Loading progress: stored entries done, stored entries in all (every 1000, and at the end);
   * 0 for the total while it is not known (segments read in a worker), until the end.
   */
  progress?: (done: number, total: number) => void;
  /** Check every stored entry in full (hash and signature), whatever the digests say. */
  ignoreCache?: boolean;
  /** Reads the stored segments (default: on this thread; the app's pool reads in a worker). */
  readSegments?: ReadSegments;
  /** Writes per transaction, and the queue length that starts one at once (default 1000). */
  batchSize?: number;
  /** How long a queued write waits for company before it goes out alone (default 100 ms). */
  flushDelayMs?: number;
  /** Quarantine records kept (default MAX_QUARANTINE); the oldest go first. */
  maxQuarantine?: number;
  /** 'strict' (default) commits only once the data is on disk: a device's own entry must not
   * vanish after a power cut, or it would sign a different one at the same seq. */
  durability?: IDBTransactionDurability;
  /**
   * Hears that the database closed under the store (another tab deleted or upgraded it, or the
   * browser closed it). From then on every write and flush rejects with LedgerStoreLostError.
   */
  onLost?: (why: LedgerDbLoss) => void;
}

/** A write refused because the store's database closed under it (LedgerStoreOptions.onLost). */
export class LedgerStoreLostError extends Error {
  constructor(readonly why: LedgerDbLoss) {
    super(`this ledger's store on this device was closed (${why}): nothing more is saved to it`);
    this.name = 'LedgerStoreLostError';
  }
}

export interface LedgerStore {
  readonly ledger: Ledger;
  readonly report: StoreLoadReport;
  /** Writes queued or in flight, not yet committed. */
  readonly unsaved: number;
  /** Resolves once everything admitted or quarantined so far is committed; rejects on failure. */
  flush(): Promise<void>;
  /** The persisted quarantine, oldest first (flushes first). */
  quarantined(): Promise<StoredQuarantineRecord[]>;
  /** Flushes, stops persisting and closes the database; rejects, leaving it open, on failure. */
  close(): Promise<void>;
}

/** Performance measures of a reopen: reading the segments, and reading plus rebuilding. */
export const STORE_MEASURES = {
  read: 'patchtrail:ledger-store:read',
  rebuild: 'patchtrail:ledger-store:rebuild',
} as const;

async function readGenesis(db: LedgerDb, ledgerId: string): Promise<Uint8Array> {
  const [first] = await db.getAll('segments', null, 1);
  const stored =
    first === undefined ? undefined : storedEntries(first.packed).find((e) => e.id === ledgerId);
  if (stored !== undefined) return stored.bytes.slice();
  const legacy = (await legacyCount(db)) > 0 ? await db.get('entries', ledgerId) : undefined;
  if (legacy !== undefined) return legacy.bytes;
  if ((await db.count('ids')) === 0 && (await legacyCount(db)) === 0) {
    db.close();
    await deleteLedgerStore(ledgerId); // opening created it; leave no trace
  }
  throw new Error(`openLedgerStore: no stored genesis for ${ledgerId}; open it with its bytes`);
}

async function openLedger(db: LedgerDb, first: Ledger | undefined, ledgerId: string) {
  try {
    const ledger = first ?? (await Ledger.open(await readGenesis(db, ledgerId)));
    if (ledger.id !== ledgerId)
      throw new Error(`openLedgerStore: the stored genesis of ${ledgerId} is ${ledger.id}`);
    return ledger;
  } catch (error) {
    db.close();
    throw error;
  }
}

/**
 * Rebuilds the ledger from the store (ledger-rebuild.ts): the report, and the writes that tidy
 * the store (refused entries out, fresh digests, small segments merged, version 1 moved).
 */
async function rebuild(
  db: LedgerDb,
  ledger: Ledger,
  options: LedgerStoreOptions,
): Promise<{ report: StoreLoadReport; tidy: WriteOp[]; empty: boolean }> {
  const report: StoreLoadReport = { admitted: 0, cached: 0, held: 0, rejected: [] };
  const started = performance.now();
  const source = await (options.readSegments ?? readSegmentsHere)(db, ledger.id);
  performance.measure(STORE_MEASURES.read, { start: started });
  const legacy = await legacyCount(db);
  const total = source.total === undefined ? undefined : source.total + legacy;
  const progress = progressCounter(total, options.progress);
  const segments = await rebuildSegments(ledger, source.segments, report, options, progress.step);
  const moved = await rebuildLegacy(db, ledger, report, progress.step);
  performance.measure(STORE_MEASURES.rebuild, { start: started });
  progress.end();
  report.held = ledger.heldCount;
  const stored = segments.reduce((n, kept) => n + kept.stored, legacy);
  return { report, tidy: [...moved, ...segmentRewrites(segments)], empty: stored === 0 };
}

/**
 * Opens the store of a ledger, creating it when new, and rebuilds the ledger from it. Pass the
 * genesis bytes (a new or known ledger) or the ledger id (one stored here before).
 */
export async function openLedgerStore(
  source: Uint8Array | string,
  options: LedgerStoreOptions,
): Promise<LedgerStore> {
  if (typeof source === 'string' && !isEntryId(source))
    throw new TypeError(`openLedgerStore: expected a ledger id, found ${JSON.stringify(source)}`);
  const first = typeof source === 'string' ? undefined : await Ledger.open(source);
  const ledgerId = first?.id ?? (source as string);
  let lost: LedgerDbLoss | undefined;
  const db = await openLedgerDb(ledgerId, (why) => {
    lost ??= why;
    options.onLost?.(why);
  });
  const ledger = await openLedger(db, first, ledgerId);
  const limits = {
    ledgerId,
    maxQuarantine: options.maxQuarantine ?? MAX_QUARANTINE,
    durability: options.durability ?? 'strict',
  };
  const writer = new BatchedWriter(
    (ops) =>
      lost === undefined
        ? writeBatch(db, ops, limits)
        : Promise.reject(new LedgerStoreLostError(lost)),
    options.onError,
    options.batchSize ?? 1000,
    options.flushDelayMs ?? 100,
  );
  let loading = true;
  const unsubscribe = ledger.subscribe({
    admitted: (entry) => {
      if (!loading) writer.enqueue({ op: 'entry', entry: { id: entry.id, bytes: entry.bytes } });
    },
    quarantined: (record) => writer.enqueue(quarantineOp(record)),
  });
  let report: StoreLoadReport;
  try {
    const rebuilt = await rebuild(db, ledger, options);
    report = rebuilt.report;
    loading = false;
    if (rebuilt.empty) {
      const { genesis } = ledger;
      writer.enqueue({ op: 'entry', entry: { id: genesis.id, bytes: genesis.bytes } });
      await writer.flush(); // a new store exists once it holds its genesis
    }
    // In the background, in order with what is admitted from now on; close() waits for it.
    for (const op of rebuilt.tidy) writer.enqueue(op);
  } catch (error) {
    unsubscribe();
    db.close();
    throw error;
  }
  return {
    ledger,
    report,
    get unsaved() {
      return writer.unsaved;
    },
    flush: () => writer.flush(),
    async quarantined() {
      await writer.flush();
      const rows = await db.getAll('quarantine');
      return rows.map(({ key, code, message, bytes, size }) => ({
        key,
        code,
        message,
        bytes,
        size,
      }));
    },
    async close() {
      // A store whose database is gone has nowhere to write what is queued: it just stops.
      if (lost === undefined) await writer.flush();
      unsubscribe();
      db.close();
    },
  };
}
