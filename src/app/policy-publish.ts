/**
 * Publishing a policy from the app, as `patchtrail policy publish` does from a file: the
 * document is checked and compiled (CEL included), the device key must be an admin in
 * standing at its next entry, a version at or below the one in force is refused before
 * anything is signed (it could never take effect), a key that already published this very
 * policy appends nothing, and otherwise a `policy` entry is signed, admitted and stored. The
 * answer says where the policy stands against the admin threshold afterwards.
 */
import { utcTimestamp } from '../core/bundle/time.ts';
import type { Signer } from '../core/crypto/signer.ts';
import type { Json } from '../core/encoding/canonical-json.ts';
import { isPatchtrailError, reject, type ErrorCode } from '../core/errors.ts';
import { effectivePolicyAsync, type EffectivePolicy } from '../core/policy/effective.ts';
import { compilePolicyAsync } from '../core/policy/evaluate.ts';
import { checkPublishable } from '../core/policy/publishable.ts';
import type { OpenTeam } from './ledger-session.ts';
import type { Passkey } from './patch-actions.ts';
import { personOf, publishRight, type Person, type VersionState } from './policy-standing.ts';

export type PublishOutcome =
  | {
      ok: true;
      /** False when this key had published this policy already: nothing was appended. */
      appended: boolean;
      entry: string | undefined;
      version: number;
      state: VersionState;
      signers: Person[];
      threshold: number;
    }
  | { ok: false; code: ErrorCode | 'FAILED'; message: string };

function standingOf(effective: EffectivePolicy, version: number, hash: string) {
  const same = (c: { version: number; hash: string }) => c.version === version && c.hash === hash;
  if (effective.current !== undefined && same(effective.current))
    return { state: 'in force' as const, candidate: effective.current };
  const pending = effective.pending.find(same);
  if (pending !== undefined) return { state: 'pending' as const, candidate: pending };
  return { state: 'superseded' as const, candidate: effective.superseded.find(same) };
}

/** Why a publish under a policy that names `policy` in its `admin-passkey` rule cannot go. */
export const PASSKEY_NEEDED =
  'the policy in force counts a new policy only from admins who sign it with their passkey: bind a passkey to this device’s identity (Settings), then publish again';

async function publish(
  team: OpenTeam,
  signer: Signer,
  document: unknown,
  now: Date,
  passkey: Passkey | undefined,
) {
  const policy = await compilePolicyAsync(document);
  const { ledger } = team;
  const right = publishRight(ledger, signer.did);
  if (!right.allowed) reject('INVALID_METADATA', right.reason);
  const before = await effectivePolicyAsync(ledger);
  const { version } = policy.policy;
  checkPublishable(before.current, version, policy.hash);
  const needsPasskey = before.compiled?.passkeyFor.has('policy') === true;
  if (needsPasskey && passkey === undefined) reject('POLICY_DENIED', PASSKEY_NEEDED);
  let after = before;
  let entry: string | undefined;
  if (standingOf(before, version, policy.hash).candidate?.signers.includes(signer.did) !== true) {
    const body = { version, policy: policy.policy as unknown as { [key: string]: Json } };
    const options = needsPasskey && passkey !== undefined ? { passkey } : {};
    entry = (await ledger.append(signer, 'policy', body, utcTimestamp(now), options)).id;
    await team.settle();
    after = await effectivePolicyAsync(ledger);
  }
  const { state, candidate } = standingOf(after, version, policy.hash);
  return {
    ok: true as const,
    appended: entry !== undefined,
    entry,
    version,
    state,
    signers: (candidate?.signers ?? []).map((did) => personOf(ledger, did)),
    threshold: after.threshold,
  };
}

/**
 * Signs `document` into the team ledger with `signer`; refused input is an outcome. `passkey`
 * is asked for an assertion only when the policy in force requires one for `policy`.
 */
export async function publishPolicy(
  team: OpenTeam,
  signer: Signer,
  document: unknown,
  now: Date,
  passkey?: Passkey,
): Promise<PublishOutcome> {
  try {
    return await publish(team, signer, document, now, passkey);
  } catch (error) {
    if (isPatchtrailError(error)) return { ok: false, code: error.code, message: error.message };
    const message = error instanceof Error ? error.message : String(error);
    return { ok: false, code: 'FAILED', message };
  }
}

/**
 * "Version 4 published by 1 admin (2 needed)": the count of its publishers beside the team's
 * threshold (not the number of admins, which the panel states apart).
 */
export function progressText(signers: number, threshold: number, version: number): string {
  return `Version ${version} published by ${signers} admin${signers === 1 ? '' : 's'} (${threshold} needed)`;
}

/** "A version takes effect when 2 of the 3 admins have published it." */
export function takesEffect(threshold: number, admins: number): string {
  if (admins === 1) return 'A version takes effect when the team’s one admin has published it.';
  const verb = threshold === 1 ? 'has' : 'have';
  return `A version takes effect when ${threshold} of the ${admins} admins ${verb} published it.`;
}
