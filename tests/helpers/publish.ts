/** The `publish` entry body for a verified bundle, as `patchtrail ledger attest` writes it. */
import type { BundleReport } from '../../src/core/bundle/types.ts';

export function publishBody(report: BundleReport) {
  const { predicate } = report;
  return {
    patch: `sha256:${report.payloadDigest}`,
    diff: `sha256:${report.diffDigest}`,
    creator: predicate.creator_identity,
    reason: predicate.reason_for_patch,
    components: [...predicate.affected_components],
    created: predicate.creation_timestamp,
  };
}
