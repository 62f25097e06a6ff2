/** `apply`: verify a bundle against trusted authors, then apply its diff to a directory. */
import {
  applyDiff,
  MAX_BUNDLE_BYTES,
  readBundle,
  reject,
  verifyParsedBundle,
  type ApplyResult,
} from '../../core/index.ts';
import { UsageError } from '../errors.ts';
import { readInput } from '../io.ts';
import { makeNodeTree } from '../node-tree.ts';
import type { CliContext, Command } from '../context.ts';
import { applyWithLedger } from './check.ts';
import { trustedSet } from './trust.ts';

/** Test-only failpoint: SIGKILL this process at the given commit step (crash-safety tests). */
function crashStep(): ((step: number) => void) | undefined {
  const at = Number(process.env.PATCHTRAIL_CRASH_AT_STEP ?? '');
  if (!Number.isInteger(at) || at <= 0) return undefined;
  return (step) => {
    if (step === at) process.kill(process.pid, 'SIGKILL');
  };
}

const PENDING = {
  'rolled-forward': 'would first finish it (roll it forward); the result above is as if it had',
  discarded: 'would first discard it (it never reached its commit point)',
};

function describe(result: ApplyResult, reverse: boolean): string {
  const verb = {
    applied: reverse ? 'reverted' : 'applied',
    'already-applied': 'already applied, nothing changed',
    'dry-run': 'dry run, nothing written',
  }[result.status];
  const lines = [
    `${verb}: ${result.files.length} file(s); tree ${result.treeBefore} -> ${result.treeAfter}`,
  ];
  for (const file of result.files)
    lines.push(
      `  ${file.kind.padEnd(6)} ${file.from === undefined ? '' : `${file.from} -> `}${file.path}`,
    );
  for (const h of result.hunks.filter((h) => h.offset !== 0 || h.fuzz !== 0)) {
    lines.push(
      `  hunk #${h.hunk} of ${h.path} at line ${h.line} (offset ${h.offset}${h.fuzz === 0 ? '' : `, fuzz ${h.fuzz}`})`,
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
    '       patchtrail apply BUNDLE --dir DIR --ledger FILE (--policy FILE | --policy-from-ledger) --key DEVICE.pem [--via ENTRY] [--target NAME] [--role ROLE] [--dry-run] [--json]',
  options: {
    dir: { type: 'string' },
    ledger: { type: 'string' },
    policy: { type: 'string' },
    'policy-from-ledger': { type: 'boolean' },
    key: { type: 'string' },
    target: { type: 'string' },
    role: { type: 'string' },
    via: { type: 'string' },
    trust: { type: 'string', multiple: true },
    'dry-run': { type: 'boolean' },
    reverse: { type: 'boolean' },
    fuzz: { type: 'string' },
    json: { type: 'boolean' },
  },
  positionals: 1,
  async run(values, [path = ''], context: CliContext) {
    const dir = values.dir;
    if (typeof dir !== 'string') throw new UsageError('--dir DIR is required');
    const fuzz = parseFuzz(values.fuzz);
    if (typeof values.ledger === 'string') {
      if (values.trust !== undefined || values.reverse === true || fuzz !== 0)
        throw new UsageError('with --ledger, apply takes no --trust, --reverse or --fuzz');
      return applyWithLedger(values, path, makeNodeTree(dir), context);
    }
    const ledgerOnly = ['policy', 'policy-from-ledger', 'key', 'target', 'role', 'via'];
    const stray = ledgerOnly.filter((name) => values[name] !== undefined);
    if (stray.length > 0)
      throw new UsageError(`${stray.map((n) => `--${n}`).join(', ')} need(s) --ledger FILE`);
    const trusted = (await trustedSet(values.trust)) ?? [];
    const bundle = readBundle(await readInput(path, MAX_BUNDLE_BYTES, 'bundle'));
    const verified = await verifyParsedBundle(bundle, { trusted });
    if (!verified.ok) {
      const hint = trusted.length === 0 ? ' (apply needs --trust naming the author)' : '';
      reject(verified.problem.code, `${verified.problem.message}${hint}`);
    }
    const { predicate } = verified.report;
    const onStep = crashStep();
    const tree = makeNodeTree(dir, onStep === undefined ? {} : { onStep });
    const reverse = values.reverse === true;
    const result = await applyDiff(tree, predicate.patch_diff, {
      strip: predicate.path_strip,
      reverse,
      dryRun: values['dry-run'] === true,
      fuzz,
    });
    if (values.json === true) {
      const bundleInfo = {
        payloadDigest: verified.report.payloadDigest,
        author: predicate.creator_identity,
      };
      context.stdout(
        `${JSON.stringify({ ok: true, reverse, bundle: bundleInfo, ...result }, null, 2)}\n`,
      );
    } else {
      context.stdout(describe(result, reverse));
    }
    return 0;
  },
};
