/**
 * What is new for a peer: the entries after a frontier of heads (entry ids the peer holds, one
 * per author or several), as `ledger export --since` and the app's file sync write them. An
 * author's entries above the highest seq among its named heads are new; the genesis always
 * travels first, so the file names its ledger. Heads this ledger does not hold are returned as
 * unknown (the peer is ahead there), not guessed at.
 */
import type { Entry } from './entry.ts';
import type { Ledger } from './ledger.ts';

export function entriesSince(
  ledger: Ledger,
  heads: readonly string[],
): { entries: Entry[]; unknown: string[] } {
  const frontier = new Map<string, number>();
  const unknown: string[] = [];
  for (const id of heads) {
    const head = ledger.get(id);
    if (head === undefined) unknown.push(id);
    else frontier.set(head.author, Math.max(frontier.get(head.author) ?? -1, head.seq));
  }
  const entries = [...ledger.all()].filter(
    (e) => e.kind === 'genesis' || e.seq > (frontier.get(e.author) ?? -1),
  );
  return { entries, unknown };
}

/** Every author's newest entry id (both sides of a fork), sorted: a peer's frontier. */
export function headsOf(ledger: Ledger): string[] {
  const top = new Map<string, number>();
  for (const entry of ledger.all())
    top.set(entry.author, Math.max(top.get(entry.author) ?? -1, entry.seq));
  const heads: string[] = [];
  for (const [author, seq] of top) heads.push(...ledger.idsAt(author, seq));
  return heads.sort();
}
