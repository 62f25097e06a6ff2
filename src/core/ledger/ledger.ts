/**
 * The ledger: a validator in front of a verified store. Untrusted bytes (from a peer, a file,
 * a Yjs map) go through `admit`, in order: size; canonical decode; hash (against the key it
 * travelled under); ledger id; signature; chain link to the author's previous entry (held
 * until it arrives); kind rules. Admitted entries are indexed and are what every query reads;
 * rejected ones are quarantined with their reason and never indexed. Standing (revocation,
 * equivocation, rotation, admin rights) is a deterministic view over the admitted set
 * (registry.ts), so peers that hold the same entries agree whatever the arrival order.
 */
import { publicKeyFromDid } from '../crypto/did-key.ts';
import { verify } from '../crypto/ed25519.ts';
import { sha256Hex } from '../crypto/hash.ts';
import type { Signer } from '../crypto/signer.ts';
import { concatBytes, fromBase64, toBase64, utf8Encode } from '../encoding/bytes.ts';
import { canonicalBytes } from '../encoding/canonical-json.ts';
import { isPatchtrailError, PatchtrailError, reject, type ErrorCode } from '../errors.ts';
import { decodeEntry, passkeyChallenge, signEntry, type Entry, type EntryFields } from './entry.ts';
import type {
  EntryBody,
  EntryKind,
  EquivocationBody,
  PasskeyAssertion,
  RotateBody,
} from './kinds.ts';
import {
  MAX_PENDING,
  MAX_PROOF_ENTRY_BYTES,
  MAX_QUARANTINE,
  MAX_QUARANTINE_BYTES,
  OVERSIZED_EVIDENCE_BYTES,
} from './limits.ts';
import { computeRegistry, type Registry } from './registry.ts';
import { prepareSha256Sync } from '../crypto/hash.ts';

export type AdmitStatus = 'admitted' | 'duplicate' | 'held' | 'rejected';

export interface AdmitResult {
  status: AdmitStatus;
  id?: string;
  code?: ErrorCode;
  message?: string;
  /** Entries admitted because this one released them from holding (in admission order). */
  released: string[];
}

export interface QuarantineRecord {
  /** The key it travelled under, or its content hash when it could be read. */
  key: string;
  code: ErrorCode;
  message: string;
  /** The input, or its first bytes when it was over the decode limit. */
  bytes: Uint8Array;
  /** The input's whole length. */
  size: number;
}

export interface Equivocation {
  author: string;
  seq: number;
  /** The two conflicting entry ids, sorted. */
  ids: [string, string];
}

export interface LedgerEvents {
  /** An entry was admitted (also for ones released from holding). */
  admitted?(entry: Entry): void;
  quarantined?(record: QuarantineRecord): void;
  /** Two entries by one author with one sequence number were seen. */
  equivocation?(found: Equivocation): void;
}

export interface AdmitOptions {
  /** The key the bytes travelled under (a Y.Map key, a file index): must be their id. */
  key?: string;
  /**
   * These exact bytes were verified on this device before (the verification cache vouches for
   * them): the signature is not checked again, though everything else is.
   */
  verifiedBefore?: boolean;
}

export interface AppendOptions {
  /**
   * Backs the entry with a passkey: called with the entry's `passkeyChallenge`, it returns a
   * WebAuthn assertion over it (the browser's navigator.credentials.get), put in `body.passkey`.
   */
  passkey?: (challenge: Uint8Array) => Promise<PasskeyAssertion>;
}

const ROTATE_DOMAIN = utf8Encode('patchtrail key rotation v1\n');

/** What a new key signs to accept a rotation: the ledger, the old key and itself. */
export function rotationMessage(ledger: string, from: string, to: string): Uint8Array {
  return concatBytes(ROTATE_DOMAIN, canonicalBytes({ ledger, from, to }));
}

export class Ledger {
  readonly id: string;
  readonly genesis: Entry<'genesis'>;
  private readonly entries = new Map<string, Entry>();
  private readonly log: string[] = [];
  private readonly seqs = new Map<string, Map<number, string[]>>();
  /** Each author's highest admitted sequence number. */
  private readonly tops = new Map<string, number>();
  private readonly kinds = new Map<EntryKind, string[]>();
  private readonly byPatch = new Map<string, string[]>();
  private readonly children = new Map<string, string[]>();
  private readonly targets = new Map<string, string[]>();
  private readonly pending = new Map<string, { bytes: Uint8Array; entry: Entry }[]>();
  private pendingCount = 0;
  private readonly quarantine = new Map<string, QuarantineRecord>();
  private quarantineBytes = 0;
  private rejections = 0;
  private readonly proofsAbout = new Set<string>();
  private registryCache: Registry | undefined;
  private readonly events: LedgerEvents;
  private readonly listeners = new Set<LedgerEvents>();

  private constructor(genesis: Entry<'genesis'>, events: LedgerEvents) {
    this.id = genesis.id;
    this.genesis = genesis;
    this.events = events;
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
    const genesis = await signEntry(signer, {
      seq: 0,
      prev: null,
      refs: [],
      time,
      kind: 'genesis',
      body,
    });
    return new Ledger(genesis, events);
  }

  /** Hears about admissions, quarantines and equivocations from now on; returns unsubscribe. */
  subscribe(listener: LedgerEvents): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Admits untrusted bytes, or says why not. Never throws for bad input. */
  async admit(bytes: Uint8Array, options: AdmitOptions = {}): Promise<AdmitResult> {
    let entry: Entry;
    try {
      entry = await this.check(bytes, options);
    } catch (error) {
      if (!isPatchtrailError(error)) throw error;
      this.reject(options.key ?? '', error, bytes);
      return { status: 'rejected', code: error.code, message: error.message, released: [] };
    }
    if (this.entries.has(entry.id)) return { status: 'duplicate', id: entry.id, released: [] };
    if (entry.prev !== null && !this.entries.has(entry.prev)) {
      this.hold(entry.prev, bytes, entry);
      return { status: 'held', id: entry.id, released: [] };
    }
    const released: string[] = [];
    this.accept(entry, released);
    return { status: 'admitted', id: entry.id, released: released.slice(1) };
  }

  private async check(bytes: Uint8Array, options: AdmitOptions): Promise<Entry> {
    const entry = await decodeEntry(bytes, options.key, {
      ledger: this.id,
      skipSignature: options.verifiedBefore === true,
    });
    if (entry.kind === 'genesis') {
      if (entry.id !== this.id) reject('MALFORMED_INPUT', 'a second genesis entry');
      return entry;
    }
    const previous = entry.prev === null ? undefined : this.entries.get(entry.prev);
    if (previous !== undefined) this.checkLink(entry, previous);
    // Only these kinds have checks that need more than the entry (and a signature to verify).
    if (entry.kind === 'rotate' || entry.kind === 'equivocation') await this.checkKind(entry);
    return entry;
  }

  private checkLink(entry: Entry, previous: Entry): void {
    if (previous.author !== entry.author || previous.seq !== entry.seq - 1)
      reject(
        'MALFORMED_INPUT',
        `${entry.id}: prev is not its author's entry at seq ${entry.seq - 1}`,
      );
  }

  /** Kind rules that need more than the entry: rotation proofs, equivocation proofs. */
  private async checkKind(entry: Entry): Promise<void> {
    if (entry.kind === 'rotate') {
      const { to, proof } = entry.body as RotateBody;
      const message = rotationMessage(this.id, entry.author, to);
      if (!(await verify(publicKeyFromDid(to), message, fromBase64(proof, 'rotation proof'))))
        reject('INVALID_SIGNATURE', `${entry.id}: the new key did not sign the rotation`);
    }
    if (entry.kind === 'equivocation') {
      const body = entry.body as EquivocationBody;
      const [a, b] = await Promise.all(
        [body.a, body.b].map((s) => decodeEntry(fromBase64(s, 'proof entry'))),
      );
      if (a === undefined || b === undefined) return;
      if (a.ledger !== this.id || b.ledger !== this.id)
        reject('MALFORMED_INPUT', 'an equivocation proof about another ledger');
      if (a.author !== b.author || a.seq !== b.seq || a.id === b.id)
        reject('MALFORMED_INPUT', 'an equivocation proof needs two entries by one author, one seq');
    }
  }

  private hold(prev: string, bytes: Uint8Array, entry: Entry): void {
    const waiting = this.pending.get(prev) ?? [];
    if (waiting.some((w) => w.entry.id === entry.id)) return;
    if (this.pendingCount >= MAX_PENDING) {
      const [oldest] = this.pending.keys();
      if (oldest !== undefined) {
        this.pendingCount -= this.pending.get(oldest)?.length ?? 0;
        this.pending.delete(oldest);
      }
    }
    waiting.push({ bytes, entry });
    this.pending.set(prev, waiting);
    this.pendingCount++;
  }

  private accept(first: Entry, released: string[]): void {
    const queue = [first];
    while (queue.length > 0) {
      const entry = queue.shift() as Entry;
      if (this.entries.has(entry.id)) continue;
      const previous = entry.prev === null ? undefined : this.entries.get(entry.prev);
      if (previous !== undefined) {
        try {
          this.checkLink(entry, previous);
        } catch (error) {
          if (!(error instanceof PatchtrailError)) throw error;
          this.reject(entry.id, error, entry.bytes);
          continue;
        }
      }
      this.index(entry);
      released.push(entry.id);
      this.events.admitted?.(entry);
      for (const listener of this.listeners) listener.admitted?.(entry);
      const waiting = this.pending.get(entry.id);
      if (waiting !== undefined) {
        this.pending.delete(entry.id);
        this.pendingCount -= waiting.length;
        for (const w of waiting) queue.push(w.entry);
      }
    }
  }

  private index(entry: Entry): void {
    this.entries.set(entry.id, entry);
    this.log.push(entry.id);
    const seqs = this.seqs.get(entry.author) ?? new Map<number, string[]>();
    const atSeq = seqs.get(entry.seq) ?? [];
    atSeq.push(entry.id);
    seqs.set(entry.seq, atSeq);
    this.seqs.set(entry.author, seqs);
    if ((this.tops.get(entry.author) ?? -1) < entry.seq) this.tops.set(entry.author, entry.seq);
    push(this.kinds, entry.kind, entry.id);
    const body = entry.body as { patch?: string; parent?: string };
    if (
      (entry.kind === 'publish' || entry.kind === 'attest' || entry.kind === 'flag') &&
      body.patch
    )
      push(this.byPatch, body.patch, entry.id);
    if (entry.kind === 'attest' && body.parent !== undefined)
      push(this.children, body.parent, entry.id);
    if (entry.kind === 'attest') {
      const { reason, target } = entry.body as { reason: string; target?: string };
      if (reason === 'applied' || reason === 'rolled-back' || reason === 'rejected')
        push(this.targets, target ?? entry.author, entry.id);
    }
    if (entry.kind === 'equivocation') this.proofsAbout.add(this.proofKey(entry));
    if (GOVERNANCE.has(entry.kind) || atSeq.length > 1) this.registryCache = undefined;
    if (atSeq.length > 1) {
      const ids = [...atSeq].sort().slice(0, 2) as [string, string];
      const found = { author: entry.author, seq: entry.seq, ids };
      this.events.equivocation?.(found);
      for (const listener of this.listeners) listener.equivocation?.(found);
    }
  }

  private proofKey(entry: Entry): string {
    const about = this.readProof(entry.body as EquivocationBody);
    return about === undefined ? '' : `${about.author} ${about.seq}`;
  }

  private readProof(body: EquivocationBody): { author: string; seq: number } | undefined {
    try {
      const text = new TextDecoder().decode(fromBase64(body.a, 'proof entry'));
      const parsed = JSON.parse(text) as { author: string; seq: number };
      return { author: parsed.author, seq: parsed.seq };
    } catch {
      return undefined;
    }
  }

  private reject(key: string, error: PatchtrailError, bytes: Uint8Array): void {
    // Evidence is kept, bounded: an oversized input keeps its first bytes only, and the
    // quarantine as a whole stays under MAX_QUARANTINE records and MAX_QUARANTINE_BYTES.
    const kept =
      bytes.length > MAX_PROOF_ENTRY_BYTES
        ? bytes.slice(0, OVERSIZED_EVIDENCE_BYTES)
        : bytes.slice();
    const record: QuarantineRecord = {
      key,
      code: error.code,
      message: error.message,
      bytes: kept,
      size: bytes.length,
    };
    const name = key === '' ? `#${this.rejections}` : key;
    this.rejections++;
    const slot = `${name} ${error.code}`;
    this.quarantineBytes -= this.quarantine.get(slot)?.bytes.length ?? 0;
    this.quarantine.delete(slot);
    this.quarantine.set(slot, record);
    this.quarantineBytes += kept.length;
    for (const [oldest, old] of this.quarantine) {
      if (this.quarantine.size <= MAX_QUARANTINE && this.quarantineBytes <= MAX_QUARANTINE_BYTES)
        break;
      this.quarantine.delete(oldest);
      this.quarantineBytes -= old.bytes.length;
    }
    this.events.quarantined?.(record);
    for (const listener of this.listeners) listener.quarantined?.(record);
  }

  /** The registry and standing view, recomputed only after governance entries. */
  registry(): Registry {
    this.registryCache ??= computeRegistry(
      {
        genesis: this.genesis,
        ofKind: (kind) => this.ofKind(kind),
        bySeq: (author) => this.seqs.get(author),
        authors: () => this.seqs.keys(),
      },
      (body) => this.readProof(body),
    );
    return this.registryCache;
  }

  /** Admitted entries of one kind, in admission order (standing not applied). */
  *ofKind(kind: EntryKind): Iterable<Entry> {
    for (const id of this.kinds.get(kind) ?? []) yield this.entries.get(id) as Entry;
  }

  get(id: string): Entry | undefined {
    return this.entries.get(id);
  }

  /** Admitted and in standing: what queries read. */
  verified(id: string): Entry | undefined {
    const entry = this.entries.get(id);
    return entry !== undefined && this.registry().standing(entry) === undefined ? entry : undefined;
  }

  /** Every admitted entry in local admission order (the Merkle log's leaf order). */
  *all(): Iterable<Entry> {
    for (const id of this.log) yield this.entries.get(id) as Entry;
  }

  get size(): number {
    return this.log.length;
  }

  get heldCount(): number {
    return this.pendingCount;
  }

  quarantined(): QuarantineRecord[] {
    return [...this.quarantine.values()];
  }

  /** Admitted entries that are out of standing, with the reason: evidence, never indexed. */
  outOfStanding(): { entry: Entry; code: ErrorCode; message: string }[] {
    const registry = this.registry();
    const out: { entry: Entry; code: ErrorCode; message: string }[] = [];
    for (const entry of this.all()) {
      const why = registry.standing(entry);
      if (why !== undefined) out.push({ entry, ...why });
    }
    return out;
  }

  /** The author's newest admitted entry (the highest seq; the smallest id on a fork). */
  head(author: string): Entry | undefined {
    const top = this.tops.get(author);
    if (top === undefined) return undefined;
    const [id] = [...(this.seqs.get(author)?.get(top) ?? [])].sort();
    return id === undefined ? undefined : this.entries.get(id);
  }

  /** Ids under a patch digest: its publish, attestations and flags (admitted, in order). */
  aboutPatch(patch: string): Entry[] {
    return (this.byPatch.get(patch) ?? []).map((id) => this.entries.get(id) as Entry);
  }

  /** Attestations that name `id` as their parent. */
  childrenOf(id: string): Entry[] {
    return (this.children.get(id) ?? []).map((c) => this.entries.get(c) as Entry);
  }

  /** Admitted entry ids of one author at one sequence number (two or more: equivocation). */
  idsAt(author: string, seq: number): string[] {
    return [...(this.seqs.get(author)?.get(seq) ?? [])].sort();
  }

  /** Applied, rolled-back and rejected attestations about a target (its name, or the device). */
  aboutTarget(target: string): Entry[] {
    return (this.targets.get(target) ?? []).map((id) => this.entries.get(id) as Entry);
  }

  /** An author's admitted entries in sequence order (both sides of a fork at one seq). */
  byAuthor(author: string): Entry[] {
    const seqs = this.seqs.get(author);
    if (seqs === undefined) return [];
    return [...seqs.keys()]
      .sort((a, b) => a - b)
      .flatMap((seq) => [...(seqs.get(seq) ?? [])].sort())
      .map((id) => this.entries.get(id) as Entry);
  }

  hasProofAbout(author: string, seq: number): boolean {
    return this.proofsAbout.has(`${author} ${seq}`);
  }

  /**
   * A short digest of the verified set (admitted and in standing): SHA-256 over the sorted
   * ids, as "ld1:" and 20 hex digits. Two peers with equal digests hold the same set.
   */
  async digest(): Promise<string> {
    const registry = this.registry();
    const ids = this.log.filter(
      (id) => registry.standing(this.entries.get(id) as Entry) === undefined,
    );
    const full = await sha256Hex(utf8Encode(ids.sort().join('\n')));
    return `ld1:${full.slice(0, 20)}`;
  }

  /**
   * Signs and admits a new entry by `signer`: its next sequence number, chained to its head,
   * citing up to MAX_REFS other authors' heads.
   */
  async append<K extends EntryKind>(
    signer: Signer,
    kind: K,
    body: EntryBody<K>,
    time: string,
    options: AppendOptions = {},
  ): Promise<Entry<K>> {
    const head = this.head(signer.did);
    const refs = this.recentHeads(signer.did);
    const fields: Omit<EntryFields<K>, 'v' | 'author'> = {
      ledger: this.id,
      seq: head === undefined ? 0 : head.seq + 1,
      prev: head?.id ?? null,
      refs,
      time,
      kind,
      body,
    };
    if (options.passkey !== undefined) {
      const challenge = passkeyChallenge({ ...fields, author: signer.did } as Omit<
        EntryFields,
        'v'
      >);
      fields.body = { ...body, passkey: await options.passkey(challenge) };
    }
    const entry = await signEntry(signer, fields);
    const result = await this.admit(entry.bytes, { key: entry.id });
    if (result.status !== 'admitted' && result.status !== 'duplicate')
      reject(result.code ?? 'MALFORMED_INPUT', result.message ?? 'entry was not admitted');
    return entry;
  }

  /** A proof entry for an equivocation, signed by `signer`, unless one is already known. */
  async publishEquivocation(signer: Signer, found: Equivocation, time: string) {
    if (this.hasProofAbout(found.author, found.seq)) return undefined;
    const [a, b] = found.ids.map((id) => toBase64((this.entries.get(id) as Entry).bytes)).sort();
    return this.append(signer, 'equivocation', { a: a as string, b: b as string }, time);
  }

  private recentHeads(except: string): string[] {
    const heads: Entry[] = [];
    for (let i = this.log.length - 1; i >= 0 && heads.length < 4; i--) {
      const entry = this.entries.get(this.log[i] as string) as Entry;
      if (entry.author !== except && !heads.some((h) => h.author === entry.author))
        heads.push(entry);
    }
    return heads.map((h) => h.id).sort();
  }
}

const GOVERNANCE = new Set<EntryKind>([
  'genesis',
  'register',
  'endorse',
  'revoke',
  'rotate',
  'equivocation',
]);

function push<K>(map: Map<K, string[]>, key: K, id: string): void {
  const list = map.get(key);
  if (list === undefined) map.set(key, [id]);
  else list.push(id);
}
