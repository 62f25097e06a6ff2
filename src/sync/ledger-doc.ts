/**
 * The Yjs binding: a shared `Y.Map` from entry id to entry bytes, which anyone in the room can
 * write to, in front of the local verified ledger, which only the validator writes to.
 *
 * - Every value that appears in the map goes through `ledger.admit` under its key.
 * - A key whose value is not a valid entry is put back to the verified bytes when the ledger
 *   has that entry (overwrites, deletions), and removed otherwise (junk, forgeries, replays
 *   from another ledger). Entries the ledger holds (waiting for a predecessor, or newcomers
 *   waiting for an endorsement) stay while it holds them; holding is bounded (limits.ts), and
 *   what the ledger drops from it is removed from the map, so junk that can never resolve
 *   does not travel to every peer for ever.
 * - Whatever peers write outside the map (other root types, list content under its root) is
 *   deleted as it arrives (foreign-roots.ts), so it is not handed on to every joiner.
 * - Everything the ledger admits, from any source, is written to the map if it is missing.
 * - `reseed` writes the verified store into the map again (on binding; a slice per task).
 * - A large change (a fresh peer's first sync, a flood) is admitted in each author's order
 *   (`inAdmissionOrder`), through `admitMany` when given (the app: the worker pool). Yjs order
 *   is by writing client, not by author: backwards, a long chain would overflow holding. An
 *   update the transport applies in parts (`UpdatePart` origins) is one change: what its parts
 *   touch is gathered and admitted after the last.
 * - Yjs-level divergence (a hostile pair of updates sharing one client id and clock leaves peers
 *   with different items that both believe they are in sync) cannot be repaired inside the
 *   poisoned doc: a new item would name the colliding item as its origin. It heals by
 *   rebuilding: `bindLedgerDoc(new Y.Doc(), ledger)` seeds a fresh doc (a fresh client id) from
 *   the store, and the transport syncs that one instead. Peers notice the need by comparing
 *   ledger digests after syncing.
 * Keys are entry ids, never (author, seq): both sides of an equivocation must survive. Keys
 * and values are attacker-chosen: they are only ever looked up in Maps (Y.Map, the ledger's).
 */
import type * as Y from 'yjs';
import { bytesEqual, type AdmitResult, type Entry, type Ledger } from '../core/index.ts';
import { keepOnlyMaps } from './foreign-roots.ts';
import { UpdatePart } from './update-parts.ts';
import { nextTask } from './yielding.ts';

/** The transaction origin of the binding's own writes, so it does not validate them again. */
const SELF = Symbol('patchtrail-ledger-binding');
/**
 * The origin of the writes that seed the map from the store (the binding's own too). The
 * transport sends them to this browser's other tabs even before it knows one (webrtc.ts,
 * quietTabs): a tab that learns of another only hears its later writes, and Yjs holds a
 * client's later writes back until it has the earlier ones.
 */
export const SEED_ORIGIN = Symbol('patchtrail-ledger-seed');
export const ENTRIES_MAP = 'entries';

export interface LedgerDocBinding {
  readonly map: Y.Map<Uint8Array>;
  /** Resolves when the map is seeded and every value seen so far has been through the validator. */
  settled(): Promise<void>;
  /** Writes the verified store into the map; resolves when the last slice is written. */
  reseed(): Promise<void>;
  destroy(): void;
}

export interface LedgerDocOptions {
  /**
   * Hears an exception from checking one key (a bug: the validator codes every bad input). The
   * binding goes on with the next key, so later repairs still happen.
   */
  onError?: (error: unknown, key: string) => void;
  /**
   * Admits many values at once, in the order given, each outcome reported by its index (the
   * app: the worker pool's batch admission, which decides each value exactly as `ledger.admit`
   * does). Used when one change brings at least `MANY` values to check, such as a fresh peer's
   * first sync; fewer go through `ledger.admit` one by one, which is quicker for one entry.
   */
  admitMany?: (
    values: readonly { bytes: Uint8Array; key: string }[],
    onResult: (index: number, result: AdmitResult) => void,
  ) => Promise<void>;
  /**
   * The map is seeded from the ledger once this settles (at once when absent). The app waits
   * for y-webrtc's room: when it connects, y-webrtc posts the doc's whole state to the tabs of
   * this browser, one long task over the doc (about 2 s at 100k entries, 80 MB) if the seed
   * came first; seeded after, each slice goes out as an update, to whoever is there.
   */
  seedAfter?: Promise<unknown>;
}

/** Values in one change from which `admitMany` is used. */
export const MANY = 64;
/** Keys looked at between two turns for the page while a large change is gathered. */
const COLLECT_SLICE = 512;
/**
 * Entries written to the map in the first transaction when it is seeded from the store, and
 * at most in any later one: in one, a 100k ledger's 80 MB took about 0.44 s in Node (Yjs
 * alone), longer with y-webrtc posting it.
 */
export const SEED_SLICE = 500;
/**
 * What a later seed transaction aims to take, its size set from the last one's cost per entry:
 * Yjs encodes each transaction's update for the doc's listeners (y-webrtc), which cost 30-70 µs
 * an entry in the page, so slices of 2,000 took 60-140 ms each when a 100k-entry team reopened.
 */
export const SEED_TASK_MS = 12;
/** The fewest entries a later seed transaction takes, however slow the last one was. */
const SEED_FEWEST = 32;

const text = new TextDecoder();
/** Bytes at the end of an entry that hold its `seq` and `time` (a signature is 88 characters). */
const TAIL = 320;

/**
 * Where a value should come in the admission order: its advisory time, then its sequence
 * number. Values arrive in the order of the Yjs update (by writing client), not in each
 * author's order, and an entry whose predecessor has not been admitted is held, then released
 * with every entry waiting behind it in one go: a fresh peer admitting a long chain backwards
 * would hold the page for seconds. Sorted, each author's entries come in order, and a member's
 * after the registration (made earlier) that lets them in. Only an order: every value is still
 * checked in full, and a value that lies about its time is at worst held until its turn.
 * Canonical entries have sorted keys, so the top-level `seq` and `time` are the last ones, in
 * the entry's last few hundred bytes (after them only the signature and `v`).
 */
function admissionOrder(bytes: Uint8Array): { time: string; seq: number } {
  const json = text.decode(bytes.subarray(Math.max(0, bytes.length - TAIL)));
  const at = json.lastIndexOf('"time":"');
  const time = at < 0 ? '\uffff' : json.slice(at + 8, at + 28);
  const seqAt = json.lastIndexOf('"seq":');
  const seq = seqAt < 0 ? NaN : Number.parseInt(json.slice(seqAt + 6, seqAt + 23), 10);
  return { time, seq: Number.isFinite(seq) ? seq : Infinity };
}

type Ordered<T> = { value: T; order: { time: string; seq: number } };

/** Values with their admission order (`admissionOrder`) sorted by it; the sort is stable. */
function sortedByOrder<T>(keyed: Ordered<T>[]): T[] {
  keyed.sort((a, b) =>
    a.order.time < b.order.time
      ? -1
      : a.order.time > b.order.time
        ? 1
        : a.order.seq - b.order.seq || 0,
  );
  return keyed.map(({ value }) => value);
}

/** `values` in admission order (see `admissionOrder`); the sort is stable. */
export function inAdmissionOrder<T extends { bytes: Uint8Array }>(values: readonly T[]): T[] {
  return sortedByOrder(values.map((value) => ({ value, order: admissionOrder(value.bytes) })));
}

export function bindLedgerDoc(
  doc: Y.Doc,
  ledger: Ledger,
  options: LedgerDocOptions = {},
): LedgerDocBinding {
  const map = doc.getMap<Uint8Array>(ENTRIES_MAP);
  const stopKeeping = keepOnlyMaps(doc, [ENTRIES_MAP]);
  let work: Promise<void> = Promise.resolve();
  let destroyed = false;

  const write = (fn: () => void, origin: symbol = SELF) => {
    if (!destroyed) doc.transact(fn, origin);
  };

  const publish = (entry: Entry) => {
    const current = map.get(entry.id);
    if (!(current instanceof Uint8Array) || !bytesEqual(current, entry.bytes))
      write(() => map.set(entry.id, entry.bytes));
  };

  /** What the map holds under `key` that still needs the validator, after trivial repairs. */
  const pending = (key: string): { value: unknown; bytes: Uint8Array } | undefined => {
    const value = map.get(key);
    const known = ledger.get(key);
    if (value === undefined) {
      if (known !== undefined) write(() => map.set(key, known.bytes));
      return undefined;
    }
    const bytes = value instanceof Uint8Array ? value : new Uint8Array(0);
    if (known !== undefined && bytesEqual(bytes, known.bytes)) return undefined;
    return { value, bytes };
  };

  /** After the validator refused `value` under `key`: the verified bytes back, or nothing. */
  const repair = (key: string, value: unknown, result: AdmitResult) => {
    if (result.status !== 'rejected') return;
    const again = ledger.get(key);
    if (map.get(key) !== value) return; // changed meanwhile; its own check follows
    if (again !== undefined) write(() => map.set(key, again.bytes));
    else write(() => map.delete(key));
  };

  /** Validates what the map holds under `key` now, then repairs the map if it must. */
  const check = async (key: string): Promise<void> => {
    const found = pending(key);
    if (found === undefined) return;
    repair(key, found.value, await ledger.admit(found.bytes, { key }));
  };

  const reportError = (error: unknown, key: string) => {
    try {
      options.onError?.(error, key);
    } catch {
      // A failing error handler must not stop the repairs either.
    }
  };

  /**
   * The values under `keys` that need the validator, in admission order (trivial repairs done),
   * giving the page a turn every `COLLECT_SLICE` keys (a first sync brings tens of thousands).
   */
  const collect = async (keys: readonly string[]) => {
    const values: Ordered<{ key: string; value: unknown; bytes: Uint8Array }>[] = [];
    for (const [i, key] of keys.entries()) {
      if (i > 0 && i % COLLECT_SLICE === 0) await nextTask();
      try {
        const found = pending(key);
        if (found !== undefined)
          values.push({ value: { key, ...found }, order: admissionOrder(found.bytes) });
      } catch (error) {
        reportError(error, key);
      }
    }
    await nextTask();
    return sortedByOrder(values);
  };

  /** `values` through `admitMany`; true when it ran to the end. */
  const checkMany = async (
    values: readonly { key: string; value: unknown; bytes: Uint8Array }[],
  ): Promise<boolean> => {
    const admitMany = options.admitMany;
    if (admitMany === undefined) return false;
    if (values.length === 0) return true;
    try {
      await admitMany(values, (i, result) => {
        const { key, value } = values[i] as (typeof values)[number];
        try {
          repair(key, value, result);
        } catch (error) {
          reportError(error, key);
        }
      });
      return true;
    } catch (error) {
      // A failure of the batch itself (a bug): every value is checked again one by one;
      // what was admitted meanwhile is found known and skipped.
      reportError(error, values[0]?.key ?? '');
      return false;
    }
  };

  /**
   * Checks keys in order; one key's exception never breaks the chain for the keys after it. A
   * large change is taken in admission order (`inAdmissionOrder`), through `admitMany` when
   * there is one: held entries are bounded, so a long chain arriving backwards would otherwise
   * be dropped from holding in part before its first entry came.
   */
  const enqueue = (keys: Iterable<string>) => {
    const list = [...keys];
    work = work.then(async () => {
      let order = list;
      if (list.length >= MANY) {
        const values = await collect(list);
        if (await checkMany(values)) return;
        order = values.map(({ key }) => key);
      }
      for (const key of order) {
        try {
          await check(key);
        } catch (error) {
          reportError(error, key);
        }
      }
    });
  };

  /** Keys changed so far by the parts of each split update, admitted after its last part. */
  const gathered = new Map<unknown, Set<string>>();
  const observer = (event: Y.YMapEvent<Uint8Array>, transaction: Y.Transaction) => {
    const origin: unknown = transaction.origin;
    if (origin === SELF || origin === SEED_ORIGIN) return;
    if (origin instanceof UpdatePart) {
      const keys = gathered.get(origin.update) ?? new Set<string>();
      gathered.set(origin.update, keys);
      for (const key of event.keysChanged) keys.add(key);
      return;
    }
    enqueue(event.keysChanged);
  };
  /** After the observers: an update's last part releases what its parts gathered. */
  const afterTransaction = (transaction: Y.Transaction) => {
    const origin: unknown = transaction.origin;
    if (!(origin instanceof UpdatePart) || !origin.last) return;
    const keys = gathered.get(origin.update);
    gathered.delete(origin.update);
    if (keys !== undefined && keys.size > 0) enqueue(keys);
  };
  map.observe(observer);
  doc.on('afterTransaction', afterTransaction);
  /** A held entry the ledger dropped: it leaves the map too (unless admitted meanwhile). */
  const evicted = (entry: Entry) => {
    const current = map.get(entry.id);
    if (ledger.get(entry.id) !== undefined || !(current instanceof Uint8Array)) return;
    if (bytesEqual(current, entry.bytes)) write(() => map.delete(entry.id));
  };
  const unsubscribe = ledger.subscribe({ admitted: publish, evicted });

  let seeding: Promise<void> = Promise.resolve();
  /**
   * The first `SEED_SLICE` entries at once, the rest a slice per task, each sized to take about
   * `SEED_TASK_MS` by the cost of the one before.
   */
  const reseed = (): Promise<void> => {
    const entries = [...ledger.all()];
    /** Writes `count` entries from `from`; returns the milliseconds it took. */
    const slice = (from: number, count: number): number => {
      const started = performance.now();
      write(() => {
        for (const entry of entries.slice(from, from + count)) {
          const current = map.get(entry.id);
          if (!(current instanceof Uint8Array) || !bytesEqual(current, entry.bytes))
            map.set(entry.id, entry.bytes);
        }
      }, SEED_ORIGIN);
      return performance.now() - started;
    };
    let took = slice(0, SEED_SLICE);
    if (entries.length <= SEED_SLICE) return (seeding = Promise.resolve());
    seeding = (async () => {
      let count = SEED_SLICE;
      for (let from = SEED_SLICE; from < entries.length && !destroyed; from += count) {
        count = Math.round(count * (SEED_TASK_MS / Math.max(took, 0.1)));
        count = Math.min(SEED_SLICE, Math.max(SEED_FEWEST, count));
        await nextTask();
        took = slice(from, count);
      }
    })();
    return seeding;
  };

  enqueue(map.keys());
  const seed = () => (destroyed ? undefined : reseed());
  if (options.seedAfter === undefined) void seed();
  else seeding = options.seedAfter.then(seed, seed);

  return {
    map,
    settled: async () => {
      await seeding;
      let seen: Promise<void> | undefined;
      while (seen !== work) {
        seen = work;
        await work;
      }
    },
    reseed,
    destroy: () => {
      destroyed = true;
      map.unobserve(observer);
      doc.off('afterTransaction', afterTransaction);
      stopKeeping();
      unsubscribe();
    },
  };
}
