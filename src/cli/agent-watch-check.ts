/**
 * The `--post-check` of one bundle, as the agent's core runs it after the apply (a
 * PostApplyCheck): the program in the target with the bundle it checks in its environment,
 * its output kept as evidence for the log line.
 *
 * Surviving a restart: every start of the check is counted in the agent's state (`pending`)
 * before the program runs. An agent killed while its check ran finds, on restart, the target
 * all-new with no `applied` on the ledger; the core finishes the apply and the check runs
 * again, so the decision rests on a check that finished and is recorded once (rolling back
 * blindly would record a failure nobody saw). A check that was started MAX_CHECK_STARTS times
 * and never finished (one that takes the agent down with it) is not run again: it fails, and
 * the apply is rolled back and recorded as any failed check is.
 */
import {
  fromBase64,
  readBundle,
  sha256Hex,
  type PostApplyCheck,
  type PostApplyFailure,
} from '../core/index.ts';
import { runPostCheck, type PostCheckCommand, type PostCheckRun } from './agent-post-check.ts';

export const MAX_CHECK_STARTS = 3;
/** The rule name the post-check's failures carry (in the log line and the ledger's note). */
export const POST_CHECK_RULE = 'post-check';

export interface CheckedBundle {
  name: string;
  /** SHA-256 of the file's bytes (hex). */
  digest: string;
  bytes: Uint8Array;
}

export interface BundleCheckOptions {
  command: PostCheckCommand;
  /** The target directory, absolute: where the check runs. */
  dir: string;
  targetName?: string;
  /** Counts one more start of the check (saved before it runs); returns the count. */
  started: () => number;
  /** Gets the run when the check ran. */
  seen: (run: PostCheckRun) => void;
}

/** The patch the bundle carries: its payload's digest (the bundle is verified by now). */
async function patchOf(bytes: Uint8Array): Promise<string> {
  try {
    const payload = fromBase64(readBundle(bytes).envelope.payload, 'payload');
    return `sha256:${await sha256Hex(payload)}`;
  } catch {
    return '';
  }
}

/** What the check finds in its environment besides the agent's own. */
async function checkEnv(bundle: CheckedBundle, options: BundleCheckOptions) {
  return {
    PATCHTRAIL_BUNDLE: bundle.name,
    PATCHTRAIL_BUNDLE_SHA256: bundle.digest,
    PATCHTRAIL_PATCH: await patchOf(bundle.bytes),
    PATCHTRAIL_TARGET: options.dir,
    ...(options.targetName === undefined ? {} : { PATCHTRAIL_TARGET_NAME: options.targetName }),
  };
}

export function bundleCheck(bundle: CheckedBundle, options: BundleCheckOptions): PostApplyCheck {
  const { command } = options;
  const failed = (problem: string): PostApplyFailure[] => [
    { rule: POST_CHECK_RULE, mode: 'enforce', path: command.program, problem },
  ];
  return async () => {
    const starts = options.started();
    if (starts > MAX_CHECK_STARTS)
      return failed(
        `was started ${MAX_CHECK_STARTS} times for this bundle and never finished (the agent stopped while it ran): not run again`,
      );
    const run = await runPostCheck(command, options.dir, await checkEnv(bundle, options));
    options.seen(run);
    return run.problem === undefined ? [] : failed(run.problem);
  };
}
