/**
 * The Inbox: every bundle this device was given (file picker, drag and drop, the installed app
 * opening a file), kept in IndexedDB across reloads (storage/inbox-store.ts) and checked again
 * in the verify worker whenever the app starts, so nothing stored vouches for itself. A bundle
 * is named by its payload digest (what ledger entries name) once its author signature
 * verifies, and by a digest of the file's bytes otherwise; the Patch detail route takes that
 * name. What the team's policy says about each one is the workflow's job (workflow.ts).
 *
 * Tabs of the app share the kept Inbox: what one keeps or removes it says on a BroadcastChannel
 * (`INBOX_CHANNEL`), and the others read that bundle again or drop it, so no tab goes on
 * showing (and applying) a bundle another tab removed.
 */
import { createSignal, type Accessor } from 'solid-js';
import {
  forgetBundle,
  keepBundle,
  readBundle as readKeptBundle,
  readInbox,
  type InboxSource,
  type StoredBundle,
} from '../storage/inbox-store.ts';
import { mergeAttestations, readBundle, serializeBundle } from '../core/index.ts';
import type { BundleCheck } from './check.ts';
import type { BundleFile, Services } from './services.ts';

export type { InboxSource };

export interface InboxItem {
  /** The route key: `sha256:<payload digest>`, or `file-<digest of the bytes>`. */
  key: string;
  fileName: string;
  check: BundleCheck;
  source: InboxSource;
  /** When it arrived on this device (milliseconds). */
  receivedAt: number;
  /** The file's exact bytes: what the agent verifies again before it applies anything. */
  bytes: Uint8Array;
  /** Whether it is kept across reloads; if not, why (it is gone after a reload). */
  keeping: InboxKeeping;
  /**
   * Set when this file was another copy of a patch the Inbox held: the name the Inbox held it
   * by, and how many attestations this file added to it or replaced there by a newer one of the
   * same key (0: nothing new). Not kept across reloads.
   */
  copy?: { fileName: string; added: number };
}

/**
 * 'too-large': over the limit, refused before it was read; 'check-failed': the checker itself
 * failed (a bug: nothing to keep a verdict on); 'storage-refused': this browser would not
 * store it (storage full or refused). Each is said differently in the Inbox.
 */
export type InboxKeeping = 'kept' | 'too-large' | 'check-failed' | 'storage-refused';

export interface InboxService {
  /** Newest first. */
  readonly items: Accessor<InboxItem[]>;
  /** The file being checked now, if any. */
  readonly checking: Accessor<string | undefined>;
  /** False until the bundles kept from earlier sessions are checked again and listed. */
  readonly loaded: Accessor<boolean>;
  /** Checks a bundle, keeps it and files it; resolves with its item. */
  open(file: BundleFile, source?: InboxSource): Promise<InboxItem>;
  find(key: string): InboxItem | undefined;
  /** Removes a bundle from this device's Inbox (the ledger keeps what was recorded about it). */
  remove(key: string): Promise<void>;
  /**
   * Whether the Inbox still holds the bundle: listed here and, when it was kept, still kept
   * (another tab may have removed it a moment ago).
   */
  holds(key: string): Promise<boolean>;
}

/** The channel the app's tabs tell each other of Inbox changes on. */
export const INBOX_CHANNEL = 'patchtrail:inbox';

/** What one tab tells the others: a bundle kept (new, or a copy merged in) or removed. */
export interface InboxNews {
  kind: 'kept' | 'removed';
  key: string;
}

/** The part of a BroadcastChannel the Inbox uses. */
export interface InboxChannel {
  postMessage(news: InboxNews): void;
  addEventListener(type: 'message', listener: (event: { data: unknown }) => void): void;
}

/** The tabs' channel, where the browser has BroadcastChannel. */
export function inboxChannel(): InboxChannel | undefined {
  return typeof BroadcastChannel === 'undefined' ? undefined : new BroadcastChannel(INBOX_CHANNEL);
}

function isNews(value: unknown): value is InboxNews {
  const news = value as Partial<InboxNews> | null;
  return (
    typeof news === 'object' &&
    news !== null &&
    (news.kind === 'kept' || news.kind === 'removed') &&
    typeof news.key === 'string'
  );
}

/** Where the Inbox keeps bundles (storage/inbox-store.ts). */
export interface InboxStore {
  readInbox(): Promise<StoredBundle[]>;
  readBundle(key: string): Promise<StoredBundle | undefined>;
  keepBundle(bundle: StoredBundle): Promise<void>;
  forgetBundle(key: string): Promise<void>;
}

export interface InboxOptions {
  now?: () => number;
  /** The persistence (default: IndexedDB); tests pass their own. */
  store?: InboxStore;
  /** Where other tabs hear of what this one keeps or removes, and it hears of theirs. */
  channel?: InboxChannel | undefined;
}

async function keyOf(check: BundleCheck, bytes: Uint8Array): Promise<string> {
  const digest = check.report?.payloadDigest;
  if (digest !== undefined) return `sha256:${digest}`;
  const hash = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes.slice()));
  return `file-${[...hash.subarray(0, 16)].map((b) => b.toString(16).padStart(2, '0')).join('')}`;
}

/** A BundleFile over bytes held here: each read gets its own copy (the worker takes it). */
function fileOf(name: string, bytes: Uint8Array): BundleFile {
  return { name, size: bytes.length, arrayBuffer: async () => bytes.slice().buffer };
}

export function createInbox(bundles: Services, options: InboxOptions = {}): InboxService {
  const now = options.now ?? Date.now;
  const store = options.store ?? {
    readInbox,
    readBundle: readKeptBundle,
    keepBundle,
    forgetBundle,
  };
  const { channel } = options;
  const tell = (kind: InboxNews['kind'], key: string) => channel?.postMessage({ kind, key });
  const [items, setItems] = createSignal<InboxItem[]>([]);
  const [checking, setChecking] = createSignal<string>();
  const [loaded, setLoaded] = createSignal(false);
  let latest = 0;

  const file = (item: InboxItem) =>
    setItems((list) =>
      [item, ...list.filter((other) => other.key !== item.key)].sort(
        (a, b) => b.receivedAt - a.receivedAt,
      ),
    );

  /**
   * Another copy of a patch the Inbox holds, both wholly verified: the kept bundle takes the
   * attestations the copy adds (mergeAttestations), so a review on either is never lost, and it
   * goes by the name of the file opened last. Undefined when either copy has a signature that
   * does not verify (the copy opened is then filed as it is, so its problem is what is shown),
   * or the merged bundle would not verify (over a limit).
   */
  async function mergeCopy(
    held: InboxItem,
    other: { bytes: Uint8Array; check: BundleCheck },
    fileName: string,
  ): Promise<InboxItem | undefined> {
    const heldReport = held.check.report;
    const otherReport = other.check.report;
    if (held.check.verdict !== 'verified' || other.check.verdict !== 'verified') return undefined;
    if (heldReport === undefined || otherReport === undefined) return undefined;
    let merged;
    try {
      merged = mergeAttestations(
        { bundle: readBundle(held.bytes), attestations: heldReport.attestations },
        { bundle: readBundle(other.bytes), attestations: otherReport.attestations },
      );
    } catch {
      return undefined;
    }
    const copy = { fileName: held.fileName, added: merged.added + merged.replaced };
    const bytes =
      copy.added === 0 ? held.bytes : new TextEncoder().encode(serializeBundle(merged.bundle));
    const check =
      copy.added === 0
        ? { ...held.check, fileName }
        : await bundles.verifyBundleFile(fileOf(fileName, bytes));
    if (check.verdict !== 'verified' || check.report === undefined) return undefined;
    let keeping = held.keeping;
    if (keeping === 'kept') {
      try {
        const { key, source, receivedAt } = held;
        await store.keepBundle({ key, fileName, bytes, source, receivedAt });
        tell('kept', key);
      } catch (error) {
        console.error('patchtrail: could not keep a bundle on this device', error);
        keeping = 'storage-refused';
      }
    }
    const item: InboxItem = { ...held, fileName, check, bytes, keeping, copy };
    file(item);
    return item;
  }

  async function restore(): Promise<void> {
    try {
      for (const kept of await store.readInbox()) {
        const check = await bundles.verifyBundleFile(fileOf(kept.fileName, kept.bytes));
        const key = await keyOf(check, kept.bytes);
        file({ ...kept, key, check, keeping: 'kept' });
      }
    } catch (error) {
      console.error('patchtrail: could not read the Inbox kept on this device', error);
    }
    setLoaded(true);
  }
  void restore();

  /** Another tab kept or removed a bundle: read it again, or drop it. */
  async function hear(news: InboxNews): Promise<void> {
    if (news.kind === 'removed') {
      setItems((list) => list.filter((item) => item.key !== news.key || item.keeping !== 'kept'));
      return;
    }
    const kept = await store.readBundle(news.key);
    if (kept === undefined) return;
    const check = await bundles.verifyBundleFile(fileOf(kept.fileName, kept.bytes));
    if ((await keyOf(check, kept.bytes)) !== news.key) return;
    const held = items().find((item) => item.key === news.key);
    file({
      ...kept,
      ...(held?.copy === undefined ? {} : { copy: held.copy }),
      check,
      keeping: 'kept',
    });
  }
  channel?.addEventListener('message', ({ data }) => {
    if (isNews(data))
      void hear(data).catch((error: unknown) =>
        console.error('patchtrail: could not read a bundle another tab kept', error),
      );
  });

  return {
    items,
    checking,
    loaded,
    async open(input, source = 'file') {
      const ticket = ++latest;
      setChecking(input.name);
      // Over the limit: refused before reading (TOO_LARGE), and nothing of it is kept.
      const tooLarge = input.size > bundles.maxBundleBytes;
      let bytes: Uint8Array;
      let check: BundleCheck;
      try {
        bytes = tooLarge ? new Uint8Array() : new Uint8Array(await input.arrayBuffer());
        check = await bundles.verifyBundleFile(tooLarge ? input : fileOf(input.name, bytes));
      } finally {
        if (ticket === latest) setChecking(undefined); // a failure says so; it never hangs here
      }
      const key = await keyOf(check, bytes);
      const held = items().find((item) => item.key === key);
      if (held !== undefined) {
        const merged = await mergeCopy(held, { bytes, check }, input.name);
        if (merged !== undefined) return merged;
      }
      const receivedAt = now();
      let keeping: InboxKeeping = tooLarge
        ? 'too-large'
        : check.verdict === 'error'
          ? 'check-failed'
          : 'kept';
      if (keeping === 'kept') {
        try {
          await store.keepBundle({ key, fileName: input.name, bytes, source, receivedAt });
          tell('kept', key);
        } catch (error) {
          console.error('patchtrail: could not keep a bundle on this device', error);
          keeping = 'storage-refused';
        }
      }
      const item: InboxItem = {
        ...{ key, fileName: input.name, check, source, receivedAt, bytes },
        keeping,
      };
      file(item);
      return item;
    },
    find: (key) => items().find((item) => item.key === key),
    async remove(key) {
      await store.forgetBundle(key);
      tell('removed', key);
      setItems((list) => list.filter((item) => item.key !== key));
    },
    async holds(key) {
      const item = items().find((held) => held.key === key);
      if (item === undefined) return false;
      return item.keeping !== 'kept' || (await store.readBundle(key)) !== undefined;
    },
  };
}
