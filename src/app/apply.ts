/**
 * Applying a bundle to a workspace in this browser (an OPFS directory, src/storage/workspaces.ts)
 * the way the CLI's plain `apply` does: verify it against trusted authors, check its metadata,
 * apply its diff all or nothing. It runs as busy work ('apply', ./busy.ts), so a new version of
 * the app never takes over while it writes. The work loads lazily (./apply-run.ts) with the
 * verifier and the applier, off the first screen's JavaScript.
 *
 * No screen reaches it yet: the patch workflow (issue 13) builds the Apply screen on it and
 * adds the agent's steps (ledger, policy, recording the attestation).
 */
import type { ApplyOutcome, ApplyRequest } from './apply-run.ts';
import type { BusyRegistry } from './busy.ts';

export type { ApplyOutcome, ApplyRequest };

export interface ApplyService {
  applyToWorkspace(request: ApplyRequest): Promise<ApplyOutcome>;
}

export function makeApplier(busy: BusyRegistry, now: () => Date = () => new Date()): ApplyService {
  return {
    applyToWorkspace(request) {
      const label = `applying ${request.label} to ${request.workspace}`;
      return busy.run('apply', label, async () => {
        const { applyBundleToWorkspace } = await import('./apply-run.ts');
        return applyBundleToWorkspace(request, now());
      });
    },
  };
}
