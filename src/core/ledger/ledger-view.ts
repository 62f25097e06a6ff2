/**
 * The read side of the ledger: the admitted entries, their indexes and the standing view over
 * them. Every query the app, the CLI, reputation and policy ask reads through here; only the
 * `Ledger` (ledger.ts), which extends it, adds entries.
 */
import type { Entry } from './entry.ts';
import { LedgerIndexes, proofSubject } from './indexes.ts';
import type { EntryKind } from './kinds.ts';
import { computeRegistry, type Registry } from './registry.ts';
import { entriesOutOfStanding, verifiedDigest, type OutOfStandingEntry } from './views.ts';

export class LedgerView {
  readonly id: string;
  readonly genesis: Entry<'genesis'>;
  protected readonly indexes = new LedgerIndexes();
  private registryCache: Registry | undefined;

  protected constructor(genesis: Entry<'genesis'>) {
    this.id = genesis.id;
    this.genesis = genesis;
  }

  /** Standing may have changed: the registry is computed again when next asked for. */
  protected standingChanged(): void {
    this.registryCache = undefined;
  }

  /** The registry and standing view, recomputed only after governance entries. */
  registry(): Registry {
    this.registryCache ??= computeRegistry(
      {
        genesis: this.genesis,
        ofKind: (kind) => this.indexes.ofKind(kind),
        bySeq: (author) => this.indexes.bySeq(author),
        authors: () => this.indexes.authors(),
      },
      proofSubject,
    );
    return this.registryCache;
  }

  /** Admitted entries of one kind, in admission order (standing not applied). */
  ofKind(kind: EntryKind): Iterable<Entry> {
    return this.indexes.ofKind(kind);
  }

  get(id: string): Entry | undefined {
    return this.indexes.get(id);
  }

  /** Admitted and in standing: what queries read. */
  verified(id: string): Entry | undefined {
    const entry = this.indexes.get(id);
    return entry !== undefined && this.registry().standing(entry) === undefined ? entry : undefined;
  }

  /** Every admitted entry in local admission order (the Merkle log's leaf order). */
  all(): Iterable<Entry> {
    return this.indexes.all();
  }

  /** Admitted entries from position `start` of the admission order on (new since a look). */
  since(start: number): Iterable<Entry> {
    return this.indexes.since(start);
  }

  get size(): number {
    return this.indexes.size;
  }

  /** Admitted entries that are out of standing, with the reason: evidence, never indexed. */
  outOfStanding(): OutOfStandingEntry[] {
    return entriesOutOfStanding(this.indexes.all(), this.registry());
  }

  /** The author's newest admitted entry (the highest seq; the smallest id on a fork). */
  head(author: string): Entry | undefined {
    return this.indexes.head(author);
  }

  /** Entries under a patch digest: its publish, attestations and flags (admitted, in order). */
  aboutPatch(patch: string): Entry[] {
    return this.indexes.aboutPatch(patch);
  }

  /** Attestations that name `id` as their parent. */
  childrenOf(id: string): Entry[] {
    return this.indexes.childrenOf(id);
  }

  /** Admitted entry ids of one author at one sequence number (two or more: equivocation). */
  idsAt(author: string, seq: number): string[] {
    return this.indexes.idsAt(author, seq);
  }

  /** Applied, rolled-back and rejected attestations about a target (its name, or the device). */
  aboutTarget(target: string): Entry[] {
    return this.indexes.aboutTarget(target);
  }

  /** An author's admitted entries in sequence order (both sides of a fork at one seq). */
  byAuthor(author: string): Entry[] {
    return this.indexes.byAuthor(author);
  }

  hasProofAbout(author: string, seq: number): boolean {
    return this.indexes.hasProofAbout(author, seq);
  }

  /** Other authors' newest entries, for an appended entry's `refs`. */
  recentHeads(except: string, max: number): string[] {
    return this.indexes.recentHeads(except, max);
  }

  /** A short digest of the verified set ("ld1:" and 20 hex digits); see views.ts. */
  digest(): Promise<string> {
    return verifiedDigest(this.indexes.all(), this.registry());
  }
}
