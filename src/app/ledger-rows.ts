/**
 * What the Ledger and Team screens show, built from the verified ledger: one row per admitted
 * entry (kind, author's registered name, advisory time, standing, a one-line summary), members
 * with roles and standing, equivocations and checkpoints. Components only render these; they
 * never hold the ledger itself. Entry bodies are attacker-written text: the UI renders them
 * as text, never as markup.
 */
import type { Entry } from '../core/ledger/entry.ts';
import type {
  AttestBody,
  CosignBody,
  EndorseBody,
  FlagBody,
  PasskeyBody,
  PolicyBody,
  PublishBody,
  RevokeBody,
} from '../core/ledger/kinds.ts';
import type { Ledger } from '../core/ledger/ledger.ts';
import type { Identity, Registry } from '../core/ledger/registry.ts';

export { ENTRY_KINDS } from '../core/ledger/kinds.ts';

/** 'verified': admitted and in standing; otherwise the standing code that puts it out. */
export type EntryStatus = 'verified' | 'REVOKED_KEY' | 'EQUIVOCATION' | 'INVALID_METADATA';

export interface EntryRow {
  /** Position in this device's log (admission order), from 0. */
  index: number;
  id: string;
  kind: string;
  author: string;
  authorName: string;
  time: string;
  seq: number;
  status: EntryStatus;
  /** Why it is out of standing, in words. */
  statusMessage?: string;
  summary: string;
  /** Lower-cased text the search box matches against. */
  haystack: string;
}

/**
 * The name to show for a did: its registered name; for a founder that never registered one,
 * "Founder" (the genesis names the ledger, not its founder); otherwise "unregistered".
 */
export function nameOf(registry: Registry, genesis: Entry<'genesis'>, did: string): string {
  const name = registry.identities.get(did)?.name ?? '';
  if (name !== '') return name;
  return did === genesis.author ? 'Founder' : 'unregistered';
}

const short = (id: string) => `${id.slice(0, 15)}…`;

function summarize(entry: Entry, nameFor: (did: string) => string): string {
  const body = entry.body as unknown;
  switch (entry.kind) {
    case 'genesis':
      return `founded “${(body as { name: string }).name}”`;
    case 'register':
      return `registered as “${(body as { name: string }).name}”`;
    case 'endorse': {
      const b = body as EndorseBody;
      return `endorsed ${nameFor(b.subject)} as ${b.role}, stake ${b.stake}`;
    }
    case 'revoke': {
      const b = body as RevokeBody;
      return `revoked ${nameFor(b.subject)} from entry ${b.from}: ${b.reason}`;
    }
    case 'rotate':
      return 'moved to a new key';
    case 'publish':
      return `published ${short((body as PublishBody).patch)}: ${(body as PublishBody).reason}`;
    case 'attest': {
      const b = body as AttestBody;
      const on = b.target === undefined ? '' : ` on ${b.target}`;
      const key = b.passkey === undefined ? '' : ', with a passkey';
      return `${b.reason} ${short(b.patch)}${on}${key}${b.note === undefined ? '' : `: ${b.note}`}`;
    }
    case 'flag': {
      const b = body as FlagBody;
      return `${b.compromised ? 'flagged' : 'cleared'} ${short(b.patch)}: ${b.evidence}`;
    }
    case 'posture':
      return 'posture report';
    case 'policy':
      return `policy version ${(body as PolicyBody).version}`;
    case 'checkpoint':
      return `checkpoint of ${checkpointSize(entry) ?? '?'} entries`;
    case 'cosign':
      return `cosigned checkpoint ${short((body as CosignBody).checkpoint)}`;
    case 'equivocation':
      return 'proof that an author signed two entries at one position';
    case 'passkey': {
      const b = body as PasskeyBody;
      return `bound a passkey${b.name === undefined ? '' : ` (${b.name})`} for ${b.origin}`;
    }
    default:
      return entry.kind;
  }
}

/** The tree size a checkpoint note states (unverified text: the entry's signature is checked). */
export function checkpointSize(entry: Entry): number | undefined {
  const note = (entry.body as { note?: unknown }).note;
  if (typeof note !== 'string') return undefined;
  const size = note.split('\n')[1] ?? '';
  return /^(0|[1-9][0-9]{0,15})$/.test(size) ? Number(size) : undefined;
}

/** Every admitted entry, in this device's admission order. */
export function entryRows(ledger: Ledger): EntryRow[] {
  return rowsFrom(ledger, ledger.registry(), 0);
}

const ROWS_BETWEEN_CLOCKS = 256;

export interface EntryRowsOptions {
  /**
   * When given, a call builds rows for at most `budgetMs` of work and calls `more()` when rows
   * are still missing, for the caller to call again in a later task: a 100k-entry ledger's
   * rows took one task of about 0.5 s (rows and their garbage) when a team reopened.
   */
  more?: () => void;
  budgetMs?: number;
  now?: () => number;
}

/**
 * entryRows kept as the ledger grows: a call adds rows for the entries admitted since the last
 * one and keeps the earlier rows (the same objects), so that it costs what is new, not the
 * ledger's size; all are built again when names or standing may have changed (a new registry,
 * after governance entries). The same array comes back while nothing changed. With `more`, the
 * work is cut into slices: the first rows come slice by slice, and rows built again after a
 * registry change replace the shown ones only once all are built.
 */
export function makeEntryRows(ledger: Ledger, options: EntryRowsOptions = {}): () => EntryRow[] {
  const now = options.now ?? (() => performance.now());
  const budgetMs = options.more === undefined ? Infinity : (options.budgetMs ?? 8);
  let registry: Registry | undefined;
  let shown: EntryRow[] = [];
  /** Whether `shown` has a row for every entry there was when it was built. */
  let whole = false;
  /** Rows being built again for `registry`, while `shown` keeps the earlier names. */
  let building: EntryRow[] | undefined;
  return () => {
    const current = ledger.registry();
    if (current !== registry) {
      registry = current;
      building = [];
    }
    const deadline = now() + budgetMs;
    if (building !== undefined) {
      building = building.concat(rowsFrom(ledger, current, building.length, deadline, now));
      const done = building.length >= ledger.size;
      // Rows come in as they are built while none were whole yet; whole rows with earlier
      // names stay until their replacement is whole too.
      if (done || (!whole && building.length >= shown.length)) [shown, whole] = [building, done];
      if (done) building = undefined;
    } else if (shown.length < ledger.size) {
      shown = shown.concat(rowsFrom(ledger, current, shown.length, deadline, now));
      whole = shown.length >= ledger.size;
    }
    if (building !== undefined || shown.length < ledger.size) options.more?.();
    return shown;
  };
}

/**
 * Rows for the entries from position `start` on, names and standing from `registry`, until
 * `deadline` (on `now`'s clock; looked at every ROWS_BETWEEN_CLOCKS rows).
 */
function rowsFrom(
  ledger: Ledger,
  registry: Registry,
  start: number,
  deadline = Infinity,
  now: () => number = () => 0,
): EntryRow[] {
  const names = new Map<string, string>();
  const nameFor = (did: string) => {
    let name = names.get(did);
    if (name === undefined) names.set(did, (name = nameOf(registry, ledger.genesis, did)));
    return name;
  };
  const rows: EntryRow[] = [];
  let index = start;
  for (const entry of ledger.since(start)) {
    const why = registry.standing(entry);
    const authorName = nameFor(entry.author);
    const summary = summarize(entry, nameFor);
    const row: EntryRow = {
      index: index++,
      id: entry.id,
      kind: entry.kind,
      author: entry.author,
      authorName,
      time: entry.time,
      seq: entry.seq,
      status: why === undefined ? 'verified' : why.code,
      summary,
      haystack: `${entry.kind} ${authorName} ${summary} ${entry.id} ${entry.author}`.toLowerCase(),
    };
    if (why !== undefined) row.statusMessage = why.message;
    rows.push(row);
    if (rows.length % ROWS_BETWEEN_CLOCKS === 0 && now() >= deadline) break;
  }
  return rows;
}

export interface EntryFilter {
  text: string;
  kind: string;
  status: 'all' | 'verified' | 'out';
}

/** The rows that match a search and filters. */
export function filterRows(rows: readonly EntryRow[], filter: EntryFilter): EntryRow[] {
  const words = filter.text.toLowerCase().split(/\s+/).filter(Boolean);
  return rows.filter(
    (row) =>
      (filter.kind === '' || row.kind === filter.kind) &&
      (filter.status === 'all' || (filter.status === 'verified') === (row.status === 'verified')) &&
      words.every((word) => row.haystack.includes(word)),
  );
}

export interface MemberRow {
  did: string;
  name: string;
  admin: boolean;
  founder: boolean;
  roles: { role: string; stake: number; by: string[] }[];
  /** 'pending': registered, no role yet, not an admin — waiting for an endorsement. */
  standing: 'active' | 'pending' | 'revoked' | 'malicious' | 'rotated';
  standingText: string;
  registeredAt: string;
}

function standingOf(identity: Identity, founder: boolean): MemberRow['standing'] {
  if (identity.malicious) return 'malicious';
  if (identity.revokedFrom !== undefined) return 'revoked';
  if (identity.rotatedTo !== undefined) return 'rotated';
  const held = Object.values(identity.roles).some((role) => role.stake > 0);
  if (!identity.admin && !founder && !held) return 'pending';
  return 'active';
}

const STANDING_TEXT: Record<MemberRow['standing'], string> = {
  active: 'in standing',
  pending: 'waiting for an admin to endorse',
  revoked: 'revoked',
  malicious: 'signed two different entries at one position (equivocation)',
  rotated: 'moved to a new key',
};

/**
 * Everyone who registered (or founded): first whoever is proven to lie (what an admin must see),
 * then registrations waiting for an endorsement (what an admin can act on), then by name.
 */
export function memberRows(ledger: Ledger): MemberRow[] {
  const registry = ledger.registry();
  const founderDid = ledger.genesis.author;
  const rows = [...registry.identities.values()]
    .filter((identity) => identity.registered !== '')
    .map((identity): MemberRow => {
      const founder = identity.did === founderDid;
      const standing = standingOf(identity, founder);
      const registered = ledger.get(identity.registered);
      return {
        did: identity.did,
        name: nameOf(registry, ledger.genesis, identity.did),
        admin: identity.admin,
        founder,
        roles: Object.entries(identity.roles)
          // A stake of 0 withdraws a role (it no longer counts): not shown as held.
          .filter(([, held]) => held.stake > 0)
          .map(([role, held]) => ({ role, stake: held.stake, by: held.by })),
        standing,
        standingText: STANDING_TEXT[standing],
        registeredAt: registered?.time ?? '',
      };
    });
  const rank = (row: MemberRow) =>
    row.standing === 'malicious' ? 0 : row.standing === 'pending' ? 1 : 2;
  return rows.sort((a, b) => rank(a) - rank(b) || a.name.localeCompare(b.name));
}

export interface EquivocationRow {
  author: string;
  authorName: string;
  seq: number;
  ids: string[];
  /** The proof entries published about it, if any. */
  proofs: string[];
}

/** Authors who signed two entries at one sequence number, with the conflicting entries. */
export function equivocationRows(ledger: Ledger): EquivocationRow[] {
  const registry = ledger.registry();
  const rows: EquivocationRow[] = [];
  for (const identity of registry.identities.values()) {
    if (identity.equivocatedAt === undefined) continue;
    const seq = identity.equivocatedAt;
    const evidence = identity.equivocationEvidence ?? [];
    rows.push({
      author: identity.did,
      authorName: nameOf(registry, ledger.genesis, identity.did),
      seq,
      ids: ledger.idsAt(identity.did, seq),
      proofs: evidence.filter((e) => !e.includes(' ') && ledger.get(e)?.kind === 'equivocation'),
    });
  }
  return rows;
}

export interface CheckpointRow {
  id: string;
  author: string;
  authorName: string;
  time: string;
  origin: string;
  size: number | undefined;
  status: EntryStatus;
  cosignatures: { id: string; witness: string; witnessName: string; time: string }[];
}

/** Checkpoint entries with the cosignatures that name them. */
export function checkpointRows(rows: readonly EntryRow[], ledger: Ledger): CheckpointRow[] {
  const checkpoints = new Map<string, CheckpointRow>();
  for (const row of rows) {
    if (row.kind !== 'checkpoint') continue;
    const entry = ledger.get(row.id) as Entry;
    const note = (entry.body as { note: string }).note;
    checkpoints.set(row.id, {
      id: row.id,
      author: row.author,
      authorName: row.authorName,
      time: row.time,
      origin: note.split('\n')[0] ?? '',
      size: checkpointSize(entry),
      status: row.status,
      cosignatures: [],
    });
  }
  for (const row of rows) {
    if (row.kind !== 'cosign' || row.status !== 'verified') continue;
    const target = (ledger.get(row.id)?.body as CosignBody).checkpoint;
    checkpoints.get(target)?.cosignatures.push({
      id: row.id,
      witness: row.author,
      witnessName: row.authorName,
      time: row.time,
    });
  }
  return [...checkpoints.values()].reverse();
}
