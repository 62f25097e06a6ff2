/**
 * The ledger: a validator in front of a verified store. Untrusted bytes (from a peer, a file,
 * a Yjs map) go through `admit`, in order: size; canonical decode; hash (against the key it
 * travelled under); ledger id; signature; chain link to the author's previous entry (held
 * until it arrives); kind rules. Admitted entries are indexed and are what every query reads;
 * rejected ones are quarantined with their reason and never indexed. Standing (revocation,
 * equivocation, rotation, admin rights) is a deterministic view over the admitted set
 * (registry.ts), so peers that hold the same entries agree whatever the arrival order.
 *
 * This class is a facade over one module per job: admission.ts (validation), holding.ts
 * (entries waiting for a predecessor), indexes.ts (the admitted set and its indexes, which
 * answer the queries), quarantine.ts, registry.ts and views.ts (standing), authoring.ts
 * (signing new entries).
 */
import type { Signer } from '../crypto/signer.ts';
import { prepareSha256Sync } from '../crypto/hash.ts';
import { isPatchtrailError, reject, type ErrorCode } from '../errors.ts';
import { checkEntry, checkLink, type AdmitOptions } from './admission.ts';
import { appendEntry, equivocationBody } from './authoring.ts';
import { decodeEntry, signEntry, type Entry } from './entry.ts';
import { Holding } from './holding.ts';
import { LedgerIndexes, proofSubject, type Equivocation } from './indexes.ts';
import type { EntryBody, EntryKind } from './kinds.ts';
import { Quarantine, type QuarantineRecord } from './quarantine.ts';
import { computeRegistry, type Registry } from './registry.ts';
import { entriesOutOfStanding, verifiedDigest, type OutOfStandingEntry } from './views.ts';

export { rotationMessage, type AdmitOptions } from './admission.ts';
export type { Equivocation } from './indexes.ts';
export type { QuarantineRecord } from './quarantine.ts';

export type AdmitStatus = 'admitted' | 'duplicate' | 'held' | 'rejected';

export interface AdmitResult {
  status: AdmitStatus;
  id?: string;
  code?: ErrorCode;
  message?: string;
  /** Entries admitted because this one released them from holding (in admission order). */
  released: string[];
}

export interface LedgerEvents {
  /** An entry was admitted (also for ones released from holding). */
  admitted?(entry: Entry): void;
  quarantined?(record: QuarantineRecord): void;
  /** Two entries by one author with one sequence number were seen. */
  equivocation?(found: Equivocation): void;
}

export class Ledger {
  readonly id: string;
  readonly genesis: Entry<'genesis'>;
  private readonly indexes = new LedgerIndexes();
  private readonly holding = new Holding();
  private readonly quarantine = new Quarantine();
  private registryCache: Registry | undefined;
  private readonly listeners = new Set<LedgerEvents>();

  private constructor(genesis: Entry<'genesis'>, events: LedgerEvents) {
    this.id = genesis.id;
    this.genesis = genesis;
    this.listeners.add(events);
    this.index(genesis);
  }

  /** Opens a ledger from its genesis entry's bytes (checked like any entry). */
  static async open(genesisBytes: Uint8Array, events: LedgerEvents = {}): Promise<Ledger> {
    // Admitting a file's lines never waits on a task, so the WebAssembly hasher would not get
    // to load during a long load: wait for the engine here (same digests either way).
    await prepareSha256Sync();
    const genesis = await decodeEntry(genesisBytes);
    if (genesis.kind !== 'genesis') reject('MALFORMED_INPUT', 'a ledger starts with its genesis');
    return new Ledger(genesis as Entry<'genesis'>, events);
  }

  /** Founds a new ledger: the signer is one of the admins. */
  static async found(
    signer: Signer,
    body: EntryBody<'genesis'>,
    time: string,
    events: LedgerEvents = {},
  ): Promise<Ledger> {
    const fields = { seq: 0, prev: null, refs: [], time, kind: 'genesis' as const, body };
    return new Ledger(await signEntry(signer, fields), events);
  }

  /** Hears about admissions, quarantines and equivocations from now on; returns unsubscribe. */
  subscribe(listener: LedgerEvents): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private emit<K extends keyof LedgerEvents>(
    event: K,
    value: Parameters<NonNullable<LedgerEvents[K]>>[0],
  ): void {
    for (const listener of this.listeners)
      (listener[event] as ((v: typeof value) => void) | undefined)?.(value);
  }

  /** Admits untrusted bytes, or says why not. Never throws for bad input. */
  async admit(bytes: Uint8Array, options: AdmitOptions = {}): Promise<AdmitResult> {
    let entry: Entry;
    try {
      entry = await checkEntry(bytes, options, this.id, (id) => this.indexes.get(id));
    } catch (error) {
      if (!isPatchtrailError(error)) throw error;
      this.emit('quarantined', this.quarantine.add(options.key ?? '', error, bytes));
      return { status: 'rejected', code: error.code, message: error.message, released: [] };
    }
    if (this.indexes.has(entry.id)) return { status: 'duplicate', id: entry.id, released: [] };
    if (entry.prev !== null && !this.indexes.has(entry.prev)) {
      this.holding.hold(entry.prev, { bytes, entry });
      return { status: 'held', id: entry.id, released: [] };
    }
    const released: string[] = [];
    this.accept(entry, released);
    return { status: 'admitted', id: entry.id, released: released.slice(1) };
  }

  /** Indexes `first` and whatever waited for it, transitively. */
  private accept(first: Entry, released: string[]): void {
    const queue = [first];
    for (let entry = queue.shift(); entry !== undefined; entry = queue.shift()) {
      if (this.indexes.has(entry.id)) continue;
      const previous = entry.prev === null ? undefined : this.indexes.get(entry.prev);
      if (previous !== undefined) {
        try {
          checkLink(entry, previous);
        } catch (error) {
          if (!isPatchtrailError(error)) throw error;
          this.emit('quarantined', this.quarantine.add(entry.id, error, entry.bytes));
          continue;
        }
      }
      this.index(entry);
      released.push(entry.id);
      this.emit('admitted', entry);
      queue.push(...this.holding.release(entry.id));
    }
  }

  private index(entry: Entry): void {
    const { governance, equivocation } = this.indexes.add(entry);
    if (governance) this.registryCache = undefined;
    if (equivocation !== undefined) this.emit('equivocation', equivocation);
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

  get size(): number {
    return this.indexes.size;
  }

  get heldCount(): number {
    return this.holding.size;
  }

  quarantined(): QuarantineRecord[] {
    return this.quarantine.list();
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

  /** Signs and admits `signer`'s next entry (authoring.ts). */
  append<K extends EntryKind>(
    signer: Signer,
    kind: K,
    body: EntryBody<K>,
    time: string,
  ): Promise<Entry<K>> {
    return appendEntry(this, signer, kind, body, time);
  }

  /** A proof entry for an equivocation, signed by `signer`, unless one is already known. */
  async publishEquivocation(signer: Signer, found: Equivocation, time: string) {
    if (this.hasProofAbout(found.author, found.seq)) return undefined;
    return this.append(signer, 'equivocation', equivocationBody(this, found), time);
  }
}
