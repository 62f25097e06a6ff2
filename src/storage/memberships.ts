/**
 * The teams this device belongs to: one record per ledger it founded or joined (the room
 * secret and signaling addresses the transport needs, a joiner's own signed `register` entry
 * until the ledger's genesis arrives), and which one is current; beside them, a few device-wide
 * settings as text (where to look for peers, when each ledger last synced). The ledgers' entries
 * live in their own stores (ledger-store.ts); this is only the device's address book.
 */
import { openDB, type DBSchema, type IDBPDatabase } from 'idb';

export const MEMBERSHIPS_DB = 'patchtrail-teams';

export interface Membership {
  /** The ledger's id (its genesis entry's id). */
  ledgerId: string;
  /** The team's name: from the genesis once it is held, until then what the invitation said. */
  name: string;
  /** The room secret (base64url, 128 bits or more): the transport's password. */
  roomSecret: string;
  /** Signaling addresses the invitation carried (empty: the app's own, same origin). */
  signaling: string[];
  /** 'founder': this device wrote the genesis; 'joiner': it came in through an invitation. */
  origin: 'founder' | 'joiner';
  /** When this device founded or joined (advisory, this device's clock). */
  joinedAt: string;
  /** A joiner's signed register entry, admitted once the genesis arrives. */
  registration?: Uint8Array;
}

interface MembershipSchema extends DBSchema {
  memberships: { key: string; value: Membership };
  settings: { key: string; value: { key: string; value: string } };
}

const CURRENT = 'current';

function openMembershipDb(): Promise<IDBPDatabase<MembershipSchema>> {
  return openDB<MembershipSchema>(MEMBERSHIPS_DB, 1, {
    upgrade(db) {
      db.createObjectStore('memberships', { keyPath: 'ledgerId' });
      db.createObjectStore('settings', { keyPath: 'key' });
    },
  });
}

async function withDb<T>(work: (db: IDBPDatabase<MembershipSchema>) => Promise<T>): Promise<T> {
  const db = await openMembershipDb();
  try {
    return await work(db);
  } finally {
    db.close();
  }
}

function isMembership(value: unknown): value is Membership {
  const m = value as Partial<Membership> | undefined;
  return (
    typeof m === 'object' &&
    m !== null &&
    typeof m.ledgerId === 'string' &&
    typeof m.name === 'string' &&
    typeof m.roomSecret === 'string' &&
    Array.isArray(m.signaling) &&
    (m.origin === 'founder' || m.origin === 'joiner')
  );
}

export interface MembershipList {
  memberships: Membership[];
  /** The current team's ledger id, when there is one. */
  current: string | undefined;
}

/** Every team this device holds, oldest first, and the current one. */
export function readMemberships(): Promise<MembershipList> {
  return withDb(async (db) => {
    const all = (await db.getAll('memberships')).filter(isMembership);
    all.sort((a, b) => (a.joinedAt < b.joinedAt ? -1 : a.joinedAt > b.joinedAt ? 1 : 0));
    const current = (await db.get('settings', CURRENT))?.value;
    const known = all.some((m) => m.ledgerId === current);
    return { memberships: all, current: known ? current : all[0]?.ledgerId };
  });
}

/** Adds or replaces a membership and makes it the current team. */
export function saveMembership(membership: Membership): Promise<void> {
  return withDb(async (db) => {
    const tx = db.transaction(['memberships', 'settings'], 'readwrite');
    await tx.objectStore('memberships').put(membership);
    await tx.objectStore('settings').put({ key: CURRENT, value: membership.ledgerId });
    await tx.done;
  });
}

/**
 * Forgets a team on this device: its membership goes, and it stops being the current team (the
 * oldest other one is current then, as readMemberships picks it). Its ledger store is
 * deleteLedgerStore's to remove.
 */
export function forgetMembership(ledgerId: string): Promise<void> {
  return withDb(async (db) => {
    const tx = db.transaction(['memberships', 'settings'], 'readwrite');
    await tx.objectStore('memberships').delete(ledgerId);
    const current = await tx.objectStore('settings').get(CURRENT);
    if (current?.value === ledgerId) await tx.objectStore('settings').delete(CURRENT);
    await tx.done;
  });
}

/** Makes another held team the current one. */
export function chooseCurrent(ledgerId: string): Promise<void> {
  return withDb(async (db) => {
    await db.put('settings', { key: CURRENT, value: ledgerId });
  });
}

/** A device-wide setting kept beside the memberships (text; callers own its format). */
export function readDeviceSetting(key: string): Promise<string | undefined> {
  if (key === CURRENT) throw new TypeError('readDeviceSetting: that key is reserved');
  return withDb(async (db) => {
    const value = (await db.get('settings', key))?.value;
    return typeof value === 'string' ? value : undefined;
  });
}

/** Keeps a device-wide setting, or removes it (`undefined`). */
export function saveDeviceSetting(key: string, value: string | undefined): Promise<void> {
  if (key === CURRENT) throw new TypeError('saveDeviceSetting: that key is reserved');
  return withDb(async (db) => {
    if (value === undefined) await db.delete('settings', key);
    else await db.put('settings', { key, value });
  });
}
