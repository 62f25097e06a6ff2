/**
 * Whether the browser keeps this app's data (device key, team ledgers, workspaces) or may
 * clear it when the device runs short of space, and how much of its quota the app uses. At
 * start the app asks for persistent storage once (`navigator.storage.persist()`): Chromium
 * answers from its own signals (an installed app, a bookmarked site) without a prompt; other
 * browsers may ask the user. Settings shows the answer and what it means, and can ask again.
 *
 * And what a full quota looks like to people: `storageFailure` turns the browser's
 * QuotaExceededError into a sentence that says nothing stored before was lost (IndexedDB
 * commits whole transactions or nothing) and what to do next.
 */
import { createSignal, type Accessor } from 'solid-js';

export type Persistence = 'checking' | 'granted' | 'not-granted' | 'unsupported';

export interface StorageUse {
  usage: number;
  quota: number;
}

export interface PersistenceService {
  readonly persistence: Accessor<Persistence>;
  /** Undefined until measured, or where the browser does not say. */
  readonly use: Accessor<StorageUse | undefined>;
  /** Asks the browser again (Settings' button); resolves with the answer. */
  request(): Promise<Persistence>;
  /** Measures usage and quota again. */
  measure(): Promise<void>;
}

/** The parts of `navigator.storage` used here. */
export type StorageManagerLike = Pick<StorageManager, 'persist' | 'persisted' | 'estimate'>;

export function createPersistence(
  storage: StorageManagerLike | undefined = (globalThis.navigator as Navigator | undefined)
    ?.storage,
): PersistenceService {
  const [persistence, setPersistence] = createSignal<Persistence>(
    typeof storage?.persist === 'function' ? 'checking' : 'unsupported',
  );
  const [use, setUse] = createSignal<StorageUse>();

  async function ask(first: boolean): Promise<Persistence> {
    if (storage === undefined || typeof storage.persist !== 'function') return 'unsupported';
    try {
      const already = first && (await storage.persisted());
      const answer = already || (await storage.persist()) ? 'granted' : 'not-granted';
      setPersistence(answer);
      return answer;
    } catch {
      setPersistence('not-granted');
      return 'not-granted';
    }
  }

  async function measure(): Promise<void> {
    try {
      const { usage, quota } = (await storage?.estimate()) ?? {};
      if (usage !== undefined && quota !== undefined) setUse({ usage, quota });
    } catch {
      // The browser would not say; Settings shows nothing rather than a guess.
    }
  }

  void ask(true).then(measure);
  return { persistence, use, request: () => ask(false), measure };
}

/** Whether an error (from IndexedDB, OPFS or Cache Storage) says the quota is full. */
export function isQuotaExceeded(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const { name, cause } = error as { name?: unknown; cause?: unknown };
  return name === 'QuotaExceededError' || (cause !== undefined && isQuotaExceeded(cause));
}

/** What to tell people when saving `what` failed: plain words for a full quota. */
export function storageFailure(error: unknown, what: string): string {
  if (isQuotaExceeded(error))
    return (
      `This device’s storage for patchtrail is full, so ${what} could not be saved. ` +
      'Nothing saved before was lost. Free space on this device (Settings shows how much ' +
      'patchtrail uses), then try again.'
    );
  return error instanceof Error ? error.message : String(error);
}
