/**
 * Content peers put where the ledger does not look is removed. A Yjs doc has any number of
 * root types, named by whoever writes them, and the binding (ledger-doc.ts) watches only the
 * `entries` map: an insider writing 40 × 1 MiB into `doc.getArray('junk')` had every peer hold
 * it and hand it to each new joiner (41.9 MB) for as long as any peer stayed online. The same
 * goes for list content under the `entries` root itself (a peer can write array items there; a
 * Y.Map never shows them). Every transaction is looked at (which types it changed: attacker
 * input), and what it put outside the kept maps is deleted in a transaction of our own, which
 * the transports then carry to the peers like any other change. Yjs's garbage collection then
 * drops the deleted content: what is sent on is a run of deleted-item markers, a few bytes per
 * writer and root (a root's name and a map key stay, as any deleted Yjs item's do).
 */
import type * as Y from 'yjs';

/** Any Yjs type, as `Transaction.changed` and `Doc.share` hold them. */
type AnyType = NonNullable<ReturnType<Y.Doc['share']['get']>>;

/** The transaction origin of the deletions, so they are not looked at again. */
const CLEARING = Symbol('patchtrail-foreign-roots');

/** The root type `type` sits under (itself, for a root). */
function rootOf(type: AnyType): AnyType {
  let at = type;
  while (at._item !== null) at = at._item.parent as AnyType;
  return at;
}

/** Whether a list from `item` on holds anything not deleted. */
function hasLive(item: Y.Item | null): boolean {
  for (let at = item; at !== null; at = at.right) if (!at.deleted) return true;
  return false;
}

/** Deletes what `type` holds as a list, and as a map unless `listOnly`. */
function clear(type: AnyType, transaction: Y.Transaction, listOnly: boolean) {
  for (let item = type._start; item !== null; item = item.right)
    if (!item.deleted) item.delete(transaction);
  if (listOnly) return;
  for (const item of type._map.values()) if (!item.deleted) item.delete(transaction);
}

/**
 * Keeps `doc` to the maps named in `maps`: content written to any other root type (or as a
 * list under one of those maps) is deleted as it arrives, and what the doc holds already is
 * deleted now. Returns stop.
 */
export function keepOnlyMaps(doc: Y.Doc, maps: readonly string[]): () => void {
  const kept = (root: AnyType) => maps.some((name) => doc.share.get(name) === root);

  /** Roots to clear whole, and kept maps whose list part to clear. */
  const foreignIn = (changed: Iterable<[AnyType, Set<string | null>]>) => {
    const whole = new Set<AnyType>();
    const lists = new Set<AnyType>();
    for (const [type, keys] of changed) {
      const root = rootOf(type);
      if (!kept(root)) whole.add(root);
      else if (type === root && keys.has(null)) lists.add(root);
      // A nested type under a kept map is a value the binding refuses and removes.
    }
    return { whole, lists };
  };

  const sweep = (whole: Set<AnyType>, lists: Set<AnyType>) => {
    // No transaction of ours when there is nothing to delete (binding a doc with no junk).
    const live = (type: AnyType, listOnly: boolean) =>
      hasLive(type._start) || (!listOnly && [...type._map.values()].some((i) => !i.deleted));
    if (![...whole].some((t) => live(t, false)) && ![...lists].some((t) => live(t, true))) return;
    doc.transact((transaction) => {
      for (const root of whole) clear(root, transaction, false);
      for (const root of lists) clear(root, transaction, true);
    }, CLEARING);
  };

  const afterTransaction = (transaction: Y.Transaction) => {
    if (transaction.origin === CLEARING) return;
    const { whole, lists } = foreignIn(transaction.changed);
    sweep(whole, lists);
  };
  doc.on('afterTransaction', afterTransaction);
  const held = [...doc.share.values()].map(
    (root) => [root, new Set<string | null>([null])] as [AnyType, Set<string | null>],
  );
  const { whole, lists } = foreignIn(held);
  sweep(whole, lists);
  return () => doc.off('afterTransaction', afterTransaction);
}
