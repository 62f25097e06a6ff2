/**
 * One pass of the kiosk over the bundles it holds, with nobody watching:
 *
 *   roll back what an admin flagged → for each bundle: skip what the ledger shows handled →
 *   check with the policy in force → apply when allowed (all or nothing, recorded `applied`
 *   with the tree hashes) / wait when only fresher evidence is missing / refuse (recorded
 *   `rejected` once, with the reason)
 *
 * The agent does the deciding, applying and recording (patch-actions.ts); this module only
 * chooses what to ask it, and keeps the apply under way in the kiosk's memory, so that a
 * restart can tell whether the target came back all-old or all-new (`recoverInterrupted`).
 * Loaded lazily, with the ledger code.
 */
import { checkPatch } from '../core/agent/pipeline.ts';
import { policyDecider, type TrustSource } from '../core/agent/decide.ts';
import { utcTimestamp } from '../core/bundle/time.ts';
import type { Signer } from '../core/crypto/signer.ts';
import type { Tree } from '../core/diff/tree.ts';
import { treeHash } from '../core/diff/tree-hash.ts';
import type { AttestBody } from '../core/ledger/kinds.ts';
import type { Ledger } from '../core/ledger/ledger.ts';
import type { EffectivePolicy } from '../core/policy/effective.ts';
import {
  appliedNow,
  deniedOnlyForFreshness,
  flaggedByAdmin,
  lastEventOf,
  targetEvents,
  type TargetEvent,
} from './kiosk-ledger.ts';
import type { InFlight, KioskMemoryStore, KioskSource, Recovery } from './kiosk-record.ts';
import {
  applyToTarget,
  INTERRUPTED_APPLY_NOTE,
  INTERRUPTED_ROLLBACK_NOTE,
  rollbackOnTarget,
  type ActContext,
  type ActOutcome,
} from './patch-actions.ts';
import { plainReasons } from './verdict-words.ts';
import type { PolicyDecision } from '../core/policy/types.ts';

/** A bundle the kiosk holds and may take. */
export interface KioskBundle {
  patch: string;
  /** The patch's reason, as its author wrote it: what a passer-by reads as its name. */
  name: string;
  bytes: Uint8Array;
  source: KioskSource;
}

/** Why a bundle is not applied (yet). */
export interface WaitingRow {
  patch: string;
  name: string;
  source: KioskSource;
  /** refused: the policy denies it (recorded); stale: it needs a fresher ledger; flagged. */
  state: 'refused' | 'stale' | 'flagged' | 'no-policy' | 'failed';
  why: string[];
  code?: string;
}

export interface KioskContext {
  ledger: Ledger;
  signer: Signer;
  policy: EffectivePolicy;
  target: { name: string; tree: Tree };
  now: Date;
  memory: KioskMemoryStore;
  /** Called before an apply or a rollback starts (for "updating"). */
  starting(what: { patch: string; name: string; kind: 'apply' | 'rollback' }): void;
  /** Runs an apply or a rollback as busy work (app/busy.ts): no update takes over under it. */
  busy<T>(label: string, work: () => Promise<T>): Promise<T>;
  /** Where the policy's trust scores come from (OpenTeam.trust); else computed here. */
  trust?: TrustSource;
}

export interface PassResult {
  waiting: WaitingRow[];
  /** What this pass did (applied, rolled back, refused), for the kiosk's recent activity. */
  done: { patch: string; name: string; outcome: ActOutcome }[];
}

type Scored = Pick<KioskContext, 'ledger' | 'signer' | 'now' | 'trust'>;

const withTrust = (ctx: Scored) => (ctx.trust === undefined ? {} : { trust: ctx.trust });

function deciderFor(ctx: KioskContext) {
  const compiled = ctx.policy.compiled;
  if (compiled === undefined) return undefined;
  return policyDecider(compiled, { now: ctx.now, tree: ctx.target.tree, ...withTrust(ctx) });
}

/** What patch-actions needs of the pass: the ledger, the signer, the time, the scores' source. */
const actContext = (ctx: Scored): ActContext => ({
  ...{ ledger: ctx.ledger, signer: ctx.signer, now: ctx.now },
  ...withTrust(ctx),
});

async function rollBackFlagged(
  ctx: KioskContext,
  events: TargetEvent[],
  held: ReadonlyMap<string, KioskBundle>,
  result: PassResult,
): Promise<void> {
  for (const applied of appliedNow(events)) {
    const flag = await flaggedByAdmin(ctx.ledger, applied.patch, ctx.policy.compiled);
    if (flag === undefined) continue;
    const bundle = held.get(applied.patch);
    if (bundle === undefined) continue; // said by the bundle rows: nothing else can undo it
    const outcome = await remembered(ctx, bundle, 'rollback', '', (context) =>
      rollbackOnTarget(context, bundle.bytes, ctx.target),
    );
    result.done.push({ patch: bundle.patch, name: bundle.name, outcome });
  }
}

/**
 * Applies or rolls back through the agent, remembering the work under way until it is
 * settled: recorded in the ledger, or refused. Work that changed the files but whose record
 * did not reach the ledger (storage full, a failed write), or that threw, stays remembered and
 * stops the pass with the reason; the next pass settles it first, as after a restart
 * (`recoverInterrupted`), so the ledger never misses a change to the target and nothing else
 * is applied or rolled back meanwhile.
 */
async function remembered(
  ctx: KioskContext,
  bundle: KioskBundle,
  kind: 'apply' | 'rollback',
  decision: string,
  work: (context: ActContext) => Promise<ActOutcome>,
): Promise<ActOutcome> {
  const inFlight: InFlight = {
    ...{ kind, patch: bundle.patch, name: bundle.name, source: bundle.source, decision },
    ...{ treeBefore: await treeHash(ctx.target.tree), started: utcTimestamp(ctx.now) },
  };
  ctx.starting({ patch: bundle.patch, name: bundle.name, kind });
  const context = actContext(ctx);
  const doing = kind === 'apply' ? 'applying' : 'rolling back';
  return ctx.busy(`${doing} ${bundle.name} on the kiosk`, async () => {
    ctx.memory.update((m) => (m.inFlight = inFlight));
    const outcome = await work(context);
    // Refused after the files changed: its record did not reach the ledger (patch-actions.ts).
    if (!outcome.ok && outcome.steps.some((s) => s.step === 'apply' && s.ok))
      throw new Error(`${bundle.name}: ${outcome.message}, before anything else is done`);
    ctx.memory.update((m) => delete m.inFlight);
    return outcome;
  });
}

const applyRemembered = (ctx: KioskContext, bundle: KioskBundle, decision: string) =>
  remembered(ctx, bundle, 'apply', decision, (context) =>
    applyToTarget(context, bundle.bytes, ctx.policy, ctx.target, false),
  );

const row = (b: KioskBundle, state: WaitingRow['state'], why: string[], code?: string) => {
  const out: WaitingRow = { patch: b.patch, name: b.name, source: b.source, state, why };
  if (code !== undefined) out.code = code;
  return out;
};

/** What a bundle waiting for fresher evidence waits for. */
export const STALE_NEXT =
  'It is applied here once this kiosk has the team’s newer ledger entries, from a peer or a ledger file.';

/** One bundle: handled already, flagged, allowed, stale or refused. */
async function takeBundle(
  ctx: KioskContext,
  bundle: KioskBundle,
  events: TargetEvent[],
  result: PassResult,
): Promise<void> {
  const last = lastEventOf(events, bundle.patch);
  if (last?.reason === 'applied' || last?.reason === 'rolled-back') return; // never twice
  const flag = await flaggedByAdmin(ctx.ledger, bundle.patch, ctx.policy.compiled);
  if (flag !== undefined) return void result.waiting.push(row(bundle, 'flagged', [flag]));
  const decide = deciderFor(ctx);
  if (decide === undefined)
    return void result.waiting.push(
      row(bundle, 'no-policy', ['no policy is in force on this team: nothing is applied']),
    );
  const options = { ledger: ctx.ledger, decide, now: ctx.now, deviceDid: ctx.signer.did };
  const check = await checkPatch(bundle.bytes, options);
  const reasons = check.decision?.reasons ?? [];
  if (check.status === 'allowed') {
    // An apply this target refused before (the tree did not take the diff) is tried as a dry
    // run first, which records nothing: it is applied, and recorded, only once it would
    // succeed. Else every pass would sign another `rejected` for every peer to carry.
    if (last?.reason === 'rejected') {
      const context = actContext(ctx);
      const trial = await applyToTarget(context, bundle.bytes, ctx.policy, ctx.target, true);
      if (!trial.ok)
        return void result.waiting.push(row(bundle, 'failed', [trial.message], trial.code));
    }
    const outcome = await applyRemembered(ctx, bundle, check.decision?.hash ?? '');
    result.done.push({ patch: bundle.patch, name: bundle.name, outcome });
    if (!outcome.ok) result.waiting.push(row(bundle, 'failed', [outcome.message], outcome.code));
    return;
  }
  // How old the ledger is, against the policy's limit, is said once beside the list (the
  // kiosk's evidence line): the row says what happens next, not the rule's line again.
  if (check.status === 'denied' && deniedOnlyForFreshness(check.decision?.explanation))
    return void result.waiting.push(row(bundle, 'stale', [STALE_NEXT], 'STALE_LEDGER'));
  const stop = check.steps.find((s) => !s.ok);
  const code = check.status === 'denied' ? 'POLICY_DENIED' : (stop?.code ?? 'FAILED');
  const plain = plainReasons(
    check,
    check.decision?.explanation as PolicyDecision | undefined,
    ctx.ledger.registry().identities,
    ctx.policy.compiled?.policy,
  );
  const why =
    plain.length > 0 ? plain : reasons.length > 0 ? reasons : [stop?.message ?? 'refused'];
  if (last === undefined) {
    // Recorded once: the agent checks again, refuses and records `rejected` with the code.
    const outcome = await applyToTarget(
      actContext(ctx),
      bundle.bytes,
      ctx.policy,
      ctx.target,
      false,
    );
    result.done.push({ patch: bundle.patch, name: bundle.name, outcome });
  }
  result.waiting.push(row(bundle, 'refused', why, code));
}

/** Rolls back what an admin flagged, then takes each bundle in turn. */
export async function runKioskPass(
  ctx: KioskContext,
  bundles: readonly KioskBundle[],
): Promise<PassResult> {
  const result: PassResult = { waiting: [], done: [] };
  const held = new Map(bundles.map((b) => [b.patch, b]));
  await rollBackFlagged(ctx, targetEvents(ctx.ledger, ctx.target.name), held, result);
  for (const bundle of bundles) {
    // Read again each time: the previous bundle may have added an event.
    await takeBundle(ctx, bundle, targetEvents(ctx.ledger, ctx.target.name), result);
  }
  return result;
}

/**
 * After a restart: settles an interrupted commit (the tree's journal finishes it or discards
 * it) and says which. An apply that finished on disk but whose `applied` never reached the
 * ledger is finished through the agent (`resumed`: the post-apply check runs, `applied` is
 * recorded); if the agent will not (the policy moved on), it is recorded as it stands, with a
 * note, so the ledger never misses a change to the target. A rollback is settled the same way
 * (`recordRolledBack`). `restarted` false: the work ran in this session and only its record
 * failed; it is settled the same way, but not announced as an interruption.
 */
export async function recoverInterrupted(
  ctx: Omit<KioskContext, 'starting' | 'busy'>,
  bundle: KioskBundle | undefined,
  restarted = true,
): Promise<Recovery | undefined> {
  const inFlight = ctx.memory.get().inFlight;
  await ctx.target.tree.recover();
  if (inFlight === undefined) return undefined;
  const tree = await treeHash(ctx.target.tree);
  const outcome = tree === inFlight.treeBefore ? 'all-old' : 'all-new';
  const last = lastEventOf(targetEvents(ctx.ledger, ctx.target.name), inFlight.patch);
  const rollback = inFlight.kind === 'rollback';
  if (outcome === 'all-new' && last?.reason !== (rollback ? 'rolled-back' : 'applied')) {
    if (rollback) await recordRolledBack(ctx, inFlight, bundle, tree, last);
    else await recordResumed(ctx, inFlight, bundle, tree);
  }
  const recovery: Recovery = {
    ...(rollback ? { kind: 'rollback' as const } : {}),
    ...{ patch: inFlight.patch, name: inFlight.name, outcome },
    ...{ tree: await treeHash(ctx.target.tree), at: utcTimestamp(ctx.now) },
  };
  ctx.memory.update((m) => {
    delete m.inFlight;
    if (restarted) m.recovery = recovery; // not an apply whose record failed while running
  });
  return recovery;
}

async function recordResumed(
  ctx: Omit<KioskContext, 'starting' | 'busy'>,
  inFlight: InFlight,
  bundle: KioskBundle | undefined,
  tree: string,
): Promise<void> {
  const context = actContext(ctx);
  if (bundle !== undefined) {
    const outcome = await applyToTarget(context, bundle.bytes, ctx.policy, ctx.target, false, true);
    // Done only once recorded: a record that failed again is tried as it stands, below.
    if (outcome.ok && outcome.entry !== undefined) return;
  }
  const body = {
    ...{ patch: inFlight.patch, reason: 'applied' as const, target: ctx.target.name },
    ...{ treeBefore: inFlight.treeBefore, treeAfter: tree, decision: inFlight.decision },
    note: INTERRUPTED_APPLY_NOTE,
  };
  await ctx.ledger.append(ctx.signer, 'attest', body, utcTimestamp(ctx.now));
}

/**
 * A rollback that reached the files but not the ledger: finished through the agent
 * (`resumed`: it records `rolled-back` with the tree it started from), or, without the bundle
 * or if the agent will not, recorded as it stands with a note, as an interrupted apply is.
 */
async function recordRolledBack(
  ctx: Omit<KioskContext, 'starting' | 'busy'>,
  inFlight: InFlight,
  bundle: KioskBundle | undefined,
  tree: string,
  last: TargetEvent | undefined,
): Promise<void> {
  if (bundle !== undefined) {
    const outcome = await rollbackOnTarget(actContext(ctx), bundle.bytes, ctx.target, true);
    if (outcome.ok && outcome.entry !== undefined) return;
  }
  const body: AttestBody = {
    ...{ patch: inFlight.patch, reason: 'rolled-back', target: ctx.target.name },
    ...{ treeBefore: inFlight.treeBefore, treeAfter: tree, note: INTERRUPTED_ROLLBACK_NOTE },
  };
  if (last?.reason === 'applied') body.parent = last.id;
  await ctx.ledger.append(ctx.signer, 'attest', body, utcTimestamp(ctx.now));
}
