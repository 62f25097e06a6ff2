/** `apply`: verify a bundle against trusted authors, then apply its diff to a directory. */
import { statSync } from 'node:fs';
import {
  applyDiff,
  checkPatchMetadata,
  describeFileCount,
  isPatchtrailError,
  MAX_BUNDLE_BYTES,
  patchDiffContent,
  PatchtrailError,
  readBundle,
  reject,
  verifyParsedBundle,
  type ApplyResult,
} from '../../core/index.ts';
import { UsageError } from '../errors.ts';
import { readInput } from '../io.ts';
import { makeNodeTree } from '../node-tree.ts';
import { treeStatCacheDir } from '../cache-dir.ts';
import type { CliContext, Command } from '../context.ts';
import { applyWithLedger } from './apply-ledger.ts';
import { shown } from '../terminal.ts';
import { withTargetLock } from '../target-lock.ts';
import { trustedSet } from './trust.ts';

/** Test-only failpoint: SIGKILL this process at the given commit step (crash-safety tests). */
export function crashStep(): ((step: number) => void) | undefined {
  const at = Number(process.env.PATCHTRAIL_CRASH_AT_STEP ?? '');
  if (!Number.isInteger(at) || at <= 0) return undefined;
  return (step) => {
    if (step === at) process.kill(process.pid, 'SIGKILL');
  };
}

const VERBS: Record<ApplyResult['status'], string> = {
  applied: 'applied',
  reversed: 'reversed',
  'already-applied': 'already applied, nothing changed',
  'already-reversed': 'not applied, nothing to reverse, nothing changed',
  'dry-run': 'dry run, nothing written',
};

const PENDING = {
  'rolled-forward': 'would first finish it (roll it forward); the result above is as if it had',
  discarded: 'would first discard it (it never reached its commit point)',
};

/** The human report. Paths come from the diff: every one goes through shown(). */
function describe(result: ApplyResult): string {
  const lines = [
    `${VERBS[result.status]}: ${describeFileCount(result.files)}; tree ${result.treeBefore} -> ${result.treeAfter}`,
  ];
  for (const file of result.files) {
    const from = file.from === undefined ? '' : `${shown(file.from)} -> `;
    lines.push(`  ${file.kind.padEnd(6)} ${from}${shown(file.path)}`);
  }
  for (const h of result.hunks.filter((h) => h.offset !== 0 || h.fuzz !== 0)) {
    lines.push(
      `  hunk #${h.hunk} of ${shown(h.path)} at line ${h.line} (offset ${h.offset}${h.fuzz === 0 ? '' : `, fuzz ${h.fuzz}`})`,
    );
  }
  if (result.recovered !== 'none')
    lines.push(`  (an interrupted earlier apply was ${result.recovered} first)`);
  if (result.pendingRecovery !== undefined)
    lines.push(
      `  (an interrupted earlier apply is pending: a real apply ${PENDING[result.pendingRecovery]}; this dry run changed nothing)`,
    );
  return `${lines.join('\n')}\n`;
}

/** --dir (or `option`) must name an existing directory (a usage error otherwise, before anything else). */
export function existingDir(dir: unknown, option = 'dir'): string {
  if (typeof dir !== 'string') throw new UsageError(`--${option} DIR is required`);
  let info;
  try {
    info = statSync(dir);
  } catch (cause) {
    const code = (cause as NodeJS.ErrnoException).code ?? String(cause);
    throw new UsageError(`--${option} ${shown(dir)}: cannot use it (${code})`);
  }
  if (!info.isDirectory()) throw new UsageError(`--${option} ${shown(dir)} is not a directory`);
  return dir;
}

/**
 * Runs `work` with a rejection's message made safe for a terminal: it carries paths from the
 * diff, names from the target and text from the bundle (--json keeps it: JSON escapes it).
 */
async function shownRejections<T>(json: boolean, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (json || !isPatchtrailError(error)) throw error;
    throw new PatchtrailError(error.code, shown(error.message), {
      cause: error,
      details: error.details.map(shown),
    });
  }
}

function parseFuzz(value: unknown): number {
  if (value === undefined) return 0;
  if (typeof value !== 'string' || !/^[0-3]$/.test(value))
    throw new UsageError('--fuzz takes 0, 1, 2 or 3');
  return Number(value);
}

export const apply: Command = {
  name: 'apply',
  summary: "verify a bundle's author against --trust, then apply its diff to DIR, all or nothing",
  usage:
    'patchtrail apply BUNDLE --dir DIR [--trust KEY.pem|DID]... [--dry-run] [--reverse] [--fuzz N] [--json]\n' +
    '       patchtrail apply BUNDLE --dir DIR --ledger FILE (--policy FILE | --policy-from-ledger) --key DEVICE.pem [--role ROLE] [--state FILE] [--via ENTRY] [--target NAME] [--dry-run] [--json]',
  options: {
    dir: { type: 'string' },
    ledger: { type: 'string' },
    policy: { type: 'string' },
    'policy-from-ledger': { type: 'boolean' },
    key: { type: 'string' },
    target: { type: 'string' },
    role: { type: 'string' },
    state: { type: 'string' },
    via: { type: 'string' },
    trust: { type: 'string', multiple: true },
    'dry-run': { type: 'boolean' },
    reverse: { type: 'boolean' },
    fuzz: { type: 'string' },
    json: { type: 'boolean' },
  },
  positionals: 1,
  async run(values, [path = ''], context: CliContext) {
    const dir = existingDir(values.dir);
    const fuzz = parseFuzz(values.fuzz);
    const statCache = treeStatCacheDir();
    /** A real apply holds the target's lock (a dry run writes nothing: it takes none). */
    const locked = <T>(work: () => Promise<T>): Promise<T> =>
      values['dry-run'] === true ? work() : withTargetLock(dir, 'apply', context.now(), work);
    if (typeof values.ledger === 'string') {
      if (values.trust !== undefined || values.reverse === true || fuzz !== 0)
        throw new UsageError('with --ledger, apply takes no --trust, --reverse or --fuzz');
      const tree = makeNodeTree(dir, { statCache });
      return locked(() => applyWithLedger(values, path, tree, context));
    }
    const ledgerOnly = ['policy', 'policy-from-ledger', 'key', 'target', 'role', 'state', 'via'];
    const stray = ledgerOnly.filter((name) => values[name] !== undefined);
    if (stray.length > 0)
      throw new UsageError(`${stray.map((n) => `--${n}`).join(', ')} need(s) --ledger FILE`);
    const json = values.json === true;
    const reverse = values.reverse === true;
    const trusted = (await trustedSet(values.trust)) ?? [];
    const { verified, result } = await shownRejections(json, () =>
      locked(async () => {
        const bundle = readBundle(await readInput(path, MAX_BUNDLE_BYTES, 'bundle'));
        const verified = await verifyParsedBundle(bundle, { trusted });
        if (!verified.ok) {
          const hint = trusted.length === 0 ? ' (apply needs --trust naming the author)' : '';
          return reject(verified.problem.code, `${verified.problem.message}${hint}`);
        }
        const { predicate } = verified.report;
        checkPatchMetadata(predicate, context.now());
        const onStep = crashStep();
        const tree = makeNodeTree(
          dir,
          onStep === undefined ? { statCache } : { onStep, statCache },
        );
        const result = await applyDiff(tree, patchDiffContent(predicate), {
          strip: predicate.path_strip,
          reverse,
          dryRun: values['dry-run'] === true,
          fuzz,
        });
        return { verified: verified.report, result };
      }),
    );
    if (json) {
      const bundleInfo = {
        payloadDigest: verified.payloadDigest,
        author: verified.predicate.creator_identity,
      };
      context.stdout(
        `${JSON.stringify({ ok: true, reverse, bundle: bundleInfo, ...result }, null, 2)}\n`,
      );
    } else {
      context.stdout(describe(result));
    }
    return 0;
  },
};
