/**
 * Evidence of malice, each item with the ledger entries that prove it:
 * - equivocation: two entries by one key with one sequence number while it was the system's
 *   current key (registry.ts), or a proof entry saying so;
 * - compromised: the system published, built, forwarded or vouched for (params.
 *   distributionReasons) a patch that a trusted flagger says is compromised;
 * - kept: the system applied a patch that a trusted flagger says is compromised and has not
 *   rolled it back (nor rejected it): it still vouches for what it runs. A victim that rolls
 *   back is clear of it;
 * - contradicted: the system reviewed, tested or analysed (params.contradictableReasons) a
 *   patch that at least params.contradictionQuorum other trusted systems rejected or rolled
 *   back.
 * "Trusted" is a team member by the registry (an admin or an endorsed role, neither revoked nor
 * equivocating): a decision of the admins, never of the scores, so there is no circularity.
 */
import type { Entry } from '../ledger/entry.ts';
import type { PublishBody } from '../ledger/kinds.ts';
import type { Ledger } from '../ledger/ledger.ts';
import type { Attestation } from './attestations.ts';
import { compareText } from './integer.ts';
import type { ReputationParams } from './params.ts';
import type { Team } from './team.ts';
import type { Penalty } from './types.ts';

function group(pairs: Iterable<[string, string]>): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const [system, id] of pairs) out.set(system, [...(out.get(system) ?? []), id]);
  for (const ids of out.values()) ids.sort(compareText);
  return out;
}

function publishers(ledger: Ledger, team: Team): Map<string, [string, string][]> {
  const registry = ledger.registry();
  const byPatch = new Map<string, [string, string][]>();
  for (const entry of ledger.ofKind('publish') as Iterable<Entry<'publish'>>) {
    if (registry.standing(entry) !== undefined) continue;
    const { patch } = entry.body as PublishBody;
    byPatch.set(patch, [...(byPatch.get(patch) ?? []), [team.systemOf(entry.author), entry.id]]);
  }
  return byPatch;
}

function compromisedPenalties(
  ledger: Ledger,
  team: Team,
  byPatch: Map<string, Attestation[]>,
  compromised: Map<string, string[]>,
  params: ReputationParams,
): Penalty[] {
  const distributing = new Set(params.distributionReasons);
  const published = publishers(ledger, team);
  const out: Penalty[] = [];
  for (const [patch, flags] of compromised) {
    const own = group([
      ...(byPatch.get(patch) ?? [])
        .filter((a) => distributing.has(a.reason))
        .map((a): [string, string] => [a.system, a.id]),
      ...(published.get(patch) ?? []),
    ]);
    for (const [did, ids] of own)
      out.push({ did, kind: 'compromised', patch, entries: [...flags, ...ids] });
    out.push(...kept(patch, flags, byPatch.get(patch) ?? [], own));
  }
  return out;
}

/** `kept` penalties on one compromised patch, for systems not already held to distributing it. */
function kept(
  patch: string,
  flags: readonly string[],
  list: readonly Attestation[],
  distributors: ReadonlyMap<string, string[]>,
): Penalty[] {
  const disowned = new Set(list.filter((a) => !a.positive).map((a) => a.system));
  const applied = group(
    list
      .filter((a) => a.reason === 'applied' && !disowned.has(a.system))
      .filter((a) => !distributors.has(a.system))
      .map((a): [string, string] => [a.system, a.id]),
  );
  return [...applied].map(([did, ids]) => ({
    did,
    kind: 'kept' as const,
    patch,
    entries: [...flags, ...ids],
  }));
}

function contradictions(
  team: Team,
  byPatch: Map<string, Attestation[]>,
  params: ReputationParams,
): Penalty[] {
  const contradictable = new Set(params.contradictableReasons);
  const out: Penalty[] = [];
  for (const [patch, list] of byPatch) {
    const rejecters = group(
      list
        .filter((a) => !a.positive && team.isMember(a.system))
        .map((a): [string, string] => [a.system, a.id]),
    );
    if (rejecters.size < params.contradictionQuorum) continue;
    const vouchers = group(
      list
        .filter((a) => contradictable.has(a.reason))
        .map((a): [string, string] => [a.system, a.id]),
    );
    for (const [did, ids] of vouchers) {
      const others = [...rejecters].filter(([system]) => system !== did);
      if (others.length < params.contradictionQuorum) continue;
      const theirs = others.flatMap(([, rejected]) => rejected).sort(compareText);
      out.push({ did, kind: 'contradicted', patch, entries: [...ids, ...theirs] });
    }
  }
  return out;
}

/** All penalties, sorted by (did, kind, patch, first entry). */
export function maliceEvidence(
  ledger: Ledger,
  team: Team,
  byPatch: Map<string, Attestation[]>,
  compromised: Map<string, string[]>,
  params: ReputationParams,
): Penalty[] {
  const penalties: Penalty[] = [];
  for (const system of team.systems.values())
    if (system.equivocation.length > 0)
      penalties.push({ did: system.did, kind: 'equivocation', entries: system.equivocation });
  penalties.push(...compromisedPenalties(ledger, team, byPatch, compromised, params));
  penalties.push(...contradictions(team, byPatch, params));
  const key = (p: Penalty) => `${p.did}\n${p.kind}\n${p.patch ?? ''}\n${p.entries[0] ?? ''}`;
  return penalties.sort((a, b) => compareText(key(a), key(b)));
}
