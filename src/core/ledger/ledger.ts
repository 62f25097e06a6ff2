/**
 * The ledger: a validator in front of a verified store. Untrusted bytes (from a peer, a file,
 * a Yjs map) go through `admit`, in order: size; canonical decode; hash (against the key it
 * travelled under); ledger id; signature; chain link to the author's previous entry (held
 * until it arrives); kind rules. Admitted entries are indexed and are what every query reads;
 * rejected ones are quarantined with their reason and never indexed. Standing (revocation,
 * equivocation, rotation, admin rights) is a deterministic view over the admitted set
 * (registry.ts), so peers that hold the same entries agree whatever the arrival order.
 *
 * This class is a facade over one module per job: admission.ts (validation), holding.ts and
 * newcomers.ts (entries held back, and the newcomer quota), ledger-view.ts over indexes.ts,
 * registry.ts and views.ts (the admitted set, its indexes, standing and every query),
 * quarantine.ts, and authoring.ts (signing new entries).
 */
import type { Signer } from '../crypto/signer.ts';
import { prepareSha256Sync } from '../crypto/hash.ts';
import { isPatchtrailError, reject, type ErrorCode } from '../errors.ts';
import {
  checkEntry,
  checkLink,
  precheckEntry,
  type AdmitOptions,
  type Precheck,
} from './admission.ts';
import { appendEntry, equivocationBody, type AppendOptions } from './authoring.ts';
import { decodeEntry, signEntry, vouchedEntry, type Entry } from './entry.ts';
import { Holding, type HeldEntry } from './holding.ts';
import type { Equivocation } from './indexes.ts';
import type { EntryBody, EntryKind } from './kinds.ts';
import {
  MAX_ENTRY_BYTES,
  MAX_HELD_BYTES,
  MAX_HELD_PER_UNKNOWN_AUTHOR,
  MAX_NEWCOMERS,
  MAX_PENDING,
  MAX_WAITING_NEWCOMERS,
} from './limits.ts';
import { NewcomerQuota } from './newcomers.ts';
import { checkVouched } from './restore.ts';
import { Quarantine, type QuarantineRecord } from './quarantine.ts';
import { LedgerView } from './ledger-view.ts';

export {
  rotationMessage,
  type AdmitOptions,
  type Precheck,
  type SignatureCheck,
} from './admission.ts';
export type { AppendOptions } from './authoring.ts';
export type { Equivocation } from './indexes.ts';
export type { QuarantineRecord } from './quarantine.ts';
export type { HeldEntry } from './holding.ts';

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
  /** A held entry was dropped to keep what is held within its limits. */
  evicted?(entry: Entry): void;
}

const NEWCOMER_WAITS = {
  code: 'UNKNOWN_AUTHOR',
  message: `waits for an endorsement: ${MAX_NEWCOMERS} registered keys no admin has vouched for are admitted at most; an admin can endorse this key first`,
} as const;

/**
 * Points an entry's ledger id, predecessor id and author at the equal strings the ledger
 * already holds, so that 100k entries keep one copy of each instead of one per entry (less to
 * keep, less for the garbage collector to move). Values are unchanged.
 */
function shareStrings(entry: Entry, ledgerId: string, previous: Entry | undefined): void {
  if (entry.ledger === ledgerId) entry.ledger = ledgerId;
  if (previous === undefined) return;
  entry.prev = previous.id;
  if (entry.author === previous.author) entry.author = previous.author;
}

export class Ledger extends LedgerView {
  /** Entries waiting for their author's previous entry. */
  private readonly holding = new Holding({ entries: MAX_PENDING, bytes: MAX_HELD_BYTES });
  /** Newcomers' registrations waiting for an endorsement or a free slot (newcomers.ts). */
  private readonly waiting = new Holding({
    entries: MAX_WAITING_NEWCOMERS,
    bytes: MAX_WAITING_NEWCOMERS * MAX_ENTRY_BYTES,
  });
  private readonly quota: NewcomerQuota;
  private readonly quarantine = new Quarantine();
  private readonly listeners = new Set<LedgerEvents>();

  private constructor(genesis: Entry<'genesis'>, events: LedgerEvents) {
    super(genesis);
    this.quota = new NewcomerQuota(genesis, MAX_NEWCOMERS);
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

  /** Reads bytes ahead of `admit` and starts their signature check (see AdmitOptions). */
  precheck(bytes: Uint8Array, options: AdmitOptions = {}): Precheck {
    return precheckEntry(bytes, options, this.id);
  }

  /** Admits untrusted bytes, or says why not. Never throws for bad input. */
  async admit(bytes: Uint8Array, options: AdmitOptions = {}): Promise<AdmitResult> {
    let entry: Entry;
    try {
      entry = await checkEntry(bytes, options, this.id, (id) => this.indexes.get(id));
    } catch (error) {
      return this.refuse(error, options.key ?? '', bytes);
    }
    return this.place(entry, bytes);
  }

  /**
   * Admits an entry from this device's own record of verified entries (restore.ts): `bytes`
   * passed every check of their own here before, as `id`, under RESTORE_RULES. Those checks
   * (hash, signature, decoding rules) are not repeated; everything that depends on the other
   * entries is, as in `admit`, so restoring a sequence leaves the ledger exactly as admitting
   * it would. Only for bytes the caller vouches for; never for bytes from a peer or a file.
   * `parsed`, when given, is what `JSON.parse` makes of the bytes (the caller vouches for it).
   */
  restore(bytes: Uint8Array, id: string, parsed?: unknown): AdmitResult {
    let entry: Entry;
    let previous: Entry | undefined;
    try {
      entry = vouchedEntry(bytes, id, parsed);
      previous = entry.prev === null ? undefined : this.indexes.get(entry.prev);
      checkVouched(entry, this.id, previous);
    } catch (error) {
      return this.refuse(error, id, bytes);
    }
    // Nothing was admitted since the predecessor was looked up and its link checked.
    return this.place(entry, bytes, { previous });
  }

  private refuse(error: unknown, key: string, bytes: Uint8Array): AdmitResult {
    if (!isPatchtrailError(error)) throw error;
    this.emit('quarantined', this.quarantine.add(key, error, bytes));
    return { status: 'rejected', code: error.code, message: error.message, released: [] };
  }

  /**
   * Admits, holds or ignores (a duplicate) an entry that passed its checks. `linked` is given
   * when its predecessor (or its absence) was looked up, and the link checked, in this same
   * synchronous run; otherwise (admission awaited a signature meanwhile) both happen again.
   */
  private place(
    entry: Entry,
    bytes: Uint8Array,
    linked?: { previous: Entry | undefined },
  ): AdmitResult {
    if (this.indexes.has(entry.id)) return { status: 'duplicate', id: entry.id, released: [] };
    const previous =
      linked !== undefined || entry.prev === null ? linked?.previous : this.indexes.get(entry.prev);
    if (entry.prev !== null && previous === undefined) {
      // An author the ledger holds nothing of gets little room: it may never exist.
      const unknown = this.indexes.head(entry.author) === undefined;
      const cap = unknown ? MAX_HELD_PER_UNKNOWN_AUTHOR : Infinity;
      this.evict(this.holding.hold(entry.prev, { bytes, entry }, cap));
      return { status: 'held', id: entry.id, released: [] };
    }
    if (this.quota.mustWait(entry)) {
      this.evict(this.waiting.hold(entry.author, { bytes, entry }));
      return { status: 'held', id: entry.id, released: [], ...NEWCOMER_WAITS };
    }
    shareStrings(entry, this.id, previous);
    const released: string[] = [];
    this.accept(entry, released, linked !== undefined);
    return { status: 'admitted', id: entry.id, released: released.slice(1) };
  }

  /**
   * Indexes `first` and whatever waited for it, transitively. `place` has just seen that
   * `first` is not admitted, and when `firstLinked`, checked its link too.
   */
  private accept(first: Entry, released: string[], firstLinked: boolean): void {
    const queue = [first];
    let isFirst = true;
    for (let entry = queue.shift(); entry !== undefined; entry = queue.shift()) {
      const checked = isFirst;
      isFirst = false;
      if (!checked && this.indexes.has(entry.id)) continue;
      if (!(checked && firstLinked) && !this.linked(entry)) continue;
      if (this.quota.mustWait(entry)) {
        this.evict(this.waiting.hold(entry.author, { bytes: entry.bytes, entry }));
        continue;
      }
      this.index(entry);
      released.push(entry.id);
      this.emit('admitted', entry);
      if (this.quota.admitted(entry)) queue.push(...this.releaseNewcomers());
      queue.push(...this.holding.release(entry.id));
    }
  }

  /** Whether a released entry still follows its predecessor (else it is quarantined). */
  private linked(entry: Entry): boolean {
    const previous = entry.prev === null ? undefined : this.indexes.get(entry.prev);
    if (previous === undefined) return true;
    try {
      checkLink(entry, previous);
      return true;
    } catch (error) {
      if (!isPatchtrailError(error)) throw error;
      this.emit('quarantined', this.quarantine.add(entry.id, error, entry.bytes));
      return false;
    }
  }

  /** Waiting registrations whose key is vouched for now, then the oldest, while there is room. */
  private releaseNewcomers(): Entry[] {
    const out: Entry[] = [];
    for (const author of this.waiting.waitedFor())
      if (this.quota.vouched(author)) out.push(...this.waiting.release(author));
    for (let room = this.quota.free; room > 0 && this.waiting.size > 0; room--)
      out.push(this.waiting.releaseOldest() as Entry);
    return out;
  }

  private evict(entries: readonly Entry[]): void {
    for (const entry of entries) this.emit('evicted', entry);
  }

  private index(entry: Entry): void {
    const { governance, equivocation } = this.indexes.add(entry);
    if (governance) this.standingChanged();
    if (equivocation !== undefined) this.emit('equivocation', equivocation);
  }

  /** Entries held: waiting for a predecessor, or (newcomers) for an endorsement. */
  get heldCount(): number {
    return this.holding.size + this.waiting.size;
  }

  /** The held entries, oldest first in each pool: not admitted, kept to try again. */
  held(): HeldEntry[] {
    return [...this.holding.entries(), ...this.waiting.entries()];
  }

  /** Admitted newcomers: registered keys no admin has vouched for (newcomers.ts). */
  get newcomers(): number {
    return this.quota.count;
  }

  quarantined(): QuarantineRecord[] {
    return this.quarantine.list();
  }

  /** Signs and admits `signer`'s next entry (authoring.ts). */
  append<K extends EntryKind>(
    signer: Signer,
    kind: K,
    body: EntryBody<K>,
    time: string,
    options: AppendOptions = {},
  ): Promise<Entry<K>> {
    return appendEntry(this, signer, kind, body, time, options);
  }

  /** A proof entry for an equivocation, signed by `signer`, unless one is already known. */
  async publishEquivocation(signer: Signer, found: Equivocation, time: string) {
    if (this.hasProofAbout(found.author, found.seq)) return undefined;
    return this.append(signer, 'equivocation', equivocationBody(this, found), time);
  }
}
