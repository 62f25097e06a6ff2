/**
 * The attestation agent (seed 001's `apply_patch`) as two entry points over named steps:
 *
 *   checkPatch:  verify-signature → extract-metadata → verify-identities → verify-attesters
 *                → validate-metadata → policy
 *   applyPatch:  the same, then apply → record → audit; with a post-apply check,
 *                apply → post-apply-check (→ roll-back when it fails) → record → audit
 *
 * Each step returns a value or a coded stop (check-steps.ts, apply-steps.ts); the first stop
 * ends the run. An apply that stops after the bundle is known records `rejected` with the
 * stop's code, so every attempt is on the ledger; a dry run records nothing. The policy engine
 * and the scores it reads come in as `decide`; the clock, the tree and the signer come in too.
 */
import type { BundleReport } from '../bundle/types.ts';
import type { ApplyResult } from '../diff/apply.ts';
import type { ErrorCode } from '../errors.ts';
import { provenance } from '../ledger/queries.ts';
import type { AttestBody } from '../ledger/kinds.ts';
import {
  applyChange,
  auditOf,
  claimedPatch,
  parentOf,
  postApplyStep,
  recordAttestation,
  rejectionBody,
  rolledBackBody,
} from './apply-steps.ts';
import {
  attestersOf,
  decidePolicy,
  extractMetadata,
  validateMetadata,
  verifyIdentities,
  verifySignature,
} from './check-steps.ts';
import { applyOrResume } from './resume.ts';
import { Halt, passed, StepLog, type StepValue } from './run.ts';
import type {
  ApplyOptions,
  ApplyRunResult,
  CheckOptions,
  CheckResult,
  DecisionOutcome,
} from './types.ts';

/** What a check established, for an apply to continue from. */
interface Checked {
  report: BundleReport;
  patch: string;
  parent: string | undefined;
  decision: DecisionOutcome;
}

/** How the first step learns the bundle: verify its bytes, or take a report verified before. */
type VerifyStep = () => StepValue<BundleReport> | Promise<StepValue<BundleReport>>;

/** The check steps, recording into `result`; throws Halt at the first stop. */
async function runChecks(
  verify: VerifyStep,
  options: CheckOptions,
  log: StepLog,
  result: Omit<CheckResult, 'status'>,
): Promise<Checked> {
  const { ledger, now, via } = options;
  const report = await log.run('verify-signature', verify);
  const patch = `sha256:${report.payloadDigest}`;
  result.patch = patch;
  await log.run('extract-metadata', () => extractMetadata(report));
  const { role } = await log.run('verify-identities', () =>
    verifyIdentities(ledger, report, patch, options.deviceDid, options.role),
  );
  const attesters = await log.run('verify-attesters', () => attestersOf(ledger, report));
  result.attesters = attesters;
  await log.run('validate-metadata', () => validateMetadata(ledger, report, patch, now));
  const chain = provenance(ledger, patch);
  const request = {
    ...{ patch, report, provenance: chain, ledger, fuzz: options.fuzz ?? 0, attesters },
    ...(via === undefined ? {} : { via }),
    ...(role === undefined ? {} : { actingRole: role }),
    ...(options.deviceDid === undefined ? {} : { device: options.deviceDid }),
  };
  const decision = await log.run('policy', () =>
    decidePolicy(request, options.decide, (d) => (result.decision = d)),
  );
  return { report, patch, parent: parentOf(chain, ledger, via), decision };
}

function statusOf(halt: Halt): 'denied' | 'rejected' {
  return halt.denied ? 'denied' : 'rejected';
}

/** Would the policy allow this patch here? Every check step; nothing is applied or recorded. */
export function checkPatch(bytes: Uint8Array, options: CheckOptions): Promise<CheckResult> {
  return checkWith(() => verifySignature(bytes), options);
}

/**
 * `checkPatch` for a bundle whose signatures were verified already, by `verifyBundle` with no
 * trust set (the app's verify worker, so that a large bundle is not verified a second time on
 * the page's thread): the same steps, the first one taking that report. Only for a report this
 * process's own verifier produced; an apply always verifies the bytes again.
 */
export function checkVerified(report: BundleReport, options: CheckOptions): Promise<CheckResult> {
  const n = report.attestations.length;
  return checkWith(
    () => passed(report, `author signature and ${n} attestation(s) checked before`),
    options,
  );
}

async function checkWith(verify: VerifyStep, options: CheckOptions): Promise<CheckResult> {
  const log = new StepLog(options.onStep);
  const result: CheckResult = { status: 'rejected', steps: log.steps };
  try {
    await runChecks(verify, options, log, result);
    result.status = 'allowed';
  } catch (error) {
    if (!(error instanceof Halt)) throw error;
    result.status = statusOf(error);
  }
  return result;
}

/**
 * Checks, applies, runs the post-apply check (rolling back when it fails), records `applied`
 * (and `rolled-back`) and returns the target's audit trail.
 */
export async function applyPatch(
  bytes: Uint8Array,
  options: ApplyOptions,
): Promise<ApplyRunResult> {
  const { ledger, device, tree, now } = options;
  const target = options.target ?? device.did;
  const log = new StepLog(options.onStep);
  const result: ApplyRunResult = { status: 'rejected', steps: log.steps };
  try {
    const checked = await runChecks(
      () => verifySignature(bytes),
      { ...options, deviceDid: device.did },
      log,
      result,
    );
    const { predicate } = checked.report;
    const applied = await log.run('apply', () =>
      applyOrResume(tree, predicate, options, ledger, checked.patch, target),
    );
    result.apply = applied;
    result.status = applied.status;
    if (applied.status !== 'applied') return result;
    const reversed = await checkAfterApply(checked, options, log, result);
    const body: AttestBody = {
      ...{ patch: checked.patch, reason: 'applied', target },
      ...{ treeBefore: applied.treeBefore, treeAfter: applied.treeAfter },
      decision: checked.decision.hash,
    };
    if (checked.parent !== undefined) body.parent = checked.parent;
    const entry = await log.run('record', () => recordAttestation(ledger, device, body, now));
    result.attestation = entry;
    if (reversed !== undefined)
      result.attestation = await log.run('record', () =>
        recordAttestation(
          ledger,
          device,
          rolledBackBody(entry, reversed, result.postApply ?? []),
          now,
        ),
      );
    result.audit = await log.run('audit', () => auditOf(ledger, target));
  } catch (error) {
    if (!(error instanceof Halt)) throw error;
    const done = result.status === 'applied' || result.status === 'rolled-back';
    if (!done) result.status = statusOf(error);
    if (options.dryRun !== true && !done)
      await recordStop(bytes, options, target, error.code, log, result);
  }
  return result;
}

/**
 * The post-apply check, when the caller gives one; when it fails, the diff is reversed on the
 * same tree (exactly, as `rollbackPatch` does) and the reverse is returned for the record. A
 * reverse that fails leaves the status `applied` (the tree is as the apply left it) and the
 * step says why.
 */
async function checkAfterApply(
  checked: Checked,
  options: ApplyOptions,
  log: StepLog,
  result: ApplyRunResult,
): Promise<ApplyResult | undefined> {
  const { postApply, tree } = options;
  if (postApply === undefined) return undefined;
  const check = await log.attempt('post-apply-check', () =>
    postApplyStep(tree, postApply, (failures) => (result.postApply = failures)),
  );
  if (check.ok) return undefined;
  const reversed = await log.attempt('roll-back', () =>
    applyChange(tree, checked.report.predicate, { reverse: true }),
  );
  if (!reversed.ok) return undefined;
  result.rollback = reversed.value;
  result.status = 'rolled-back';
  return reversed.value;
}

/**
 * Records a stopped attempt as `rejected` with the stop's code (and the decision, when the
 * policy was asked). Nothing is recorded when the bundle is not even a bundle (no patch to
 * name), or when the device's key is not registered (the ledger would not admit its entry).
 */
async function recordStop(
  bytes: Uint8Array,
  options: ApplyOptions,
  target: string,
  code: ErrorCode,
  log: StepLog,
  result: ApplyRunResult,
): Promise<void> {
  const patch = result.patch ?? (await claimedPatch(bytes));
  const registered = options.ledger.registry().identities.get(options.device.did)?.registered;
  if (patch === undefined || registered === undefined || registered === '') return;
  const message = log.steps.at(-1)?.message ?? '';
  const body = rejectionBody(patch, target, code, message, result.decision?.hash);
  try {
    result.attestation = await log.run('record', () =>
      recordAttestation(options.ledger, options.device, body, options.now),
    );
    result.audit = await log.run('audit', () => auditOf(options.ledger, target));
  } catch (error) {
    if (!(error instanceof Halt)) throw error;
  }
}
