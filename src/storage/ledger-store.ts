/**
 * The browser's verified-entry store: one IndexedDB database per ledger (via idb) that holds
 * the admitted entries' bytes with their admission position (so the Merkle leaf order survives
 * a reload), the quarantine, and a verification cache. Opening it rebuilds a `Ledger` by
 * admitting the stored bytes again in order; from then on everything the ledger admits or
 * quarantines is written back in batched transactions.
 *
 * The database is this origin's, but it is read back as untrusted input: every stored entry
 * goes through `admit` under its stored id, so its bytes must still hash to that id. The cache
 * maps an id to the SHA-256 of the exact bytes whose signature this device checked; only
 * bytes with that digest skip the signature check (`verifiedBefore`). The signature is not
 * part of an entry's id, so a cache of bare ids would vouch for a stored entry whose signature
 * bytes had been altered. Stored entries the validator now refuses are moved to the
 * quarantine. A failed write is reported through `onError`, kept queued and retried.
 */
import {
  deleteDB,
  openDB,
  type DBSchema,
  type IDBPDatabase,
  type IDBPObjectStore,
  type StoreNames,
} from 'idb';
import { sha256Sync } from '../core/crypto/hash.ts';
import { bytesEqual, toHex, utf8Encode } from '../core/encoding/bytes.ts';
import type { ErrorCode } from '../core/errors.ts';
import { isEntryId, type Entry } from '../core/ledger/entry.ts';
import { Ledger, type QuarantineRecord } from '../core/ledger/ledger.ts';
import { MAX_PROOF_ENTRY_BYTES, MAX_QUARANTINE } from '../core/ledger/limits.ts';

const DB_VERSION = 1;
/** Stored entries read per transaction while loading; also the progress interval. */
const LOAD_CHUNK = 1000;

/** An admitted entry. `pos` orders the log; gaps are allowed (refused entries leave them). */
interface StoredEntry {
  id: string;
  pos: number;
  bytes: Uint8Array;
}

/** A verification cache record: the SHA-256 of the exact bytes whose signature was checked. */
interface VouchedEntry {
  id: string;
  digest: Uint8Array;
}

/** A quarantine record as stored; `bytes` are cut at MAX_PROOF_ENTRY_BYTES, `size` is whole. */
export interface StoredQuarantineRecord extends QuarantineRecord {
  size: number;
}

interface QuarantineRow extends StoredQuarantineRecord {
  seq?: number;
  /** One row per (key, code), like the ledger's own quarantine; keyless rows use a hash. */
  name: string;
}

interface LedgerStoreSchema extends DBSchema {
  entries: { key: string; value: StoredEntry; indexes: { pos: number } };
  verified: { key: string; value: VouchedEntry };
  quarantine: { key: number; value: QuarantineRow; indexes: { name: string } };
}

type LedgerDb = IDBPDatabase<LedgerStoreSchema>;
type StoreName = StoreNames<LedgerStoreSchema>;

type WriteOp =
  | { op: 'entry'; entry: StoredEntry; digest: Uint8Array }
  | { op: 'vouch'; vouched: VouchedEntry }
  | { op: 'evict'; id: string }
  | { op: 'quarantine'; row: QuarantineRow };

export interface LedgerStoreOptions {
  /** Hears every failed write. The writes stay queued; the next flush or admission retries. */
  onError: (error: unknown) => void;
  /** Loading progress: stored entries done, stored entries in all (every 1000, and at the end). */
  progress?: (done: number, total: number) => void;
  /** Check every stored signature again, ignoring the verification cache. */
  ignoreCache?: boolean;
  /** Writes per transaction, and the queue length that starts one at once (default 1000). */
  batchSize?: number;
  /** How long a queued write waits for company before it goes out alone (default 100 ms). */
  flushDelayMs?: number;
  /** Quarantine records kept (default MAX_QUARANTINE); the oldest go first. */
  maxQuarantine?: number;
  /** 'strict' (default) commits only once the data is on disk: a device's own entry must not
   * vanish after a power cut, or it would sign a different one at the same seq. */
  durability?: IDBTransactionDurability;
}

export interface StoreLoadReport {
  /** Stored entries admitted again (the genesis not counted). */
  admitted: number;
  /** Of those, entries whose signature check the verification cache let us skip. */
  cached: number;
  /** Stored entries still waiting for a predecessor the store does not hold. */
  held: number;
  /** Stored entries the validator refuses now: moved to the quarantine. */
  rejected: { id: string; code: ErrorCode; message: string }[];
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

/** The IndexedDB database name of a ledger's store. */
export function ledgerStoreName(ledgerId: string): string {
  return `patchtrail-ledger:${ledgerId}`;
}

/** Deletes a ledger's store (waits while another tab holds it open). */
export async function deleteLedgerStore(ledgerId: string): Promise<void> {
  await deleteDB(ledgerStoreName(ledgerId));
}

function openLedgerDb(ledgerId: string): Promise<LedgerDb> {
  return openDB<LedgerStoreSchema>(ledgerStoreName(ledgerId), DB_VERSION, {
    upgrade(db) {
      db.createObjectStore('entries', { keyPath: 'id' }).createIndex('pos', 'pos', {
        unique: true,
      });
      db.createObjectStore('verified', { keyPath: 'id' });
      db.createObjectStore('quarantine', { keyPath: 'seq', autoIncrement: true }).createIndex(
        'name',
        'name',
        { unique: true },
      );
    },
  });
}

/** A copy that owns its buffer: storing a view would store the whole buffer behind it. */
function ownBytes(bytes: Uint8Array): Uint8Array {
  const whole = bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength;
  return whole && bytes.buffer instanceof ArrayBuffer ? bytes : bytes.slice();
}

function entryOp(entry: Entry): WriteOp {
  const bytes = ownBytes(entry.bytes);
  return { op: 'entry', entry: { id: entry.id, pos: -1, bytes }, digest: sha256Sync(bytes) };
}

/** Longer keys (a hostile peer picks its Y.Map keys) are stored cut and named by their hash. */
const MAX_KEY_CHARS = 256;

function quarantineOp(record: QuarantineRecord): WriteOp {
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

/** Writes one batch in one transaction. Every op is idempotent, so a failed batch can rerun. */
async function writeBatch(
  db: LedgerDb,
  ops: readonly WriteOp[],
  options: { maxQuarantine: number; durability: IDBTransactionDurability },
): Promise<void> {
  const tx = db.transaction(['entries', 'verified', 'quarantine'], 'readwrite', {
    durability: options.durability,
  });
  tx.done.catch(() => undefined); // awaited below; this only keeps an early abort handled
  try {
    const entries = tx.objectStore('entries');
    const verified = tx.objectStore('verified');
    const quarantine = tx.objectStore('quarantine');
    const [last, present, named] = await Promise.all([
      entries.index('pos').openKeyCursor(null, 'prev'),
      Promise.all(ops.map((o) => (o.op === 'entry' ? entries.getKey(o.entry.id) : undefined))),
      Promise.all(
        ops.map((o) =>
          o.op === 'quarantine' ? quarantine.index('name').getKey(o.row.name) : undefined,
        ),
      ),
    ]);
    let pos = last === null ? 0 : last.key + 1;
    const added = new Set<string>();
    const evicted = new Set<string>();
    const stored = new Map<string, number | undefined>();
    const rows = new Map<string, QuarantineRow>();
    const requests: Promise<unknown>[] = [];
    ops.forEach((o, i) => {
      if (o.op === 'entry') {
        const { id } = o.entry;
        const exists = added.has(id) || (present[i] !== undefined && !evicted.has(id));
        if (!exists) requests.push(entries.put({ ...o.entry, pos: pos++ }));
        added.add(id);
        evicted.delete(id);
        requests.push(verified.put({ id, digest: o.digest }));
      } else if (o.op === 'vouch') {
        requests.push(verified.put(o.vouched));
      } else if (o.op === 'evict') {
        requests.push(entries.delete(o.id), verified.delete(o.id));
        evicted.add(o.id);
        added.delete(o.id);
      } else {
        if (!stored.has(o.row.name)) stored.set(o.row.name, named[i]);
        rows.set(o.row.name, o.row);
      }
    });
    // One row per name: the newest record, in the oldest one's place (as the ledger keeps it).
    for (const [name, row] of rows) {
      const seq = stored.get(name);
      requests.push(quarantine.put(seq === undefined ? row : { ...row, seq }));
    }
    await Promise.all(requests);
    if (rows.size > 0) await capQuarantine(quarantine, options.maxQuarantine);
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
class BatchedWriter {
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

  private async run(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    let failed = false;
    try {
      while (this.queue.length >= this.batchSize || (this.due > 0 && this.queue.length > 0)) {
        const batch = this.queue.splice(0, this.batchSize);
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

/** Admits the stored entries again, in stored order, with the cache vouching where it can. */
async function rebuild(
  db: LedgerDb,
  ledger: Ledger,
  writer: BatchedWriter,
  options: LedgerStoreOptions,
): Promise<StoreLoadReport> {
  const report: StoreLoadReport = { admitted: 0, cached: 0, held: 0, rejected: [] };
  const total = await db.count('entries');
  const cache = new Map<string, Uint8Array>();
  if (options.ignoreCache !== true)
    for (const { id, digest } of await db.getAll('verified')) cache.set(id, digest);
  let done = 0;
  let after: number | undefined;
  for (;;) {
    const range = after === undefined ? null : IDBKeyRange.lowerBound(after, true);
    const chunk = await db.getAllFromIndex('entries', 'pos', range, LOAD_CHUNK);
    if (chunk.length === 0) break;
    for (const { id, pos, bytes: value } of chunk) {
      after = pos;
      done++;
      if (id === ledger.id) continue;
      const bytes = value instanceof Uint8Array ? value : new Uint8Array(0); // refused below
      const digest = sha256Sync(bytes);
      const vouched = cache.get(id);
      const cached = vouched !== undefined && bytesEqual(vouched, digest);
      const result = await ledger.admit(bytes, { key: id, verifiedBefore: cached });
      if (result.status === 'rejected') {
        const { code = 'MALFORMED_INPUT', message = '' } = result;
        report.rejected.push({ id, code, message });
        writer.enqueue({ op: 'evict', id }); // the quarantine record comes from the ledger
      } else if (result.status === 'admitted') {
        report.admitted += 1 + result.released.length;
        if (cached) report.cached++;
        else writer.enqueue({ op: 'vouch', vouched: { id, digest } });
        for (const r of result.released) {
          const entry = ledger.get(r) as Entry;
          writer.enqueue({ op: 'vouch', vouched: { id: r, digest: sha256Sync(entry.bytes) } });
        }
      }
    }
    options.progress?.(done, total);
  }
  report.held = ledger.heldCount;
  return report;
}

async function readGenesis(db: LedgerDb, ledgerId: string): Promise<Uint8Array> {
  const genesis = await db.get('entries', ledgerId);
  if (genesis !== undefined) return genesis.bytes;
  if ((await db.count('entries')) === 0) {
    db.close();
    await deleteLedgerStore(ledgerId); // opening created it; leave no trace
  }
  throw new Error(`openLedgerStore: no stored genesis for ${ledgerId}; open it with its bytes`);
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
  const db = await openLedgerDb(ledgerId);
  let ledger: Ledger;
  try {
    ledger = first ?? (await Ledger.open(await readGenesis(db, ledgerId)));
    if (ledger.id !== ledgerId)
      throw new Error(`openLedgerStore: the stored genesis of ${ledgerId} is ${ledger.id}`);
  } catch (error) {
    db.close();
    throw error;
  }
  const limits = {
    maxQuarantine: options.maxQuarantine ?? MAX_QUARANTINE,
    durability: options.durability ?? 'strict',
  };
  const writer = new BatchedWriter(
    (ops) => writeBatch(db, ops, limits),
    options.onError,
    options.batchSize ?? 1000,
    options.flushDelayMs ?? 100,
  );
  let loading = true;
  const unsubscribe = ledger.subscribe({
    admitted: (entry) => {
      if (!loading) writer.enqueue(entryOp(entry));
    },
    quarantined: (record) => writer.enqueue(quarantineOp(record)),
  });
  writer.enqueue(entryOp(ledger.genesis)); // a no-op unless the store is new
  let report: StoreLoadReport;
  try {
    report = await rebuild(db, ledger, writer, options);
    loading = false;
    await writer.flush();
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
      await writer.flush();
      unsubscribe();
      db.close();
    },
  };
}
