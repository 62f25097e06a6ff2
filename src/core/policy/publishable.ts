/**
 * The one rule both `patchtrail policy publish` and the app's Policy screen apply before an
 * admin signs a policy: a version at or below the one in force can never take effect (the
 * highest version in effect wins, effective.ts), so it is refused, except that very policy
 * again (same version, same hash), which adds the admin's signature towards the threshold.
 * Pure: the caller passes what is in force.
 */
import { reject } from '../errors.ts';

/** Why a policy (`version`, `hash`) can never take effect; undefined when it may be published. */
export function publishRefusal(
  inForce: { version: number; hash: string } | undefined,
  version: number,
  hash: string,
): string | undefined {
  if (inForce === undefined || version > inForce.version) return undefined;
  if (version === inForce.version && hash === inForce.hash) return undefined;
  return `version ${version} can never take effect: version ${inForce.version} is in force; use ${inForce.version + 1} or higher`;
}

/** Throws INVALID_METADATA with `publishRefusal`'s reason when there is one. */
export function checkPublishable(
  inForce: { version: number; hash: string } | undefined,
  version: number,
  hash: string,
): void {
  const refusal = publishRefusal(inForce, version, hash);
  if (refusal !== undefined) reject('INVALID_METADATA', refusal);
}
