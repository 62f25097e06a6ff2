/**
 * Applies and rollbacks under way, remembered until they are settled, so that one cut short
 * (the tab reloaded or closed, the browser killed, the power gone) is finished and recorded
 * rather than left as changed files with no entry on the ledger. The target's journal makes
 * the files all-old or all-new; this says which bundle this device was applying (or rolling
 * back) on which target, which is what the agent needs to tell an interrupted apply of its
 * own from a change someone else made (core/agent/resume.ts).
 *
 * Kept in localStorage (synchronous: written before the work starts, so a crash cannot
 * outrun it; shared by every tab of the app). Each entry names the tab that started it, and
 * each tab holds a Web Lock under its own name for as long as it lives: an entry whose tab's
 * lock is free is work no tab is doing any more. The stored text is untrusted (anyone at the
 * browser's profile can edit it): it is read field by field and whatever does not fit is
 * dropped.
 */
import type { KeyValueStore } from './kiosk-guard.ts';

export { browserStore } from './kiosk-guard.ts';

export interface Unfinished {
  /** This entry's own id. */
  id: string;
  /** The tab that started the work. */
  tab: string;
  /** The team's ledger id. */
  ledger: string;
  /** The target's name in the audit trail (targets.ts `recordName`). */
  target: string;
  /** How to open the target again: a workspace by name; a folder must be picked again. */
  place: { kind: 'workspace' | 'folder'; name: string };
  /** The bundle's Inbox key, its patch digest and file name. */
  key: string;
  patch: string;
  fileName: string;
  kind: 'apply' | 'rollback';
  /** When the work started (UTC, seconds). */
  started: string;
}

export const UNFINISHED_KEY = 'patchtrail.unfinished';
/** Entries kept at most (the oldest dropped): one per target in practice. */
const KEEP = 64;

export const isRecord = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === 'object' && !Array.isArray(v);
/** A stored text field: present, and under 4,096 characters. */
export const text = (v: unknown): v is string =>
  typeof v === 'string' && v.length > 0 && v.length < 4096;

function readOne(v: unknown): Unfinished | undefined {
  if (!isRecord(v)) return undefined;
  const { id, tab, ledger, target, place, key, patch, fileName, kind, started } = v;
  if (![id, tab, ledger, target, key, patch, fileName, started].every(text)) return undefined;
  if (kind !== 'apply' && kind !== 'rollback') return undefined;
  if (!isRecord(place) || !text(place.name)) return undefined;
  if (place.kind !== 'workspace' && place.kind !== 'folder') return undefined;
  return {
    ...({ id, tab, ledger, target, key, patch, fileName, kind, started } as Omit<
      Unfinished,
      'place' | 'kind'
    >),
    kind,
    place: { kind: place.kind, name: place.name },
  };
}

/**
 * The items of a stored JSON array, each read by `read`, the newest `keep`; what is not an
 * array, or an item `read` does not take, is left out.
 */
export function readStoredList<T>(
  stored: string | null,
  read: (item: unknown) => T | undefined,
  keep: number,
): T[] {
  let v: unknown;
  try {
    v = stored === null ? [] : JSON.parse(stored);
  } catch {
    return [];
  }
  if (!Array.isArray(v)) return [];
  return v.flatMap((item) => read(item) ?? []).slice(-keep);
}

/** The entries in a stored text; anything that does not fit is left out. */
export function readUnfinished(stored: string | null): Unfinished[] {
  return readStoredList(stored, readOne, KEEP);
}

export interface UnfinishedStore {
  /** Every entry, read afresh (another tab may have written since). */
  list(): Unfinished[];
  add(entry: Unfinished): void;
  remove(id: string): void;
}

export function makeUnfinishedStore(store: KeyValueStore | undefined): UnfinishedStore {
  const list = () => readUnfinished(store?.getItem(UNFINISHED_KEY) ?? null);
  const write = (entries: Unfinished[]) => {
    if (entries.length === 0) store?.removeItem(UNFINISHED_KEY);
    else store?.setItem(UNFINISHED_KEY, JSON.stringify(entries.slice(-KEEP)));
  };
  return {
    list,
    add: (entry) => write([...list().filter((e) => e.id !== entry.id), entry]),
    remove: (id) => write(list().filter((e) => e.id !== id)),
  };
}

/** Which tabs are alive: this one, and through Web Locks, the others. */
export interface TabLiveness {
  /** This tab's name. */
  readonly tab: string;
  /** Whether the tab named is alive (this tab always is). */
  alive(tab: string): Promise<boolean>;
}

interface LockQuery {
  query(): Promise<{ held?: { name?: string }[] }>;
  request(name: string, callback: () => Promise<void>): Promise<void>;
}

const TAB_LOCK = 'patchtrail:tab:';

/**
 * A random id (128 bits, hex). `crypto.randomUUID` exists only in secure contexts, and the app
 * must still start on a page that is not one, to say it cannot work there.
 */
export function randomId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return [...bytes].map((b) => b.toString(16).padStart(2, '0')).join('');
}

/**
 * Holds this tab's lock for as long as the page lives. Without Web Locks nothing can be told
 * about other tabs, so every other tab counts as alive and its work is left alone.
 */
export function holdTabLock(
  locks: LockQuery | undefined = (globalThis.navigator as { locks?: LockQuery } | undefined)?.locks,
  tab: string = randomId(),
): TabLiveness {
  if (locks !== undefined)
    void locks.request(TAB_LOCK + tab, () => new Promise<void>(() => {})).catch(() => {});
  return {
    tab,
    async alive(other) {
      if (other === tab) return true;
      if (locks === undefined) return true;
      try {
        const { held = [] } = await locks.query();
        return held.some((lock) => lock.name === TAB_LOCK + other);
      } catch {
        return true;
      }
    },
  };
}

let thisPage: TabLiveness | undefined;

/** This page's tab lock, one for everything that remembers work under way (started on first use). */
export function pageTab(): TabLiveness {
  thisPage ??= holdTabLock();
  return thisPage;
}
