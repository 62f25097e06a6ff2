/**
 * The metadata checks that need the verifier's clock, shared by every path that applies a
 * patch (plain `apply` and the agent), so that both refuse the same bundles. The clock is the
 * caller's; core never reads one. The signed predicate is attacker-controlled.
 */
import { reject } from '../errors.ts';
import { utcTimestamp } from './time.ts';
import type { PatchPredicate } from './types.ts';

/** How far ahead of the verifier's clock a creation time may be (clock skew allowance). */
export const FUTURE_SKEW_MS = 5 * 60 * 1000;

/** Refuses (INVALID_METADATA) a patch created in the future of `now`, beyond the skew. */
export function checkPatchMetadata(predicate: PatchPredicate, now: Date): void {
  const created = Date.parse(predicate.creation_timestamp);
  if (Number.isNaN(created) || created - now.getTime() > FUTURE_SKEW_MS)
    reject(
      'INVALID_METADATA',
      `creation_timestamp ${predicate.creation_timestamp} is in the future (now ${utcTimestamp(now)})`,
    );
}
