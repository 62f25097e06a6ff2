/**
 * The IndexedDB database of one ledger's store: its schema, opening and deleting it.
 *
 * Version 2 keeps admitted entries in `segments` (core/ledger/segments.ts) with `ids` as the set of
 * stored ids, and the quarantine. Version 1 kept one row per entry in `entries` (ordered by
 * `pos`) and a `verified` cache of per-entry digests; a version-1 database keeps those stores
 * until the store has moved their rows into segments (ledger-legacy.ts), then empties them.
 */
import { deleteDB, openDB, type DBSchema, type IDBPDatabase } from 'idb';
import type { QuarantineRecord } from '../core/ledger/ledger.ts';
import type { SegmentRow } from '../core/ledger/segments.ts';

const DB_VERSION = 2;

/** A version-1 entry row. */
export interface LegacyEntry {
  id: string;
  pos: number;
  bytes: Uint8Array;
}

/** A quarantine record as stored; `bytes` are cut at MAX_PROOF_ENTRY_BYTES, `size` is whole. */
export interface StoredQuarantineRecord extends QuarantineRecord {
  size: number;
}

export interface QuarantineRow extends StoredQuarantineRecord {
  seq?: number;
  /** One row per (key, code), like the ledger's own quarantine; keyless rows use a hash. */
  name: string;
}

export interface LedgerStoreSchema extends DBSchema {
  segments: { key: number; value: SegmentRow };
  /** The ids held in segments (a set: every value is 1), so a write never stores one twice. */
  ids: { key: string; value: 1 };
  quarantine: { key: number; value: QuarantineRow; indexes: { name: string } };
  entries: { key: string; value: LegacyEntry; indexes: { pos: number } };
  verified: { key: string; value: { id: string; digest: Uint8Array } };
}

export type LedgerDb = IDBPDatabase<LedgerStoreSchema>;

/** The IndexedDB database name of a ledger's store. */
export function ledgerStoreName(ledgerId: string): string {
  return `patchtrail-ledger:${ledgerId}`;
}

/**
 * Deletes a ledger's store. While another tab holds it open the deletion waits for that tab to
 * close it: `onBlocked` hears of that (the promise resolves only once it is deleted).
 */
export async function deleteLedgerStore(ledgerId: string, onBlocked?: () => void): Promise<void> {
  await deleteDB(ledgerStoreName(ledgerId), onBlocked === undefined ? {} : { blocked: onBlocked });
}

/** Whether the database still has version-1 stores (empty or not). */
export function hasLegacyStores(db: LedgerDb): boolean {
  return db.objectStoreNames.contains('entries');
}

/**
 * Why this tab's connection to a ledger store closed while open: another tab of the app
 * `deleted` the database (it forgot the team) or opens it at a newer version (`upgraded`, a
 * newer build), so this connection let go at once rather than keep that tab waiting; or the
 * browser closed it (`terminated`: the site's data was cleared, or the disk failed).
 */
export type LedgerDbLoss = 'deleted' | 'upgraded' | 'terminated';

/**
 * Opens a ledger's store. When another tab deletes or upgrades the database, this connection
 * closes itself (so that tab is not blocked) and `onLost` says why; `onLost` also hears when
 * the browser closes the connection.
 */
export async function openLedgerDb(
  ledgerId: string,
  onLost?: (why: LedgerDbLoss) => void,
): Promise<LedgerDb> {
  const db = await openDB<LedgerStoreSchema>(ledgerStoreName(ledgerId), DB_VERSION, {
    blocking(_current, wanted) {
      db.close();
      onLost?.(wanted === null ? 'deleted' : 'upgraded');
    },
    // The browser closed it: the site's data cleared while the app was open, or a disk failure.
    terminated: () => onLost?.('terminated'),
    upgrade(db, oldVersion) {
      if (oldVersion < 1)
        db.createObjectStore('quarantine', { keyPath: 'seq', autoIncrement: true }).createIndex(
          'name',
          'name',
          { unique: true },
        );
      db.createObjectStore('segments', { keyPath: 'key', autoIncrement: true });
      db.createObjectStore('ids');
    },
  });
  return db;
}
