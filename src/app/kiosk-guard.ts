/**
 * Kiosk mode's lock: whether this device is in kiosk mode, kept across reloads and crashes
 * (localStorage, written synchronously before anything else happens), which routes it may show
 * (only `#/kiosk`), and the one way out: `leave()`, which asks `confirmLeave()` for an admin's
 * confirmation and clears the mode only when it is given.
 *
 * `confirmLeave` is the seam the passkeys work backs with a WebAuthn assertion by an admin of
 * the team. Until then it refuses: a kiosk cannot be left from its own screen. A stored mode
 * that cannot be read is treated as kiosk mode (fail closed), never as "not a kiosk".
 */
import { createSignal, type Accessor } from 'solid-js';

/** What an admin set when entering kiosk mode. */
export interface KioskMode {
  /** The OPFS workspace the kiosk keeps up to date. */
  target: string;
  /** The components this kiosk runs: published patches for one of them are its to take. */
  components: string[];
  /** The OPFS folder it watches for dropped bundles. */
  folder: string;
  /**
   * The names of real folders an admin picked instead (handles kept in IndexedDB,
   * storage/kiosk-folders.ts): the folder it watches, and the folder it keeps up to date.
   */
  watchPicked?: string;
  targetPicked?: string;
  /** When kiosk mode began (ISO 8601), and on which device key. */
  since: string;
  device: string;
}

/** The part of `Storage` the guard uses; tests pass a Map-backed one. */
export interface KeyValueStore {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

export type AdminConfirmation = { ok: true; admin: string } | { ok: false; reason: string };

/**
 * The admin confirmation that leaving kiosk mode needs. The passkeys work replaces this body
 * with an assertion by a passkey bound to an admin's ledger identity; nothing else clears the
 * mode.
 */
export function confirmLeave(): Promise<AdminConfirmation> {
  return Promise.resolve({
    ok: false,
    reason:
      'Leaving kiosk mode needs an admin’s passkey, and this device cannot check one yet: the kiosk stays on.',
  });
}

export interface KioskGuard {
  /** The mode in force; undefined when this device is not a kiosk. */
  readonly mode: Accessor<KioskMode | undefined>;
  /** Whether the app may show `path` (a router path such as "/inbox"). */
  allowsRoute(path: string): boolean;
  /** Turns kiosk mode on (the caller checked the device's kiosk role). */
  enter(mode: KioskMode): void;
  /** Asks for the admin confirmation; clears the mode only when it is given. */
  leave(): Promise<AdminConfirmation>;
}

export const KIOSK_MODE_KEY = 'patchtrail.kiosk.mode';
export const KIOSK_ROUTE = '/kiosk';

const WORKSPACE = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

/** A safe mode for a stored value that cannot be read: still a kiosk, on its defaults. */
export const FALLBACK_MODE: KioskMode = {
  target: 'kiosk',
  components: [],
  folder: 'kiosk-drop',
  since: '',
  device: '',
};

/** A picked folder's name as the browser gives it: absent, or 1–255 characters. */
const pickedName = (x: unknown): boolean =>
  x === undefined || (typeof x === 'string' && x.length > 0 && x.length <= 255);

/** Reads a stored mode (it may have been edited by hand); anything odd falls back, closed. */
export function readKioskMode(text: string | null): KioskMode | undefined {
  if (text === null) return undefined;
  try {
    const v = JSON.parse(text) as Partial<Record<keyof KioskMode, unknown>>;
    const strings = (x: unknown): x is string[] =>
      Array.isArray(x) && x.every((c) => typeof c === 'string');
    if (
      typeof v.target === 'string' &&
      WORKSPACE.test(v.target) &&
      typeof v.folder === 'string' &&
      WORKSPACE.test(v.folder) &&
      strings(v.components) &&
      typeof v.since === 'string' &&
      typeof v.device === 'string' &&
      pickedName(v.watchPicked) &&
      pickedName(v.targetPicked)
    )
      return { ...(v as KioskMode), components: [...v.components] };
  } catch {
    // fall through: closed
  }
  return FALLBACK_MODE;
}

/** This page's localStorage, or none where storage is blocked. */
export function browserStore(): KeyValueStore | undefined {
  try {
    return globalThis.localStorage;
  } catch {
    return undefined;
  }
}

export interface KioskGuardOptions {
  store?: KeyValueStore;
  /** The admin's confirmation: an admin's passkey assertion in the app (wiring.ts); tests stand in. */
  confirm?: () => Promise<AdminConfirmation>;
}

export function makeKioskGuard(options: KioskGuardOptions = {}): KioskGuard {
  const store = options.store ?? browserStore();
  const confirm = options.confirm ?? confirmLeave;
  const [mode, setMode] = createSignal<KioskMode | undefined>(
    readKioskMode(store?.getItem(KIOSK_MODE_KEY) ?? null),
  );
  return {
    mode,
    allowsRoute: (path) => mode() === undefined || path === KIOSK_ROUTE,
    enter(next) {
      store?.setItem(KIOSK_MODE_KEY, JSON.stringify(next));
      setMode({ ...next });
    },
    async leave() {
      if (mode() === undefined) return { ok: true, admin: '' };
      let answer: AdminConfirmation;
      try {
        answer = await confirm();
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        answer = { ok: false, reason: `the admin confirmation failed: ${message}` };
      }
      if (answer.ok) {
        store?.removeItem(KIOSK_MODE_KEY);
        setMode(undefined);
      }
      return answer;
    },
  };
}
