/**
 * Local trust: what attestations say about the systems they build on (EigenTrust's s_ij, Kamvar
 * et al. 2003, §4.1). Satisfaction follows outcomes: a positive attestation credits the hop it
 * came through and the systems that stood behind the patch before it (a team member's is
 * probation credit) only once it has settled (attestations.ts), only if its author did not
 * disown the patch, and only on a patch no trusted flagger found compromised. Dissatisfaction
 * is immediate: a rejection or rollback counts against the hop and against those who vouched
 * for the patch first, and so does any positive hop on a patch found compromised. A system's
 * own `score` field is history and is never read here. docs/reputation.md has the rules.
 */
import { floorDiv, MAX_EDGE_WEIGHT, saturatingAdd } from './integer.ts';
import { makeDecay, type ReputationParams } from './params.ts';
import type { Attestation } from './attestations.ts';
import type { PendingCredit } from './types.ts';

/** Adds `weight` to the edge from → to of `edges`, saturating at MAX_EDGE_WEIGHT. */
function addEdge(edges: Map<string, number>, from: string, to: string, weight: number): void {
  const key = `${from}\n${to}`;
  edges.set(key, saturatingAdd(edges.get(key) ?? 0, weight, MAX_EDGE_WEIGHT));
}

/**
 * Who an attestation's outcome reflects on: the system whose hop it names as parent, or, for a
 * system naming its own `applied` (a rollback of it, a forward of what it applied), the system
 * it received the patch through (that applied's parent). Undefined when it names neither.
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

/** Whether a came before b: (time, id) order. */
const before = (a: Attestation, b: Attestation) =>
  a.seconds < b.seconds || (a.seconds === b.seconds && a.id < b.id);

/** The first attestation of each system of one polarity, in (time, id) order. */
function firstOf(list: readonly Attestation[], positive: boolean): Attestation[] {
  const first: Attestation[] = [];
  const seen = new Set<string>();
  for (const a of list)
    if (a.positive === positive && !seen.has(a.system)) {
      seen.add(a.system);
      first.push(a);
    }
  return first;
}

/**
 * Dissatisfaction from one patch (EigenTrust's unsatisfactory download), j → i, each pair
 * counted once at its largest weight, decayed by j's time:
 * - j rejects i's hop, or rolls back what it applied through i's hop (parentWeight);
 * - j rejects or rolls back the patch after i vouched for it (built, reviewed, forwarded,
 *   applied… and did not disown it): parentWeight, as from its source — whoever stood behind
 *   what j found bad answers for it in j's eyes;
 * - on a patch found compromised, j took it from i at all, noticed or not (parentWeight).
 * Such a pair's positive trust on this patch is void: j was not satisfied by what i gave it.
 * Distrust only ever lowers j's own row, so nobody can push another system's score down.
 */
function patchDistrust(
  list: readonly Attestation[],
  compromised: boolean,
  params: ReputationParams,
  decay: (seconds: number) => number,
): Map<string, number> {
  const byId = new Map(list.map((a) => [a.id, a]));
  const pairs = new Map<string, number>();
  const blame = (j: string, i: string | undefined, weight: number) => {
    const key = `${j}\n${i}`;
    if (i !== undefined && i !== j && weight > 0 && (pairs.get(key) ?? 0) < weight)
      pairs.set(key, weight);
  };
  for (const a of list)
    if (!a.positive || compromised)
      blame(a.system, blamed(a, byId), params.parentWeight * decay(a.seconds));
  const disowned = new Set(list.filter((a) => !a.positive).map((a) => a.system));
  const vouchers = firstOf(list, true).filter((v) => !disowned.has(v.system));
  for (const j of firstOf(list, false))
    for (const v of vouchers)
      if (before(v, j)) blame(j.system, v.system, params.parentWeight * decay(j.seconds));
  return pairs;
}

/**
 * Each system's first positive attestation that stands behind the content: any reason but
 * `forwarded`. Passing a patch on takes no judgement of it; a hop is credited when someone
 * applies through it (a parent link), not because the content later proved good.
 */
function confirmable(list: readonly Attestation[]): Map<string, Attestation> {
  const out = new Map<string, Attestation>();
  for (const a of list)
    if (a.positive && a.reason !== 'forwarded' && !out.has(a.system)) out.set(a.system, a);
  return out;
}

type Offer = (j: string, i: string, weight: number) => void;

/**
 * Positive confirmations: j's first positive attestation credits every system that stood
 * behind the patch strictly earlier (see `confirmable`) and did not disown it, the weight
 * split among them, so a crowd of early attesters shares one confirmation. A team member's
 * confirmation is probation credit (probationWeight), anyone else's confirmWeight.
 */
function confirmPositive(
  list: readonly Attestation[],
  disowned: ReadonlySet<string>,
  weight: (j: Attestation) => number,
  offer: Offer,
): void {
  // In (time, id) order, as the list is: those strictly earlier than j are a prefix.
  const earlier = [...confirmable(list).values()].filter((a) => !disowned.has(a.system));
  let prior = 0;
  for (const j of firstOf(list, true)) {
    while (prior < earlier.length && (earlier[prior] as Attestation).seconds < j.seconds) prior++;
    if (!j.settled || disowned.has(j.system)) continue;
    let count = prior;
    for (let k = 0; k < prior; k++) if ((earlier[k] as Attestation).system === j.system) count--;
    if (count === 0) continue;
    const share = floorDiv(weight(j), count);
    for (let k = 0; k < prior; k++) {
      const i = (earlier[k] as Attestation).system;
      if (i !== j.system) offer(j.system, i, share);
    }
  }
}

/** Negative confirmations: j's first rejection credits those who rejected strictly earlier. */
function confirmNegative(
  list: readonly Attestation[],
  weight: (j: Attestation) => number,
  offer: Offer,
): void {
  const first = firstOf(list, false);
  let prior = 0;
  for (const j of first) {
    while ((first[prior] as Attestation).seconds < j.seconds) prior++;
    if (prior === 0) continue;
    const share = floorDiv(weight(j), prior);
    for (let i = 0; i < prior; i++) offer(j.system, (first[i] as Attestation).system, share);
  }
}

/**
 * Local trust from one patch's attestations: j → i when j names i's attestation as parent
 * (parentWeight), or when j attested after i with the same verdict (a confirmation, see
 * confirmPositive and confirmNegative). Both only between attestations of one polarity;
 * positive ones only on a patch not compromised, once j's attestation has settled, and not
 * when j disowned the patch. A pair counts once per patch (the largest), scaled by the decay
 * of j's attestation: j's own time, so nobody else's clock shifts weight within j's row.
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
  // A system that rejected or rolled back the patch credits nobody for it.
  const disowned = new Set(list.filter((a) => !a.positive).map((a) => a.system));
  for (const a of list) {
    const parent = a.parent === undefined ? undefined : byId.get(a.parent);
    if (parent === undefined || parent.positive !== a.positive) continue;
    if (a.positive && (!a.settled || compromised || disowned.has(a.system))) continue;
    offer(a.system, parent.system, params.parentWeight * decay(a.seconds));
  }
  const weight = (j: Attestation) =>
    (j.member ? params.probationWeight : params.confirmWeight) * decay(j.seconds);
  if (!compromised) confirmPositive(list, disowned, weight, offer);
  confirmNegative(list, (j) => params.confirmWeight * decay(j.seconds), offer);
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
    const bad = compromised.has(patch);
    const distrust = patchDistrust(list, bad, params, decay);
    for (const [key, weight] of distrust)
      against.set(key, saturatingAdd(against.get(key) ?? 0, weight, MAX_EDGE_WEIGHT));
    for (const [key, weight] of patchTrust(list, bad, params, decay)) {
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

/**
 * Parent links waiting for their evidence window: positive attestations not yet settled (nor
 * disowned, on a patch not found compromised) that name another system's positive hop.
 */
export function pendingCredit(
  byPatch: Map<string, Attestation[]>,
  compromised: Map<string, string[]>,
): PendingCredit[] {
  const out: PendingCredit[] = [];
  for (const [patch, list] of byPatch) {
    if (compromised.has(patch)) continue;
    const byId = new Map(list.map((a) => [a.id, a]));
    const disowned = new Set(list.filter((a) => !a.positive).map((a) => a.system));
    for (const a of list) {
      const parent = a.parent === undefined ? undefined : byId.get(a.parent);
      if (!a.positive || a.settled || disowned.has(a.system) || parent === undefined) continue;
      if (parent.positive && parent.system !== a.system)
        out.push({ did: parent.system, from: a.system, entry: a.id });
    }
  }
  const key = (p: PendingCredit) => `${p.did}\n${p.entry}`;
  return out.sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
}
