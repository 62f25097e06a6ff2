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
 * - Everything the ledger admits, from any source, is written to the map if it is missing.
 * - `reseed` writes the verified store into the map again (on every reconnect).
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
import { bytesEqual, type Entry, type Ledger } from '../core/index.ts';

/** The transaction origin of the binding's own writes, so it does not validate them again. */
const SELF = Symbol('patchtrail-ledger-binding');
export const ENTRIES_MAP = 'entries';

export interface LedgerDocBinding {
  readonly map: Y.Map<Uint8Array>;
  /** Resolves when every value seen so far has been through the validator. */
  settled(): Promise<void>;
  reseed(): void;
  destroy(): void;
}

export interface LedgerDocOptions {
  /**
   * Hears an exception from checking one key (a bug: the validator codes every bad input). The
   * binding goes on with the next key, so later repairs still happen.
   */
  onError?: (error: unknown, key: string) => void;
}

export function bindLedgerDoc(
  doc: Y.Doc,
  ledger: Ledger,
  options: LedgerDocOptions = {},
): LedgerDocBinding {
  const map = doc.getMap<Uint8Array>(ENTRIES_MAP);
  let work: Promise<void> = Promise.resolve();
  let destroyed = false;

  const write = (fn: () => void) => {
    if (!destroyed) doc.transact(fn, SELF);
  };

  const publish = (entry: Entry) => {
    const current = map.get(entry.id);
    if (!(current instanceof Uint8Array) || !bytesEqual(current, entry.bytes))
      write(() => map.set(entry.id, entry.bytes));
  };

  /** Validates what the map holds under `key` now, then repairs the map if it must. */
  const check = async (key: string): Promise<void> => {
    const value = map.get(key);
    const known = ledger.get(key);
    if (value === undefined) {
      if (known !== undefined) write(() => map.set(key, known.bytes));
      return;
    }
    const bytes = value instanceof Uint8Array ? value : new Uint8Array(0);
    if (known !== undefined && bytesEqual(bytes, known.bytes)) return;
    const result = await ledger.admit(bytes, { key });
    if (result.status === 'rejected') {
      const again = ledger.get(key);
      if (map.get(key) !== value) return; // changed meanwhile; its own check follows
      if (again !== undefined) write(() => map.set(key, again.bytes));
      else write(() => map.delete(key));
    }
  };

  /** Checks keys in order; one key's exception never breaks the chain for the keys after it. */
  const enqueue = (keys: Iterable<string>) => {
    const list = [...keys];
    work = work.then(async () => {
      for (const key of list) {
        try {
          await check(key);
        } catch (error) {
          try {
            options.onError?.(error, key);
          } catch {
            // A failing error handler must not stop the repairs either.
          }
        }
      }
    });
  };

  const observer = (event: Y.YMapEvent<Uint8Array>, transaction: Y.Transaction) => {
    if (transaction.origin === SELF) return;
    enqueue(event.keysChanged);
  };
  map.observe(observer);
  /** A held entry the ledger dropped: it leaves the map too (unless admitted meanwhile). */
  const evicted = (entry: Entry) => {
    const current = map.get(entry.id);
    if (ledger.get(entry.id) !== undefined || !(current instanceof Uint8Array)) return;
    if (bytesEqual(current, entry.bytes)) write(() => map.delete(entry.id));
  };
  const unsubscribe = ledger.subscribe({ admitted: publish, evicted });

  const reseed = () => {
    write(() => {
      for (const entry of ledger.all()) {
        const current = map.get(entry.id);
        if (!(current instanceof Uint8Array) || !bytesEqual(current, entry.bytes))
          map.set(entry.id, entry.bytes);
      }
    });
  };

  enqueue(map.keys());
  reseed();

  return {
    map,
    settled: async () => {
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
      unsubscribe();
    },
  };
}
