/**
 * The admitted entries and their indexes (by id, admission order, author and sequence, kind,
 * patch, parent, target), so that every query costs what its answer costs. Only admitted
 * entries are indexed; every key here comes from a checked entry, yet all of them are
 * attacker-chosen strings, so they live in Maps, never in plain objects.
 */
import { fromBase64, utf8Decode } from '../encoding/bytes.ts';
import type { Entry } from './entry.ts';
import type { AttestBody, EntryKind, EquivocationBody } from './kinds.ts';
import { RecentAuthors } from './recent-authors.ts';

export interface Equivocation {
  author: string;
  seq: number;
  /** The two conflicting entry ids, sorted. */
  ids: [string, string];
}

/** What indexing one entry found: an equivocation, a change to standing. */
export interface Indexed {
  equivocation?: Equivocation;
  /** The entry can change the registry (governance kinds, a second entry at one seq). */
  governance: boolean;
}

const GOVERNANCE = new Set<EntryKind>([
  'genesis',
  'register',
  'endorse',
  'revoke',
  'rotate',
  'equivocation',
]);

/** Who and which sequence number an equivocation proof is about (read, not re-verified). */
export function proofSubject(body: EquivocationBody): { author: string; seq: number } | undefined {
  try {
    const parsed = JSON.parse(utf8Decode(fromBase64(body.a, 'proof entry'))) as unknown;
    if (parsed === null || typeof parsed !== 'object') return undefined;
    const { author, seq } = parsed as { author?: unknown; seq?: unknown };
    if (!Object.hasOwn(parsed, 'author') || !Object.hasOwn(parsed, 'seq')) return undefined;
    return typeof author === 'string' && typeof seq === 'number' ? { author, seq } : undefined;
  } catch {
    return undefined;
  }
}

function push<K>(map: Map<K, string[]>, key: K, id: string): void {
  const list = map.get(key);
  if (list === undefined) map.set(key, [id]);
  else list.push(id);
}

export class LedgerIndexes {
  private readonly entries = new Map<string, Entry>();
  private readonly log: string[] = [];
  private readonly seqs = new Map<string, Map<number, string[]>>();
  /** Each author's highest admitted sequence number. */
  private readonly tops = new Map<string, number>();
  private readonly kinds = new Map<EntryKind, string[]>();
  private readonly byPatch = new Map<string, string[]>();
  private readonly children = new Map<string, string[]>();
  private readonly targets = new Map<string, string[]>();
  private readonly proofsAbout = new Set<string>();
  /** Authors by their latest entry in admission order, for recentHeads. */
  private readonly recent = new RecentAuthors();

  add(entry: Entry): Indexed {
    this.entries.set(entry.id, entry);
    this.log.push(entry.id);
    let seqs = this.seqs.get(entry.author);
    if (seqs === undefined) this.seqs.set(entry.author, (seqs = new Map<number, string[]>()));
    let atSeq = seqs.get(entry.seq);
    if (atSeq === undefined) seqs.set(entry.seq, (atSeq = [entry.id]));
    else atSeq.push(entry.id);
    if ((this.tops.get(entry.author) ?? -1) < entry.seq) this.tops.set(entry.author, entry.seq);
    push(this.kinds, entry.kind, entry.id);
    this.recent.touch(entry.author, entry.id);
    this.indexBody(entry);
    const indexed: Indexed = { governance: GOVERNANCE.has(entry.kind) || atSeq.length > 1 };
    if (atSeq.length > 1) {
      const ids = [...atSeq].sort().slice(0, 2) as [string, string];
      indexed.equivocation = { author: entry.author, seq: entry.seq, ids };
    }
    return indexed;
  }

  private indexBody(entry: Entry): void {
    if (entry.kind === 'publish' || entry.kind === 'flag')
      push(this.byPatch, (entry.body as { patch: string }).patch, entry.id);
    if (entry.kind === 'attest') {
      const { patch, parent, reason, target } = entry.body as AttestBody;
      push(this.byPatch, patch, entry.id);
      if (parent !== undefined) push(this.children, parent, entry.id);
      if (reason === 'applied' || reason === 'rolled-back' || reason === 'rejected')
        push(this.targets, target ?? entry.author, entry.id);
    }
    if (entry.kind === 'equivocation') {
      const about = proofSubject(entry.body as EquivocationBody);
      if (about !== undefined) this.proofsAbout.add(`${about.author} ${about.seq}`);
    }
  }

  has(id: string): boolean {
    return this.entries.has(id);
  }

  get(id: string): Entry | undefined {
    return this.entries.get(id);
  }

  get size(): number {
    return this.log.length;
  }

  /** Every admitted entry in local admission order (the Merkle log's leaf order). */
  *all(): Iterable<Entry> {
    for (const id of this.log) yield this.entries.get(id) as Entry;
  }

  /** Admitted entries from position `start` of the admission order on. */
  *since(start: number): Iterable<Entry> {
    for (let i = Math.max(0, start); i < this.log.length; i++)
      yield this.entries.get(this.log[i] as string) as Entry;
  }

  /** Admitted entries of one kind, in admission order. */
  *ofKind(kind: EntryKind): Iterable<Entry> {
    for (const id of this.kinds.get(kind) ?? []) yield this.entries.get(id) as Entry;
  }

  /** author → seq → admitted entry ids (more than one: equivocation). */
  bySeq(author: string): ReadonlyMap<number, readonly string[]> | undefined {
    return this.seqs.get(author);
  }

  authors(): Iterable<string> {
    return this.seqs.keys();
  }

  /** The author's newest admitted entry (the highest seq; the smallest id on a fork). */
  head(author: string): Entry | undefined {
    const top = this.tops.get(author);
    if (top === undefined) return undefined;
    const [id] = [...(this.seqs.get(author)?.get(top) ?? [])].sort();
    return id === undefined ? undefined : this.entries.get(id);
  }

  private many(ids: readonly string[] | undefined): Entry[] {
    return (ids ?? []).map((id) => this.entries.get(id) as Entry);
  }

  aboutPatch(patch: string): Entry[] {
    return this.many(this.byPatch.get(patch));
  }

  childrenOf(id: string): Entry[] {
    return this.many(this.children.get(id));
  }

  aboutTarget(target: string): Entry[] {
    return this.many(this.targets.get(target));
  }

  idsAt(author: string, seq: number): string[] {
    return [...(this.seqs.get(author)?.get(seq) ?? [])].sort();
  }

  byAuthor(author: string): Entry[] {
    const seqs = this.seqs.get(author);
    if (seqs === undefined) return [];
    return this.many(
      [...seqs.keys()].sort((a, b) => a - b).flatMap((seq) => [...(seqs.get(seq) ?? [])].sort()),
    );
  }

  hasProofAbout(author: string, seq: number): boolean {
    return this.proofsAbout.has(`${author} ${seq}`);
  }

  /**
   * The latest entries (in admission order) of the `max` other authors whose latest entries are
   * newest in the log, as sorted ids. Costs `max` steps, not a walk back through the log.
   */
  recentHeads(except: string, max: number): string[] {
    return this.recent.latest(except, max).sort();
  }
}
