/**
 * The attestations and flags the reputation engine reads, in standing only, as plain records:
 * who attested what about which patch, through which parent, and whether its outcome has
 * settled; and which patches trusted flaggers found compromised. Attacker-controlled: every
 * attestation body and its advisory time; the registry's view of who is trusted is not, and
 * neither is the order of an author's own entries (its chain).
 */
import type { Entry } from '../ledger/entry.ts';
import type { AttestBody, AttestReason, FlagBody } from '../ledger/kinds.ts';
import type { Ledger } from '../ledger/ledger.ts';
import { compareText, isoSeconds } from './integer.ts';
import type { ReputationParams } from './params.ts';
import type { Team } from './team.ts';

const NEGATIVE: ReadonlySet<AttestReason> = new Set(['rejected', 'rolled-back']);

export interface Attestation {
  id: string;
  system: string;
  reason: AttestReason;
  positive: boolean;
  parent?: string;
  seconds: number;
  /**
   * Whether its author has written params.settleAfter entries after it (in standing, in its
   * own chain): a positive attestation credits anyone only once settled, so what a device
   * says the moment it applies a patch waits for what it does next — roll back, or go on.
   */
  settled: boolean;
  /** Whether its system is a team member (an admin or an endorsed role, in standing). */
  member: boolean;
}

const byTimeThenId = (a: Attestation, b: Attestation) =>
  a.seconds - b.seconds || compareText(a.id, b.id);

export function inStanding(ledger: Ledger, kind: 'attest' | 'flag' | 'publish'): Entry[] {
  const registry = ledger.registry();
  return [...ledger.ofKind(kind)].filter((e) => registry.standing(e) === undefined);
}

/** Per key, the highest sequence number among its entries in standing. */
function lastSeqs(ledger: Ledger): Map<string, number> {
  const registry = ledger.registry();
  const last = new Map<string, number>();
  for (const entry of ledger.all())
    if ((last.get(entry.author) ?? -1) < entry.seq && registry.standing(entry) === undefined)
      last.set(entry.author, entry.seq);
  return last;
}

/** Attestations in standing, by patch, each list in (time, id) order. */
export function attestationsByPatch(
  ledger: Ledger,
  team: Team,
  params: ReputationParams,
): Map<string, Attestation[]> {
  const last = lastSeqs(ledger);
  const byPatch = new Map<string, Attestation[]>();
  for (const entry of inStanding(ledger, 'attest')) {
    const body = entry.body as AttestBody;
    const attestation: Attestation = {
      id: entry.id,
      system: team.systemOf(entry.author),
      reason: body.reason,
      positive: !NEGATIVE.has(body.reason),
      seconds: isoSeconds(entry.time),
      settled: (last.get(entry.author) ?? entry.seq) - entry.seq >= params.settleAfter,
      member: false,
    };
    attestation.member = team.isMember(attestation.system);
    if (body.parent !== undefined) attestation.parent = body.parent;
    const list = byPatch.get(body.patch) ?? [];
    list.push(attestation);
    byPatch.set(body.patch, list);
  }
  for (const list of byPatch.values()) list.sort(byTimeThenId);
  return new Map([...byPatch].sort(([a], [b]) => compareText(a, b)));
}

/**
 * Patches a trusted flagger (a team member) says are compromised, with the flag ids. Each
 * flagger's newest flag about a patch (by time, then sequence, then id) is its verdict.
 */
export function compromisedPatches(ledger: Ledger, team: Team): Map<string, string[]> {
  const verdicts = new Map<string, Entry>();
  for (const flag of inStanding(ledger, 'flag')) {
    const system = team.systemOf(flag.author);
    if (!team.isMember(system)) continue;
    const key = `${system} ${(flag.body as FlagBody).patch}`;
    const seen = verdicts.get(key);
    const newer =
      seen === undefined ||
      compareText(seen.time, flag.time) < 0 ||
      (seen.time === flag.time &&
        (seen.seq < flag.seq || (seen.seq === flag.seq && seen.id < flag.id)));
    if (newer) verdicts.set(key, flag);
  }
  const compromised = new Map<string, string[]>();
  for (const flag of verdicts.values()) {
    const { patch, compromised: bad } = flag.body as FlagBody;
    if (bad) compromised.set(patch, [...(compromised.get(patch) ?? []), flag.id].sort(compareText));
  }
  return compromised;
}
