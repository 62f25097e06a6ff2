/**
 * "Simulate": what a draft policy would decide for every patch the team ledger knows, beside
 * what the policy in force decides, and which rules make the difference. Each patch is judged
 * as this device would judge it from the ledger alone: its published metadata (creator,
 * reason, components), its provenance, the registry, trust scores computed once, this
 * device's acting role; no target folder (so `target-tree` and `component-version` see none),
 * no fuzz, and no attestations appended to bundles this device may not hold.
 *
 * Work runs in slices of a few milliseconds with the event loop given a turn between them,
 * so a ledger of thousands of patches never holds the page in one long task; progress is
 * reported after each slice and a newer run (an edit) cancels an older one.
 */
import type { Entry } from '../core/ledger/entry.ts';
import type { PublishBody } from '../core/ledger/kinds.ts';
import type { Ledger } from '../core/ledger/ledger.ts';
import { passkeyBacked } from '../core/ledger/passkeys.ts';
import { provenance } from '../core/ledger/queries.ts';
import type { CompiledPolicy } from '../core/policy/evaluate.ts';
import type { PolicyContext, RuleResult, UnsealedDecision } from '../core/policy/types.ts';
import { personOf } from './policy-standing.ts';

export type Decision = 'allow' | 'deny';

export interface RuleChange {
  id: string;
  kind: string;
  /** Undefined: the rule is not in that policy. */
  before: RuleResult | undefined;
  after: RuleResult | undefined;
  /** The draft's message for the rule (the policy in force's when the draft lacks it). */
  message: string;
}

export interface SimulatedPatch {
  patch: string;
  reason: string;
  publisher: string;
  time: string;
  before: Decision;
  after: Decision;
  /** Rules whose outcome differs between the two policies. */
  changes: RuleChange[];
  /** Why the draft denies, when it does. */
  reasons: string[];
}

export interface Simulation {
  rows: SimulatedPatch[];
  total: number;
  /** allow → deny */
  newlyDenied: number;
  /** deny → allow */
  newlyAllowed: number;
  /** Whether a policy was in force to compare with. */
  compared: boolean;
}

/** What a simulation reads besides the ledger. */
export interface SimulationInput {
  draft: CompiledPolicy;
  inForce: CompiledPolicy | undefined;
  scores: ReadonlyMap<string, number>;
  scoreHash: string;
  /** The ledger's digest when it was read with the scores (in a worker); else read here. */
  ledgerDigest?: string;
  now: string;
  newestLedgerTime: string;
  actingRole: string | undefined;
}

export interface SliceOptions {
  /** Longest stretch of work before the event loop gets a turn (default 8 ms). */
  sliceMs?: number;
  clock?: () => number;
  /** Gives the event loop a turn (default: a zero timeout). */
  pause?: () => Promise<void>;
  onProgress?: (done: number, total: number) => void;
  /** Set when a newer run replaces this one: the run stops at its next pause and rejects. */
  cancelled?: () => boolean;
}

export class SimulationCancelled extends Error {
  override readonly name = 'SimulationCancelled';
}

/** The ledger's published patches in standing: one publish per patch, the first admitted. */
export function publishedPatches(ledger: Ledger): Entry<'publish'>[] {
  const registry = ledger.registry();
  const seen = new Map<string, Entry<'publish'>>();
  for (const entry of ledger.ofKind('publish') as Iterable<Entry<'publish'>>) {
    const { patch } = entry.body as PublishBody;
    if (!seen.has(patch) && registry.standing(entry) === undefined) seen.set(patch, entry);
  }
  return [...seen.values()];
}

function ruleChanges(before: UnsealedDecision | undefined, after: UnsealedDecision): RuleChange[] {
  const old = new Map((before?.rules ?? []).map((r) => [r.id, r]));
  const changes: RuleChange[] = [];
  for (const rule of after.rules) {
    const was = old.get(rule.id);
    old.delete(rule.id);
    if (was?.outcome !== rule.outcome)
      changes.push({
        ...{ id: rule.id, kind: rule.kind, message: rule.message },
        before: was?.outcome,
        after: rule.outcome,
      });
  }
  for (const was of old.values())
    changes.push({
      ...{ id: was.id, kind: was.kind, message: was.message },
      before: was.outcome,
      after: undefined,
    });
  return changes;
}

/** One patch under both policies. */
function judge(
  ledger: Ledger,
  entry: Entry<'publish'>,
  input: SimulationInput,
  shared: Omit<PolicyContext, 'patch' | 'metadata' | 'provenance'>,
): SimulatedPatch {
  const body = entry.body as PublishBody;
  const context: PolicyContext = {
    ...shared,
    patch: body.patch,
    metadata: { creator: body.creator, reason: body.reason, components: body.components },
    provenance: provenance(ledger, body.patch),
  };
  const before = input.inForce?.decide(context);
  const after = input.draft.decide(context);
  const publisher = personOf(ledger, entry.author);
  return {
    patch: body.patch,
    reason: body.reason,
    publisher: publisher.name,
    time: entry.time,
    before: before?.decision ?? 'deny',
    after: after.decision,
    changes: ruleChanges(before, after),
    reasons: after.reasons,
  };
}

const byInterest = (a: SimulatedPatch, b: SimulatedPatch): number => {
  const changed = Number(b.before !== b.after) - Number(a.before !== a.after);
  return changed !== 0 ? changed : a.time < b.time ? 1 : a.time > b.time ? -1 : 0;
};

/** Whether a policy counts passkey assertions (reviews with `passkey`, `admin-passkey`). */
const asksPasskeys = (policy: CompiledPolicy | undefined): boolean =>
  policy !== undefined &&
  (policy.passkeyFor.size > 0 ||
    policy.policy.rules.some((r) => r.kind === 'attestations' && r.passkey === true));

/** Attestations and flags whose passkey assertion verifies, when either policy reads them. */
async function backedFor(ledger: Ledger, input: SimulationInput): Promise<Set<string>> {
  if (!asksPasskeys(input.draft) && !asksPasskeys(input.inForce)) return new Set();
  const ids = [...ledger.ofKind('attest'), ...ledger.ofKind('flag')].map((e) => e.id);
  return passkeyBacked(ledger, ids);
}

const zeroTimeout = () => new Promise<void>((done) => setTimeout(done, 0));

export async function simulatePolicy(
  ledger: Ledger,
  input: SimulationInput,
  options: SliceOptions = {},
): Promise<Simulation> {
  const clock = options.clock ?? (() => performance.now());
  const pause = options.pause ?? zeroTimeout;
  const sliceMs = options.sliceMs ?? 8;
  const shared = {
    identities: ledger.registry().identities,
    scores: input.scores,
    scoreHash: input.scoreHash,
    ledgerDigest: input.ledgerDigest ?? (await ledger.digest()),
    now: input.now,
    newestLedgerTime: input.newestLedgerTime,
    system: { treeHash: '', components: {} },
    actingRole: input.actingRole,
    fuzz: 0,
    passkeyBacked: await backedFor(ledger, input),
  };
  const patches = publishedPatches(ledger);
  const rows: SimulatedPatch[] = [];
  let started = clock();
  for (const entry of patches) {
    if (clock() - started >= sliceMs) {
      options.onProgress?.(rows.length, patches.length);
      await pause();
      if (options.cancelled?.() === true) throw new SimulationCancelled('a newer run replaced it');
      started = clock();
    }
    rows.push(judge(ledger, entry, input, shared));
  }
  options.onProgress?.(rows.length, patches.length);
  rows.sort(byInterest);
  const count = (from: Decision, to: Decision) =>
    rows.filter((r) => r.before === from && r.after === to).length;
  return {
    rows,
    total: rows.length,
    newlyDenied: count('allow', 'deny'),
    newlyAllowed: count('deny', 'allow'),
    compared: input.inForce !== undefined,
  };
}
