/**
 * The work behind ./apply.ts, loaded on first use: verify → metadata → apply, each refusal a
 * coded outcome (never a throw for bad input), a full quota said in plain words.
 */
import { applyChange } from '../core/agent/apply-steps.ts';
import { checkPatchMetadata } from '../core/bundle/metadata.ts';
import { verifyBundle } from '../core/bundle/verify.ts';
import { isPatchtrailError } from '../core/errors.ts';
import { openWorkspace } from '../storage/workspaces.ts';
import { storageFailure } from './persistence.ts';

export type ApplyOutcome =
  | {
      ok: true;
      status: 'applied' | 'already-applied';
      treeBefore: string;
      treeAfter: string;
      files: string[];
    }
  | { ok: false; code: string; message: string };

export interface ApplyRequest {
  /** The bundle file's bytes (untrusted). */
  bytes: Uint8Array;
  /** The OPFS workspace to apply to (1–64 letters, digits, ".", "_" or "-"). */
  workspace: string;
  /** did:key identities whose bundles may be applied; the author must be one of them. */
  trusted: readonly string[];
  /** Shown while it runs, e.g. "fix-printf.json". */
  label: string;
}

export async function applyBundleToWorkspace(
  request: ApplyRequest,
  now: Date,
): Promise<ApplyOutcome> {
  if (request.trusted.length === 0)
    return {
      ok: false,
      code: 'UNKNOWN_AUTHOR',
      message: 'no trusted authors are set on this device: nothing may be applied',
    };
  const verified = await verifyBundle(request.bytes, { trusted: request.trusted });
  if (!verified.ok) return { ok: false, ...pick(verified.problem) };
  const { predicate } = verified.report;
  try {
    checkPatchMetadata(predicate, now);
    const { tree } = await openWorkspace(request.workspace);
    const step = await applyChange(tree, predicate, {});
    if (!step.ok) return { ok: false, code: step.code, message: step.message };
    const { status, treeBefore, treeAfter, files } = step.value;
    if (status === 'dry-run') throw new Error('applyBundleToWorkspace: a dry run was not asked');
    return { ok: true, status, treeBefore, treeAfter, files: files.map((file) => file.path) };
  } catch (error) {
    if (isPatchtrailError(error)) return { ok: false, ...pick(error) };
    return { ok: false, code: 'FAILED', message: storageFailure(error, 'the patched files') };
  }
}

const pick = ({ code, message }: { code: string; message: string }) => ({ code, message });
