/**
 * What attestations say about the systems that wrote them: local trust (who confirmed whom)
 * and malice (distributing a patch that trusted flaggers found compromised; vouching for a
 * patch that trusted systems rejected). Reads only entries in standing. Attacker-controlled:
 * every attestation body and its advisory time; the registry's view of who is trusted is not.
 * A system's own `score` field is history and is never read here.
 */
import type { Entry } from '../ledger/entry.ts';
import type { AttestBody, AttestReason, FlagBody } from '../ledger/kinds.ts';
import type { Ledger } from '../ledger/ledger.ts';
import { compareText, floorDiv, isoSeconds, MAX_EDGE_WEIGHT, saturatingAdd } from './integer.ts';
import { makeDecay, type ReputationParams } from './params.ts';
import type { Team } from './team.ts';

const NEGATIVE: ReadonlySet<AttestReason> = new Set(['rejected', 'rolled-back']);

export interface Attestation {
  id: string;
  system: string;
  reason: AttestReason;
  positive: boolean;
  parent?: string;
  seconds: number;
}

const byTimeThenId = (a: Attestation, b: Attestation) =>
  a.seconds - b.seconds || compareText(a.id, b.id);

function inStanding(ledger: Ledger, kind: 'attest' | 'flag' | 'publish'): Entry[] {
  const registry = ledger.registry();
  return [...ledger.ofKind(kind)].filter((e) => registry.standing(e) === undefined);
}

/** Attestations in standing, by patch, each list in (time, id) order. */
export function attestationsByPatch(ledger: Ledger, team: Team): Map<string, Attestation[]> {
  const byPatch = new Map<string, Attestation[]>();
  for (const entry of inStanding(ledger, 'attest')) {
    const body = entry.body as AttestBody;
    const attestation: Attestation = {
      id: entry.id,
      system: team.systemOf(entry.author),
      reason: body.reason,
      positive: !NEGATIVE.has(body.reason),
      seconds: isoSeconds(entry.time),
    };
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

/** Adds `weight` to the edge from → to of `edges`, saturating at MAX_EDGE_WEIGHT. */
function addEdge(edges: Map<string, number>, from: string, to: string, weight: number): void {
  const key = `${from}\n${to}`;
  edges.set(key, saturatingAdd(edges.get(key) ?? 0, weight, MAX_EDGE_WEIGHT));
}

/**
 * Who a negative attestation holds responsible: the system whose hop it rejects, or, for a
 * system rolling back its own `applied`, the system it received the patch through (that
 * applied's parent). Undefined when it names neither.
 */
function blamed(a: Attestation, byId: ReadonlyMap<string, Attestation>): string | undefined {
  const parent = a.parent === undefined ? undefined : byId.get(a.parent);
  if (parent === undefined || !parent.positive) return undefined;
  if (parent.system !== a.system) return parent.system;
  if (parent.reason !== 'applied' || parent.parent === undefined) return undefined;
  const source = byId.get(parent.parent);
  return source !== undefined && source.positive && source.system !== a.system
    ? source.system
    : undefined;
}

/**
 * Dissatisfaction from one patch (EigenTrust's unsatisfactory download): j → i when j rejects
 * i's hop, or rolls back what it applied through i's hop (parentWeight, decayed by j's time).
 * Such a pair's positive trust on this patch is void: j was not satisfied by what i gave it.
 */
function patchDistrust(
  list: readonly Attestation[],
  params: ReputationParams,
  decay: (seconds: number) => number,
): Map<string, number> {
  const byId = new Map(list.map((a) => [a.id, a]));
  const pairs = new Map<string, number>();
  for (const a of list) {
    if (a.positive) continue;
    const i = blamed(a, byId);
    const weight = params.parentWeight * decay(a.seconds);
    const key = `${a.system}\n${i}`;
    if (i !== undefined && weight > 0 && (pairs.get(key) ?? 0) < weight) pairs.set(key, weight);
  }
  return pairs;
}

/**
 * Local trust from one patch's attestations: j → i when j names i's attestation as parent
 * (parentWeight), or when j attested after i with the same verdict (confirmWeight, split among
 * all who came before j, so a crowd of early attesters shares one confirmation). Both only
 * between attestations of one polarity, and positive ones only on a patch not compromised. A
 * pair counts once per patch (the larger of the two), scaled by the decay of j's attestation:
 * j's own time, so nobody else's clock shifts weight within j's row.
 */
function patchTrust(
  list: readonly Attestation[],
  compromised: boolean,
  params: ReputationParams,
  decay: (seconds: number) => number,
): Map<string, number> {
  const pairs = new Map<string, number>();
  const offer = (j: string, i: string, weight: number) => {
    const key = `${j}\n${i}`;
    if (j !== i && weight > 0 && (pairs.get(key) ?? 0) < weight) pairs.set(key, weight);
  };
  const byId = new Map(list.map((a) => [a.id, a]));
  for (const a of list) {
    const parent = a.parent === undefined ? undefined : byId.get(a.parent);
    if (parent !== undefined && parent.positive === a.positive && !(a.positive && compromised))
      offer(a.system, parent.system, params.parentWeight * decay(a.seconds));
  }
  for (const positive of [true, false]) {
    if (positive && compromised) continue;
    const first: Attestation[] = [];
    const seen = new Set<string>();
    for (const a of list)
      if (a.positive === positive && !seen.has(a.system)) {
        seen.add(a.system);
        first.push(a);
      }
    let prior = 0;
    for (let k = 0; k < first.length; k++) {
      const j = first[k] as Attestation;
      while ((first[prior] as Attestation).seconds < j.seconds) prior++;
      if (prior === 0) continue;
      const share = floorDiv(params.confirmWeight * decay(j.seconds), prior);
      if (share === 0) continue;
      for (let i = 0; i < prior; i++) offer(j.system, (first[i] as Attestation).system, share);
    }
  }
  return pairs;
}

/**
 * Local trust over all patches, "from\nto" → weight: EigenTrust's s_ij = sat − unsat, kept
 * only where positive (Kamvar et al. 2003, §4.1). Per patch, a pair's positive weight counts
 * unless the same pair's dissatisfaction (patchDistrust) voids it; the sums over patches are
 * saturating integers, and the difference is floored at zero.
 */
export function localTrust(
  byPatch: Map<string, Attestation[]>,
  compromised: Map<string, string[]>,
  params: ReputationParams,
): Map<string, number> {
  const decay = makeDecay(params);
  const edges = new Map<string, number>();
  const against = new Map<string, number>();
  for (const [patch, list] of byPatch) {
    const distrust = patchDistrust(list, params, decay);
    for (const [key, weight] of distrust)
      against.set(key, saturatingAdd(against.get(key) ?? 0, weight, MAX_EDGE_WEIGHT));
    for (const [key, weight] of patchTrust(list, compromised.has(patch), params, decay)) {
      if (distrust.has(key)) continue;
      const [from = '', to = ''] = key.split('\n');
      addEdge(edges, from, to, weight);
    }
  }
  for (const [key, weight] of against) {
    const left = (edges.get(key) ?? 0) - weight;
    if (left > 0) edges.set(key, left);
    else edges.delete(key);
  }
  return edges;
}
