/**
 * The steps of a check, each a function of its inputs that returns a value or a coded stop:
 *
 *   verify-signature → extract-metadata → verify-identities → verify-attesters
 *   → validate-metadata → policy
 *
 * Bundles are attacker-controlled; the ledger is verified (its entries admitted and their
 * standing computed by the registry), the policy comes from the ledger or the device.
 */
import { inlineName } from '../encoding/display.ts';
import { checkPatchMetadata } from '../bundle/metadata.ts';
import type { BundleReport, PatchPredicate } from '../bundle/types.ts';
import {
  describeUnappliable,
  UNAPPLIABLE_LEAD,
  type UnappliableChange,
} from '../diff/unappliable.ts';
import { readBundle, verifyParsedBundle } from '../bundle/verify.ts';
import type { PublishBody } from '../ledger/kinds.ts';
import type { Ledger } from '../ledger/ledger.ts';
import type { Provenance } from '../ledger/queries.ts';
import type { Identity } from '../ledger/registry.ts';
import { attesterStanding, holdsRole } from '../policy/chain.ts';
import { passed, stopped, type StepValue } from './run.ts';
import type { AttesterReport, Decide, DecisionOutcome, DecisionRequest } from './types.ts';

export async function verifySignature(bytes: Uint8Array): Promise<StepValue<BundleReport>> {
  const verified = await verifyParsedBundle(readBundle(bytes));
  if (!verified.ok) return stopped(verified.problem.code, verified.problem.message);
  const n = verified.report.attestations.length;
  return passed(verified.report, `author signature and ${n} attestation(s) checked`);
}

/** Names someone else chose, each cut to a length a sentence can hold. */
const cut = (changes: readonly UnappliableChange[]) =>
  changes.map((c) => ({ ...c, path: inlineName(c.path) }));

/**
 * What the bundle says it changes. A diff with a change no apply carries out (a binary patch,
 * a symbolic link, a submodule: the diff's planner refuses each) stops here, so no check calls
 * the bundle applicable.
 */
export function extractMetadata(report: BundleReport): StepValue<PatchPredicate> {
  const p = report.predicate;
  if (report.unappliable.length > 0)
    return stopped(
      'MALFORMED_INPUT',
      `${UNAPPLIABLE_LEAD}${describeUnappliable(cut(report.unappliable))}`,
    );
  const components = p.affected_components.join(', ') || '-';
  return passed(p, `${p.files.length} path(s), components ${components}`);
}

/** A system in a step's detail: its registered name (cut: it may be 4,096 characters), else its did. */
const nameOf = (identity: Identity) =>
  identity.name === '' ? identity.did : inlineName(identity.name);

/**
 * Did the creator's key record this patch on the ledger itself, in standing? After a rotation
 * the old key's entries past the rotation are out of standing, so one in standing proves the
 * key vouched for the patch before it rotated away.
 */
function recordedByKey(ledger: Ledger, did: string, patch: string): boolean {
  const registry = ledger.registry();
  return ledger
    .aboutPatch(patch)
    .some(
      (e) =>
        e.author === did &&
        (e.kind === 'publish' || e.kind === 'attest') &&
        registry.standing(e) === undefined,
    );
}

/**
 * The author must be registered and in standing. Revocation cuts every bundle the key signs;
 * rotation only cuts bundles the old key did not record on the ledger before it rotated.
 */
function authorStanding(ledger: Ledger, report: BundleReport, patch: string): StepValue<Identity> {
  const did = report.predicate.creator_identity;
  const author = ledger.registry().identities.get(did);
  if (author === undefined || author.registered === '')
    return stopped('UNKNOWN_AUTHOR', `${did} is not registered`);
  if (author.revokedFrom !== undefined)
    return stopped('REVOKED_KEY', `${did} was revoked from sequence ${author.revokedFrom}`);
  if (author.rotatedTo !== undefined && !recordedByKey(ledger, did, patch))
    return stopped(
      'REVOKED_KEY',
      `${did} was replaced by ${author.rotatedTo}, and did not record this patch on the ledger before that`,
    );
  const rotated = author.rotatedTo === undefined ? '' : ' (recorded before its key rotated)';
  return passed(author, `author ${nameOf(author)} is registered and in standing${rotated}`);
}

/**
 * The acting role comes from the device key's registration: the role it holds (with stake),
 * or, when it holds several, the one `wanted` names. A role the key does not hold is refused.
 */
function actingRole(
  ledger: Ledger,
  device: string | undefined,
  wanted: string | undefined,
): StepValue<string | undefined> {
  if (device === undefined) {
    if (wanted !== undefined) throw new RangeError('actingRole: a role needs the device key');
    return passed(undefined, '');
  }
  const identity = ledger.registry().identities.get(device);
  if (identity === undefined || identity.registered === '')
    return stopped('UNKNOWN_AUTHOR', `this device's key ${device} is not registered`);
  const held = Object.keys(identity.roles)
    .filter((role) => holdsRole(identity, [role]) !== undefined)
    .sort();
  const holds = held.length === 0 ? 'no role' : `role(s) ${held.join(', ')}`;
  if (wanted !== undefined && !held.includes(wanted))
    return stopped(
      'POLICY_DENIED',
      `this device's key does not hold role ${wanted}; it holds ${holds}`,
      true,
    );
  const role = wanted ?? (held.length === 1 ? held[0] : undefined);
  const acting = role === undefined ? `holds ${holds}, none chosen` : `acts as ${role}`;
  return passed(role, `device ${nameOf(identity)} ${acting}`);
}

/** The author's standing, and the device's acting role when the device is known. */
export function verifyIdentities(
  ledger: Ledger,
  report: BundleReport,
  patch: string,
  device: string | undefined,
  wanted: string | undefined,
): StepValue<{ author: Identity; role: string | undefined }> {
  const author = authorStanding(ledger, report, patch);
  if (!author.ok) return author;
  const role = actingRole(ledger, device, wanted);
  if (!role.ok) return role;
  const message = [author.message, role.message].filter((m) => m !== '').join('; ');
  return passed({ author: author.value, role: role.value }, message);
}

/** Every appended attestation, as the registry sees its signer (the author's own is not one). */
export function attestersOf(ledger: Ledger, report: BundleReport): StepValue<AttesterReport[]> {
  const { identities } = ledger.registry();
  const attesters: AttesterReport[] = [];
  for (const a of report.attestations) {
    if (a.status !== 'valid' || a.repeat === true || a.did === report.author.did) continue;
    const standing = attesterStanding(identities, a.did);
    const identity = identities.get(a.did);
    const roles =
      identity === undefined
        ? []
        : Object.keys(identity.roles).filter((r) => holdsRole(identity, [r]) !== undefined);
    const name = identity?.name ?? '';
    attesters.push({
      ...{ did: a.did, name, verdict: a.verdict ?? 'pass', claimedRole: a.role, standing },
      roles: roles.sort(),
    });
  }
  const counted = attesters.filter((a) => a.standing === 'registered').length;
  const ignored = attesters
    .filter((a) => a.standing !== 'registered')
    .map((a) => `${a.did} (${a.standing})`);
  const message =
    `${counted} of ${attesters.length} attester(s) registered and in standing` +
    (ignored.length === 0 ? '' : `; not counted: ${ignored.join(', ')}`);
  return passed(attesters, message);
}

/** Clock checks shared with plain apply, and agreement with the ledger's publish entries. */
export function validateMetadata(
  ledger: Ledger,
  report: BundleReport,
  patch: string,
  now: Date,
): StepValue<void> {
  checkPatchMetadata(report.predicate, now);
  for (const entry of ledger.aboutPatch(patch)) {
    if (entry.kind !== 'publish' || ledger.verified(entry.id) === undefined) continue;
    const body = entry.body as PublishBody;
    if (
      body.diff !== `sha256:${report.diffDigest}` ||
      body.creator !== report.predicate.creator_identity
    )
      return stopped(
        'INVALID_METADATA',
        `the ledger's publish entry ${entry.id} disagrees with the bundle`,
      );
  }
  return passed(undefined, 'metadata agrees with the ledger');
}

/** `via` must be a hop of this patch in standing that carried it on its way. */
function checkVia(chain: Provenance, via: string | undefined): StepValue<never> | undefined {
  if (via === undefined) return undefined;
  const hop = chain.hops.find((h) => h.id === via);
  if (hop === undefined)
    return stopped(
      'INVALID_METADATA',
      `via ${via} is not an attestation of this patch on the ledger`,
    );
  if (hop.outOfStanding !== undefined)
    return stopped('INVALID_METADATA', `via ${via} does not count: ${hop.outOfStanding}`);
  return undefined;
}

/** Asks the policy; `seen` gets its answer, allow or deny, for the result and the record. */
export async function decidePolicy(
  request: DecisionRequest,
  decide: Decide,
  seen: (outcome: DecisionOutcome) => void,
): Promise<StepValue<DecisionOutcome>> {
  const bad = checkVia(request.provenance, request.via);
  if (bad !== undefined) return bad;
  const outcome = await decide(request);
  seen(outcome);
  if (outcome.decision !== 'allow')
    return stopped('POLICY_DENIED', outcome.reasons.join('; ') || 'denied', true);
  return passed(outcome, `allowed (decision ${outcome.hash})`);
}
