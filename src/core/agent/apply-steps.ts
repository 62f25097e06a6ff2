/**
 * The steps after a check: apply → (post-apply-check → roll-back) → record → audit, and what every attempt leaves on the
 * ledger. An apply records `applied` with the tree hashes and the decision; an attempt that
 * stops (denied, rejected, a conflict) records `rejected` with the code of the step that
 * stopped it, so the audit trail holds every attempt a device made, not only its successes.
 */
import { patchDiffContent } from '../bundle/diff-encoding.ts';
import type { PatchPredicate } from '../bundle/types.ts';
import { readBundle } from '../bundle/verify.ts';
import { utcTimestamp } from '../bundle/time.ts';
import type { Signer } from '../crypto/signer.ts';
import { sha256Hex } from '../crypto/hash.ts';
import { applyDiff, describeFileCount, type ApplyResult } from '../diff/apply.ts';
import type { Tree } from '../diff/tree.ts';
import { fromBase64 } from '../encoding/bytes.ts';
import { isPatchtrailError, type ErrorCode } from '../errors.ts';
import type { Entry } from '../ledger/entry.ts';
import type { AttestBody } from '../ledger/kinds.ts';
import type { Ledger } from '../ledger/ledger.ts';
import { auditTrail, type AuditEvent, type Provenance } from '../ledger/queries.ts';
import { OUTCOME_REASONS } from '../policy/chain.ts';
import { readTeam } from '../reputation/team.ts';
import {
  describePostApplyFailure,
  type PostApplyCheck,
  type PostApplyFailure,
} from './post-apply.ts';
import { passed, stopped, type StepValue } from './run.ts';

/** Applies (or reverses, or dry-runs) the bundle's diff on the tree, all or nothing. */
export async function applyChange(
  tree: Tree,
  predicate: PatchPredicate,
  options: { dryRun?: boolean; fuzz?: number; reverse?: boolean },
): Promise<StepValue<ApplyResult>> {
  const result = await applyDiff(tree, patchDiffContent(predicate), {
    strip: predicate.path_strip,
    dryRun: options.dryRun === true,
    fuzz: options.fuzz ?? 0,
    reverse: options.reverse === true,
  });
  const summary = `${describeFileCount(result.files)}, ${result.treeBefore} -> ${result.treeAfter}`;
  return passed(result, `${result.status}: ${summary}`);
}

/**
 * The parent the `applied` attestation names: `via` when given; otherwise the newest live leaf
 * among the hops that handled the patch (forwarded or reviewed first) whose author is a team
 * member (reputation/team.ts: an admin or the holder of an endorsed role, in standing, the
 * same systems whose flags count). Without `via` the device does not know who delivered the
 * patch, so it credits no stranger: a registered newcomer attesting `forwarded` on a patch
 * must not collect the trust of every device that applies it.
 */
export function parentOf(
  chain: Provenance,
  ledger: Ledger,
  via: string | undefined,
): string | undefined {
  if (via !== undefined) return via;
  const team = readTeam(ledger);
  const member = (did: string) => team.isMember(team.systemOf(did));
  const live = chain.hops.filter((h) => h.outOfStanding === undefined);
  const handling = live.filter((h) => !OUTCOME_REASONS.has(h.reason) && member(h.author));
  const leaves = handling.filter((h) => !h.children.some((c) => handling.some((l) => l.id === c)));
  const preferred = leaves.filter((h) => h.reason === 'forwarded' || h.reason === 'reviewed');
  return (preferred.length > 0 ? preferred : leaves).at(-1)?.id;
}

/** Signs and admits one attestation by this device. */
export async function recordAttestation(
  ledger: Ledger,
  device: Signer,
  body: AttestBody,
  now: Date,
): Promise<StepValue<Entry<'attest'>>> {
  const entry = await ledger.append(device, 'attest', body, utcTimestamp(now));
  return passed(entry, `recorded ${body.reason} ${entry.id}`);
}

export function auditOf(ledger: Ledger, target: string): StepValue<AuditEvent[]> {
  const events = auditTrail(ledger, target);
  return passed(events, `${events.length} event(s) on ${target}`);
}

/** Notes are text fields of an entry: keep a stop's message well inside the entry limit. */
const MAX_NOTE = 1024;

/** The `rejected` attestation an attempt that stopped leaves: who, where, and the code. */
export function rejectionBody(
  patch: string,
  target: string,
  code: ErrorCode,
  message: string,
  decision: string | undefined,
): AttestBody {
  const body: AttestBody = { patch, reason: 'rejected', target, code };
  if (decision !== undefined) body.decision = decision;
  if (message !== '') body.note = message.slice(0, MAX_NOTE);
  return body;
}

/**
 * The payload digest a bundle claims, read without verifying anything: what a `rejected`
 * record names when the bundle failed verification. Undefined when the file is not a bundle.
 */
export async function claimedPatch(bytes: Uint8Array): Promise<string | undefined> {
  try {
    const bundle = readBundle(bytes);
    return `sha256:${await sha256Hex(fromBase64(bundle.envelope.payload, 'payload'))}`;
  } catch (error) {
    if (isPatchtrailError(error)) return undefined;
    throw error;
  }
}

/**
 * Runs the post-apply check; `seen` gets every failure (warnings too). Stops with
 * POST_APPLY_FAILED when a check in `enforce` mode fails.
 */
export async function postApplyStep(
  tree: Tree,
  check: PostApplyCheck,
  seen: (failures: PostApplyFailure[]) => void,
): Promise<StepValue<void>> {
  const failures = [...(await check(tree))];
  seen(failures);
  const enforced = failures.filter((f) => f.mode === 'enforce');
  const warned = failures.filter((f) => f.mode !== 'enforce');
  if (enforced.length > 0)
    return stopped('POST_APPLY_FAILED', enforced.map(describePostApplyFailure).join('; '));
  const warnings = warned.map((f) => `; warn ${describePostApplyFailure(f)}`).join('');
  return passed(undefined, `the target passes the post-apply check${warnings}`);
}

/** The `rolled-back` a failed post-apply check leaves: parent the `applied`, the failure said. */
export function rolledBackBody(
  applied: Entry<'attest'>,
  reversed: ApplyResult,
  failures: readonly PostApplyFailure[],
): AttestBody {
  const failed = failures.filter((f) => f.mode === 'enforce').map(describePostApplyFailure);
  const body = applied.body;
  return {
    ...{ patch: body.patch, reason: 'rolled-back', parent: applied.id },
    ...(body.target === undefined ? {} : { target: body.target }),
    ...{ treeBefore: reversed.treeBefore, treeAfter: reversed.treeAfter },
    code: 'POST_APPLY_FAILED',
    note: `post-apply check failed: ${failed.join('; ')}`.slice(0, MAX_NOTE),
  };
}
