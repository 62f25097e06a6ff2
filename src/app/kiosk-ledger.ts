/**
 * What the ledger says about one kiosk: what it applied, refused and rolled back on its target
 * (the ledger, not the kiosk's own memory, decides whether a bundle was handled: so nothing is
 * applied twice, also after a crash or a wiped profile that kept its ledger), which patches an
 * admin flagged, which published patches are for this kiosk's components, and how old the
 * evidence may be under the policy in force. Pure functions over the verified ledger.
 */
import type { AttestBody } from '../core/ledger/kinds.ts';
import type { Ledger } from '../core/ledger/ledger.ts';
import { compileGlob } from '../core/policy/match.ts';
import type { CompiledPolicy } from '../core/policy/evaluate.ts';
import type { PolicyDecision } from '../core/policy/types.ts';
import { passkeyBacked } from '../core/ledger/passkeys.ts';
import { provenance } from '../core/ledger/queries.ts';
import { publishedPatches, type PublishedPatch } from './ledger-patches.ts';

export interface TargetEvent {
  id: string;
  patch: string;
  reason: 'applied' | 'rolled-back' | 'rejected';
  time: string;
  treeBefore?: string;
  treeAfter?: string;
  code?: string;
  note?: string;
  parent?: string;
}

/** This target's applied / rolled-back / rejected attestations, in ledger order. */
export function targetEvents(ledger: Ledger, target: string): TargetEvent[] {
  const events: TargetEvent[] = [];
  for (const entry of ledger.aboutTarget(target)) {
    const body = entry.body as AttestBody;
    if (body.reason !== 'applied' && body.reason !== 'rolled-back' && body.reason !== 'rejected')
      continue;
    const event: TargetEvent = {
      id: entry.id,
      patch: body.patch,
      reason: body.reason,
      time: entry.time,
    };
    for (const key of ['treeBefore', 'treeAfter', 'code', 'note', 'parent'] as const)
      if (body[key] !== undefined) event[key] = body[key];
    events.push(event);
  }
  return events;
}

/** Applied patches on the target that no rollback names, oldest first. */
export function appliedNow(events: readonly TargetEvent[]): TargetEvent[] {
  const undone = new Set(events.filter((e) => e.reason === 'rolled-back').map((e) => e.parent));
  return events.filter((e) => e.reason === 'applied' && !undone.has(e.id));
}

/** How the ledger leaves a patch on this target: the newest of its events, if any. */
export function lastEventOf(
  events: readonly TargetEvent[],
  patch: string,
): TargetEvent | undefined {
  return events.filter((e) => e.patch === patch).at(-1);
}

/**
 * Whether an admin (in standing) flagged the patch compromised. Under a policy whose
 * `admin-passkey` rule names `flag`, only a flag with a verified passkey assertion counts.
 */
export async function flaggedByAdmin(
  ledger: Ledger,
  patch: string,
  policy?: CompiledPolicy,
): Promise<string | undefined> {
  const registry = ledger.registry();
  const flags = provenance(ledger, patch).flags.filter(
    (f) => f.compromised && registry.identities.get(f.author)?.admin === true,
  );
  const backed =
    policy?.passkeyFor.has('flag') === true
      ? await passkeyBacked(
          ledger,
          flags.map((f) => f.id),
        )
      : undefined;
  const flag = flags.find((f) => backed === undefined || backed.has(f.id));
  if (flag === undefined) return undefined;
  const name = registry.identities.get(flag.author)?.name ?? '';
  return `${name === '' ? 'an admin' : name} flagged it compromised: ${flag.evidence}`;
}

/** Published patches naming one of this kiosk's components (all of them when it lists none). */
export function patchesFor(ledger: Ledger, components: readonly string[]): PublishedPatch[] {
  const globs = components.map((c) => compileGlob(c));
  const mine = (name: string) => globs.length === 0 || globs.some((g) => g.test(name));
  return publishedPatches(ledger).filter((p) => p.components.some(mine));
}

/** The policy's freshness budget in seconds (the strictest enforced one), if it has one. */
export function freshnessBudget(policy: CompiledPolicy | undefined): number | undefined {
  let budget: number | undefined;
  for (const rule of policy?.policy.rules ?? []) {
    if (rule.kind !== 'freshness' || rule.mode === 'warn' || policy?.mode === 'warn') continue;
    budget = Math.min(budget ?? Infinity, rule.maxAgeSeconds);
  }
  return budget;
}

/** Whether a deny is only for want of fresher evidence: every failing rule is `freshness`. */
export function deniedOnlyForFreshness(explanation: unknown): boolean {
  const rules = (explanation as Partial<PolicyDecision> | undefined)?.rules;
  if (!Array.isArray(rules)) return false;
  const failing = rules.filter((r) => r.outcome === 'fail');
  return failing.length > 0 && failing.every((r) => r.kind === 'freshness');
}
