/**
 * The ledger store's writes: what the ledger admits or quarantines (and what reopening
 * rewrites) is queued as idempotent operations and committed in batches, one transaction per
 * batch, one transaction at a time, in queue order. The entries a batch adds become one new
 * segment (core/ledger/segments.ts); a failed batch is reported, kept queued and retried.
 */
import { unwrap, type IDBPObjectStore, type StoreNames } from 'idb';
import { sha256Sync } from '../core/crypto/hash.ts';
import { toHex, utf8Encode } from '../core/encoding/bytes.ts';
import type { QuarantineRecord } from '../core/ledger/ledger.ts';
import { MAX_PROOF_ENTRY_BYTES } from '../core/ledger/limits.ts';
import {
  hasLegacyStores,
  type LedgerDb,
  type LedgerStoreSchema,
  type QuarantineRow,
} from './ledger-db.ts';
import { makeSegment, type PackedEntry } from '../core/ledger/segments.ts';

type StoreName = StoreNames<LedgerStoreSchema>;

export type WriteOp =
  /** An entry the ledger admitted: stored unless it already is. */
  | { op: 'entry'; entry: PackedEntry }
  /**
   * Segment `key` now holds `entries` (none: deleted); `remove` are deleted; `forget` ids go.
   * Only if every segment involved still has the digest it was read with (`read`): another tab
   * may have rewritten one since, and rewriting over its change could drop entries.
   */
  | {
      op: 'rewrite';
      key: number;
      entries: PackedEntry[];
      remove: number[];
      forget: string[];
      read: Map<number, string>;
    }
  | { op: 'quarantine'; row: QuarantineRow }
  /** The stored ids are exactly these (after a segment too damaged to read was dropped). */
  | { op: 'reindex'; ids: string[] }
  /** Empties the version-1 stores, once their rows are in segments. */
  | { op: 'drop-legacy' };

export interface WriteLimits {
  ledgerId: string;
  maxQuarantine: number;
  durability: IDBTransactionDurability;
}

/** Longer keys (a hostile peer picks its Y.Map keys) are stored cut and named by their hash. */
const MAX_KEY_CHARS = 256;

export function quarantineOp(record: QuarantineRecord): WriteOp {
  const { key } = record;
  const name =
    key === ''
      ? `#${toHex(sha256Sync(record.bytes))}`
      : key.length > MAX_KEY_CHARS
        ? `#key:${toHex(sha256Sync(utf8Encode(key)))}`
        : key;
  const row: QuarantineRow = {
    name: `${name} ${record.code}`,
    key: key.slice(0, MAX_KEY_CHARS),
    code: record.code,
    message: record.message,
    bytes: record.bytes.slice(0, MAX_PROOF_ENTRY_BYTES),
    size: record.size,
  };
  return { op: 'quarantine', row };
}

/** Deletes the oldest quarantine rows beyond `max`. */
async function capQuarantine(
  quarantine: IDBPObjectStore<LedgerStoreSchema, ArrayLike<StoreName>, 'quarantine', 'readwrite'>,
  max: number,
): Promise<void> {
  const excess = (await quarantine.count()) - max;
  if (excess <= 0) return;
  const oldest = await quarantine.getAllKeys(null, excess);
  const last = oldest.at(-1);
  if (last !== undefined) await quarantine.delete(IDBKeyRange.upperBound(last));
}

/** A segment row's digest as a string to compare ("none" when it has none, or is gone). */
export function digestMark(row: { digest?: unknown } | undefined): string {
  return row?.digest instanceof Uint8Array ? toHex(row.digest) : 'none';
}

/** Whether each segment still has the digest it was read with. */
async function stillAsRead(
  segments: IDBPObjectStore<LedgerStoreSchema, ArrayLike<StoreName>, 'segments', 'readwrite'>,
  read: Map<number, string>,
): Promise<boolean> {
  const rows = await Promise.all([...read.keys()].map((key) => segments.get(key)));
  return [...read.values()].every(
    (mark, i) => rows[i] !== undefined && digestMark(rows[i]) === mark,
  );
}

/** Requests made in one task of a batch; the next slice is made from the last one's success. */
export const REQUEST_SLICE = 200;

/**
 * Makes `request(i)` for each i below `count` (skipping those that return undefined), a slice
 * of `REQUEST_SLICE` at a time: the next slice is made from the success of the last request
 * of the one before (its own task; the transaction stays open while one is pending), so a
 * batch of 1,000 entries never makes its 2,000 requests in one task (20-50 ms on a loaded
 * machine). Requests are plain IndexedDB ones: idb's wrapper costs a promise and two
 * listeners a request. Resolves when the last has succeeded; rejects on the first failure.
 */
function inSlices(count: number, request: (i: number) => IDBRequest | undefined): Promise<void> {
  return new Promise((done, fail) => {
    const slice = (from: number): void => {
      let last: IDBRequest | undefined;
      const to = Math.min(count, from + REQUEST_SLICE);
      try {
        for (let i = from; i < to; i++) {
          const made = request(i);
          if (made === undefined) continue;
          made.onerror = () => fail(made.error);
          last = made;
        }
      } catch (error) {
        fail(error);
        return;
      }
      if (to >= count) {
        if (last === undefined) done();
        else last.addEventListener('success', () => done());
      } else if (last === undefined) slice(to);
      else last.addEventListener('success', () => slice(to));
    };
    slice(0);
  });
}

/** Whether each key is in `store` (false where none is asked), asked in slices (`inSlices`). */
async function storedKeys(
  store: IDBObjectStore,
  keys: readonly (string | undefined)[],
): Promise<boolean[]> {
  const found = keys.map(() => false);
  await inSlices(keys.length, (i) => {
    const key = keys[i];
    if (key === undefined) return undefined;
    const request = store.getKey(key);
    request.onsuccess = () => {
      found[i] = request.result !== undefined;
    };
    return request;
  });
  return found;
}

function storesFor(db: LedgerDb, ops: readonly WriteOp[]): StoreName[] {
  const legacy = hasLegacyStores(db) && ops.some((o) => o.op === 'drop-legacy');
  return ['segments', 'ids', 'quarantine', ...(legacy ? (['entries', 'verified'] as const) : [])];
}

/** Writes one batch in one transaction. Every op is idempotent, so a failed batch can rerun. */
export async function writeBatch(
  db: LedgerDb,
  ops: readonly WriteOp[],
  limits: WriteLimits,
): Promise<void> {
  const tx = db.transaction(storesFor(db, ops), 'readwrite', { durability: limits.durability });
  tx.done.catch(() => undefined); // awaited below; this only keeps an early abort handled
  try {
    const segments = tx.objectStore('segments');
    const ids = tx.objectStore('ids');
    const quarantine = tx.objectStore('quarantine');
    const rawIds = unwrap(ids);
    const [present, unchanged, named] = await Promise.all([
      storedKeys(
        rawIds,
        ops.map((o) => (o.op === 'entry' ? o.entry.id : undefined)),
      ),
      Promise.all(ops.map((o) => (o.op === 'rewrite' ? stillAsRead(segments, o.read) : false))),
      Promise.all(
        ops.map((o) =>
          o.op === 'quarantine' ? quarantine.index('name').getKey(o.row.name) : undefined,
        ),
      ),
    ]);
    const added = new Map<string, PackedEntry>();
    const forgotten = new Set<string>();
    let reindexed: Set<string> | undefined;
    const stored = new Map<string, number | undefined>();
    const rows = new Map<string, QuarantineRow>();
    const requests: Promise<unknown>[] = [];
    ops.forEach((o, i) => {
      if (o.op === 'entry') {
        const { id } = o.entry;
        const kept = reindexed?.has(id) ?? present[i] === true;
        if (!kept || forgotten.has(id)) added.set(id, o.entry);
      } else if (o.op === 'rewrite') {
        if (unchanged[i] !== true) return; // changed meanwhile: the next reopen plans again
        requests.push(
          o.entries.length > 0
            ? segments.put({ ...makeSegment(limits.ledgerId, o.entries), key: o.key })
            : segments.delete(o.key),
          ...o.remove.map((key) => segments.delete(key)),
          ...o.forget.map((id) => ids.delete(id)),
        );
        for (const id of o.forget) forgotten.add(id);
      } else if (o.op === 'reindex') {
        requests.push(ids.clear(), ...o.ids.map((id) => ids.put(1, id)));
        reindexed = new Set(o.ids);
        forgotten.clear();
      } else if (o.op === 'drop-legacy') {
        requests.push(tx.objectStore('entries').clear(), tx.objectStore('verified').clear());
      } else {
        if (!stored.has(o.row.name)) stored.set(o.row.name, named[i]);
        rows.set(o.row.name, o.row);
      }
    });
    if (added.size > 0) {
      // After the rewrites' deletions, so an id forgotten and stored again ends up present.
      requests.push(segments.add(makeSegment(limits.ledgerId, [...added.values()])));
      const newIds = [...added.keys()];
      requests.push(inSlices(newIds.length, (i) => rawIds.put(1, newIds[i] as string)));
    }
    // One row per name: the newest record, in the oldest one's place (as the ledger keeps it).
    for (const [name, row] of rows) {
      const seq = stored.get(name);
      requests.push(quarantine.put(seq === undefined ? row : { ...row, seq }));
    }
    await Promise.all(requests);
    if (rows.size > 0) await capQuarantine(quarantine, limits.maxQuarantine);
  } catch (error) {
    try {
      tx.abort();
    } catch {
      // already aborted by the failed request
    }
    throw error;
  }
  await tx.done;
}

/**
 * Group commit: queued writes go out in one transaction per `batchSize`, or once the oldest
 * has waited `delayMs`, or on `flush()`; one transaction at a time, in queue order.
 */
export class BatchedWriter {
  private queue: WriteOp[] = [];
  private inFlight = 0;
  /** Ops at the head of the queue that are due now, batch full or not (timer, flush). */
  private due = 0;
  private draining: Promise<void> | undefined;
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly write: (ops: readonly WriteOp[]) => Promise<void>,
    private readonly onError: (error: unknown) => void,
    private readonly batchSize: number,
    private readonly delayMs: number,
  ) {}

  get unsaved(): number {
    return this.queue.length + this.inFlight;
  }

  enqueue(op: WriteOp): void {
    this.queue.push(op);
    if (this.queue.length >= this.batchSize) this.start(false);
    else this.timer ??= setTimeout(() => this.start(true), this.delayMs);
  }

  async flush(): Promise<void> {
    for (;;) {
      if (this.draining !== undefined) await this.draining;
      else if (this.queue.length === 0) return;
      else await this.drain(true);
    }
  }

  private start(now: boolean): void {
    this.drain(now).catch(() => undefined); // reported through onError already
  }

  /** Writes whole batches; with `now`, also everything queued at this moment. */
  private drain(now: boolean): Promise<void> {
    if (now) this.due = this.queue.length;
    this.draining ??= this.run();
    return this.draining;
  }

  /** Ops in the next batch: up to `batchSize` entries' worth (a rewrite weighs its entries). */
  private batchLength(): number {
    let weight = 0;
    for (let n = 0; n < this.queue.length; n++) {
      const op = this.queue[n] as WriteOp;
      weight +=
        op.op === 'rewrite'
          ? Math.max(1, op.entries.length)
          : op.op === 'reindex'
            ? Math.max(1, op.ids.length / 10)
            : 1;
      if (weight >= this.batchSize) return n + 1;
    }
    return this.queue.length;
  }

  private async run(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    let failed = false;
    try {
      while (this.queue.length >= this.batchSize || (this.due > 0 && this.queue.length > 0)) {
        const batch = this.queue.splice(0, this.batchLength());
        this.due -= batch.length;
        this.inFlight = batch.length;
        try {
          await this.write(batch);
        } catch (error) {
          failed = true;
          this.queue.unshift(...batch); // nothing is dropped: it waits for the next try
          this.onError(error);
          throw error;
        } finally {
          this.inFlight = 0;
        }
      }
    } finally {
      this.due = 0;
      this.draining = undefined;
      // Retry after a failure only on new activity (an admission, a flush), never in a loop.
      if (!failed && this.queue.length > 0)
        this.timer ??= setTimeout(() => this.start(true), this.delayMs);
    }
  }
}
