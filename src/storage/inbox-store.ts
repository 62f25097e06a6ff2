/**
 * The Inbox's bundles, kept across reloads: each file's exact bytes (what the agent verifies
 * again before any apply), its name, how it arrived and when. Verification results are not
 * stored: the bytes are checked again when the app starts, so a stored record can never vouch
 * for itself. One record per key (the payload digest, or a digest of the file's bytes for a
 * file that is not a valid bundle), so opening the same bundle twice keeps one copy.
 */
import { openDB, type DBSchema, type IDBPDatabase } from 'idb';

export const INBOX_DB = 'patchtrail-inbox';

/** How a bundle reached this device. */
export type InboxSource = 'file' | 'drop' | 'launch' | 'peer' | 'folder';

export interface StoredBundle {
  /** `sha256:<payload digest>`, or `file-<sha256 of the bytes>` for a file that did not verify. */
  key: string;
  fileName: string;
  bytes: Uint8Array;
  source: InboxSource;
  /** When it arrived (this device's clock, milliseconds). */
  receivedAt: number;
}

interface InboxSchema extends DBSchema {
  bundles: { key: string; value: StoredBundle };
}

function openInboxDb(): Promise<IDBPDatabase<InboxSchema>> {
  return openDB<InboxSchema>(INBOX_DB, 1, {
    upgrade(db) {
      db.createObjectStore('bundles', { keyPath: 'key' });
    },
  });
}

async function withDb<T>(work: (db: IDBPDatabase<InboxSchema>) => Promise<T>): Promise<T> {
  const db = await openInboxDb();
  try {
    return await work(db);
  } finally {
    db.close();
  }
}

const SOURCES: readonly string[] = ['file', 'drop', 'launch', 'peer', 'folder'];

/** A record as this code wrote it (a store shared with older builds may hold other shapes). */
function isStoredBundle(value: unknown): value is StoredBundle {
  const v = value as Partial<StoredBundle> | undefined;
  return (
    typeof v === 'object' &&
    v !== null &&
    typeof v.key === 'string' &&
    typeof v.fileName === 'string' &&
    v.bytes instanceof Uint8Array &&
    typeof v.source === 'string' &&
    SOURCES.includes(v.source) &&
    typeof v.receivedAt === 'number'
  );
}

/** Every kept bundle, newest first. */
export function readInbox(): Promise<StoredBundle[]> {
  return withDb(async (db) => {
    const all = (await db.getAll('bundles')).filter(isStoredBundle);
    return all.sort((a, b) => b.receivedAt - a.receivedAt);
  });
}

/** One kept bundle by its key, if it is kept. */
export function readBundle(key: string): Promise<StoredBundle | undefined> {
  return withDb(async (db) => {
    const kept: unknown = await db.get('bundles', key);
    return isStoredBundle(kept) ? kept : undefined;
  });
}

/** Keeps a bundle (replacing one with the same key). */
export function keepBundle(bundle: StoredBundle): Promise<void> {
  return withDb(async (db) => {
    await db.put('bundles', bundle);
  });
}

/** Forgets a bundle; the ledger keeps whatever was recorded about it. */
export function forgetBundle(key: string): Promise<void> {
  return withDb(async (db) => {
    await db.delete('bundles', key);
  });
}
