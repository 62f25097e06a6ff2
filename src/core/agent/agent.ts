/**
 * The attestation agent (seed 001's `apply_patch`): a short pipeline of named steps, each of
 * which either passes or stops the run with a coded reason.
 *
 *   verify-signature → extract-metadata → verify-identities → validate-metadata → policy
 *   → apply → record → audit
 *
 * A dry run stops after computing what apply would do (nothing is written, nothing recorded).
 * `rollbackPatch` undoes an applied patch and records `rolled-back`. The policy engine and the
 * scores it reads are passed in as `decide`, so the pipeline does not care how they are made.
 */
import type { BundleReport } from '../bundle/types.ts';
import { readBundle, verifyParsedBundle } from '../bundle/verify.ts';
import type { Signer } from '../crypto/signer.ts';
import { applyDiff, type ApplyResult } from '../diff/apply.ts';
import type { Tree } from '../diff/tree.ts';
import { isPatchtrailError, reject, type ErrorCode } from '../errors.ts';
import type { Entry } from '../ledger/entry.ts';
import type { AttestBody, PublishBody } from '../ledger/kinds.ts';
import type { Ledger } from '../ledger/ledger.ts';
import { auditTrail, provenance, type AuditEvent, type Provenance } from '../ledger/queries.ts';
import { OUTCOME_REASONS } from '../policy/chain.ts';
import { readTeam } from '../reputation/team.ts';

export const AGENT_STEPS = [
  'verify-signature',
  'extract-metadata',
  'verify-identities',
  'validate-metadata',
  'policy',
  'apply',
  'record',
  'audit',
] as const;
export type AgentStep = (typeof AGENT_STEPS)[number];

export interface StepOutcome {
  step: AgentStep;
  ok: boolean;
  code?: ErrorCode;
  message: string;
}

/** What the policy engine is asked about one patch. */
export interface DecisionRequest {
  patch: string;
  report: BundleReport;
  provenance: Provenance;
  ledger: Ledger;
  fuzz: number;
  /** The attestation this device received the patch through, when it knows it. */
  via?: string;
}

/** What it answers: allow or deny, with the hash that reproduces it and its explanation. */
export interface DecisionOutcome {
  decision: 'allow' | 'deny';
  /** sha256 of the full decision (policy, scores, ledger digest, each rule's outcome). */
  hash: string;
  /** One line per failing rule, or what is missing ("needs 1 more `reviewed` ..."). */
  reasons: string[];
  /** The engine's whole result, passed through to callers (JSON). */
  explanation: unknown;
}

export interface AgentOptions {
  ledger: Ledger;
  /** This device: signs the `applied` attestation (not needed with `checkOnly`). */
  device?: Signer;
  /** The target's name in the audit trail (default: the device's did). */
  target?: string;
  /** The target; not needed with `checkOnly`. */
  tree?: Tree;
  decide(request: DecisionRequest): Promise<DecisionOutcome> | DecisionOutcome;
  /** The caller's clock, for the attestation's advisory time and metadata checks. */
  now: Date;
  dryRun?: boolean;
  /** Stop after the policy step (`patchtrail check`): nothing is applied or recorded. */
  checkOnly?: boolean;
  fuzz?: number;
  /**
   * The attestation (of this patch, on the ledger, in standing) this device received the patch
   * through: the policy judges that hop and its ancestors, and the `applied` attestation names
   * it as parent, crediting that system.
   */
  via?: string;
}

export interface AgentResult {
  status: 'allowed' | 'denied' | 'rejected' | ApplyResult['status'];
  steps: StepOutcome[];
  patch?: string;
  decision?: DecisionOutcome;
  apply?: ApplyResult;
  /** The `applied` attestation this device recorded. */
  attestation?: Entry<'attest'>;
  audit?: AuditEvent[];
}

/** Creation times more than this far in the future are refused (clock skew allowance). */
const FUTURE_SKEW_MS = 5 * 60 * 1000;

class Stop extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly status: 'denied' | 'rejected' = 'rejected',
  ) {
    super(message);
  }
}

function utc(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/**
 * The parent the `applied` attestation names: `via` when given; otherwise the newest live leaf
 * among the hops that handled the patch (forwarded or reviewed first) whose author is a team
 * member (reputation/team.ts: an admin or the holder of an endorsed role, in standing, the
 * same systems whose flags count). Without `via` the device does not know who delivered the
 * patch, so it credits no stranger: a registered newcomer attesting `forwarded` on a patch
 * must not collect the trust of every device that applies it.
 */
function parentOf(chain: Provenance, ledger: Ledger, via: string | undefined): string | undefined {
  if (via !== undefined) return via;
  const team = readTeam(ledger);
  const member = (did: string) => team.isMember(team.systemOf(did));
  const live = chain.hops.filter((h) => h.outOfStanding === undefined);
  const handling = live.filter((h) => !OUTCOME_REASONS.has(h.reason) && member(h.author));
  const leaves = handling.filter((h) => !h.children.some((c) => handling.some((l) => l.id === c)));
  const preferred = leaves.filter((h) => h.reason === 'forwarded' || h.reason === 'reviewed');
  return (preferred.length > 0 ? preferred : leaves).at(-1)?.id;
}

/** `via` must be a hop of this patch in standing that carried it on its way. */
function checkVia(chain: Provenance, via: string | undefined): void {
  if (via === undefined) return;
  const hop = chain.hops.find((h) => h.id === via);
  if (hop === undefined)
    throw new Stop(
      'INVALID_METADATA',
      `via ${via} is not an attestation of this patch on the ledger`,
    );
  if (hop.outOfStanding !== undefined)
    throw new Stop('INVALID_METADATA', `via ${via} does not count: ${hop.outOfStanding}`);
}

export async function applyPatch(
  bundleBytes: Uint8Array,
  options: AgentOptions,
): Promise<AgentResult> {
  const result: AgentResult = { status: 'rejected', steps: [] };
  const run = async <T>(step: AgentStep, fn: () => Promise<T> | T, done: (t: T) => string) => {
    try {
      const value = await fn();
      result.steps.push({ step, ok: true, message: done(value) });
      return value;
    } catch (error) {
      if (error instanceof Stop) {
        result.steps.push({ step, ok: false, code: error.code, message: error.message });
        result.status = error.status;
      } else if (isPatchtrailError(error)) {
        result.steps.push({ step, ok: false, code: error.code, message: error.message });
      } else throw error;
      throw new Stop(result.steps.at(-1)?.code ?? 'MALFORMED_INPUT', '');
    }
  };
  try {
    const report = await run(
      'verify-signature',
      async () => {
        const verified = await verifyParsedBundle(readBundle(bundleBytes));
        if (!verified.ok) throw new Stop(verified.problem.code, verified.problem.message);
        return verified.report;
      },
      (r) => `author signature and ${r.attestations.length} attestation(s) checked`,
    );
    const patch = `sha256:${report.payloadDigest}`;
    result.patch = patch;
    const { predicate } = report;
    await run(
      'extract-metadata',
      () => predicate,
      (p) => `${p.files.length} file(s), components ${p.affected_components.join(', ') || '-'}`,
    );
    const { ledger } = options;
    await run(
      'verify-identities',
      () => {
        const author = ledger.registry().identities.get(predicate.creator_identity);
        if (author === undefined || author.registered === '')
          throw new Stop('UNKNOWN_AUTHOR', `${predicate.creator_identity} is not registered`);
        if (author.revokedFrom !== undefined)
          throw new Stop(
            'REVOKED_KEY',
            `${author.did} was revoked from sequence ${author.revokedFrom}`,
          );
        if (author.rotatedTo !== undefined)
          throw new Stop('REVOKED_KEY', `${author.did} was replaced by ${author.rotatedTo}`);
        return author;
      },
      (a) => `author ${a.name === '' ? a.did : a.name} is registered and in standing`,
    );
    await run(
      'validate-metadata',
      () => {
        const created = Date.parse(predicate.creation_timestamp);
        if (created - options.now.getTime() > FUTURE_SKEW_MS)
          throw new Stop(
            'INVALID_METADATA',
            `created ${predicate.creation_timestamp}, in the future`,
          );
        for (const entry of ledger.aboutPatch(patch)) {
          if (entry.kind !== 'publish' || ledger.verified(entry.id) === undefined) continue;
          const body = entry.body as PublishBody;
          if (
            body.diff !== `sha256:${report.diffDigest}` ||
            body.creator !== predicate.creator_identity
          )
            throw new Stop(
              'INVALID_METADATA',
              `the ledger's publish entry ${entry.id} disagrees with the bundle`,
            );
        }
        return predicate;
      },
      () => 'metadata agrees with the ledger',
    );
    const chain = provenance(ledger, patch);
    const fuzz = options.fuzz ?? 0;
    const decision = await run(
      'policy',
      async () => {
        checkVia(chain, options.via);
        const request: DecisionRequest = { patch, report, provenance: chain, ledger, fuzz };
        if (options.via !== undefined) request.via = options.via;
        const outcome = await options.decide(request);
        result.decision = outcome;
        if (outcome.decision !== 'allow')
          throw new Stop('POLICY_DENIED', outcome.reasons.join('; ') || 'denied', 'denied');
        return outcome;
      },
      (d) => `allowed (decision ${d.hash})`,
    );
    if (options.checkOnly === true) {
      result.status = 'allowed';
      return result;
    }
    const dryRun = options.dryRun === true;
    const tree = options.tree;
    if (tree === undefined) throw new RangeError('applyPatch: a tree is needed unless checkOnly');
    const applied = await run(
      'apply',
      () =>
        applyDiff(tree, predicate.patch_diff, {
          strip: predicate.path_strip,
          dryRun,
          fuzz,
        }),
      (a) => `${a.status}: ${a.files.length} file(s), ${a.treeBefore} -> ${a.treeAfter}`,
    );
    result.apply = applied;
    result.status = applied.status;
    if (dryRun || applied.status === 'already-applied') return result;
    const device = options.device;
    if (device === undefined)
      throw new RangeError('applyPatch: a device signer is needed to apply');
    const target = options.target ?? device.did;
    const body: AttestBody = {
      patch,
      reason: 'applied',
      target,
      treeBefore: applied.treeBefore,
      treeAfter: applied.treeAfter,
      decision: decision.hash,
    };
    const parent = parentOf(chain, ledger, options.via);
    if (parent !== undefined) body.parent = parent;
    result.attestation = await run(
      'record',
      () => ledger.append(device, 'attest', body, utc(options.now)),
      (e) => `recorded ${e.id}`,
    );
    result.audit = await run(
      'audit',
      () => auditTrail(ledger, target),
      (a) => `${a.length} event(s) on ${target}`,
    );
    return result;
  } catch (error) {
    if (error instanceof Stop) return result;
    throw error;
  }
}

/**
 * Undoes an applied patch (reverse application, exact) and records `rolled-back`, naming the
 * `applied` attestation it undoes as parent.
 */
export async function rollbackPatch(
  bundleBytes: Uint8Array,
  options: Omit<AgentOptions, 'decide' | 'dryRun' | 'fuzz' | 'checkOnly' | 'tree' | 'device'> & {
    tree: Tree;
    device: Signer;
  },
): Promise<{ apply: ApplyResult; attestation: Entry<'attest'> }> {
  const verified = await verifyParsedBundle(readBundle(bundleBytes));
  if (!verified.ok) reject(verified.problem.code, verified.problem.message);
  const { predicate } = verified.report;
  const patch = `sha256:${verified.report.payloadDigest}`;
  const target = options.target ?? options.device.did;
  const apply = await applyDiff(options.tree, predicate.patch_diff, {
    strip: predicate.path_strip,
    reverse: true,
  });
  const applied = options.ledger
    .aboutTarget(target)
    .filter(
      (e) => (e.body as AttestBody).patch === patch && (e.body as AttestBody).reason === 'applied',
    )
    .at(-1);
  const body: AttestBody = {
    patch,
    reason: 'rolled-back',
    target,
    treeBefore: apply.treeBefore,
    treeAfter: apply.treeAfter,
  };
  if (applied !== undefined) body.parent = applied.id;
  const attestation = await options.ledger.append(options.device, 'attest', body, utc(options.now));
  return { apply, attestation };
}
