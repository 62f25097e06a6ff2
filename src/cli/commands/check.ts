/**
 * `patchtrail check`, and `apply` with a ledger and a policy: the agent pipeline from the CLI.
 * The policy comes from a file or from the ledger (the one its admins put in force); the CEL
 * engine is loaded only when that policy has a `cel` rule.
 */
import {
  applyPatch,
  isEntryId,
  effectivePolicyAsync,
  MAX_BUNDLE_BYTES,
  policyDecider,
  reject,
  type AgentResult,
  type CompiledPolicy,
  type Ledger,
  type Tree,
} from '../../core/index.ts';
import type { CliContext, Command } from '../context.ts';
import { UsageError } from '../errors.ts';
import { readInput } from '../io.ts';
import { appendEntries } from '../ledger-file.ts';
import { signerFrom } from './create.ts';
import { readPolicyFile } from './policy.ts';
import { ledgerPath, openLedger, type Values } from './ledger-common.ts';

export async function loadPolicy(values: Values, ledger: Ledger): Promise<CompiledPolicy> {
  const fromLedger = values['policy-from-ledger'] === true;
  if (typeof values.policy === 'string' && fromLedger)
    throw new UsageError('give --policy FILE or --policy-from-ledger, not both');
  if (typeof values.policy === 'string') {
    return readPolicyFile(values.policy);
  }
  if (!fromLedger) throw new UsageError('--policy FILE or --policy-from-ledger is required');
  const effective = await effectivePolicyAsync(ledger);
  if (effective.compiled === undefined)
    reject('POLICY_DENIED', 'no policy is in force on this ledger: default deny');
  return effective.compiled;
}

function describe(result: AgentResult): string {
  const lines = result.steps.map(
    (s) =>
      `${s.ok ? 'ok  ' : 'FAIL'} ${s.step.padEnd(17)} ${s.code === undefined ? '' : `${s.code}: `}${s.message}`,
  );
  lines.push(`=> ${result.status}`);
  return `${lines.join('\n')}\n`;
}

/** Prints the run and turns a refusal into exit 1 with its code on stderr. */
export function report(result: AgentResult, values: Values, context: CliContext): number {
  const failed = result.steps.find((s) => !s.ok);
  if (values.json === true) {
    context.stdout(`${JSON.stringify({ ok: failed === undefined, ...result })}\n`);
  } else {
    context.stdout(describe(result));
    if (failed !== undefined)
      context.stderr(`${failed.code ?? 'MALFORMED_INPUT'}: ${failed.message}\n`);
  }
  return failed === undefined ? 0 : 1;
}

export const policyOptions = {
  ledger: { type: 'string' },
  policy: { type: 'string' },
  'policy-from-ledger': { type: 'boolean' },
  role: { type: 'string' },
  via: { type: 'string' },
  json: { type: 'boolean' },
} as const;

/** `--via ENTRY`: the attestation this device received the bundle through. */
function viaOption(values: Values): { via?: string } {
  if (values.via === undefined) return {};
  if (typeof values.via !== 'string' || !isEntryId(values.via))
    throw new UsageError('--via takes a ledger entry id (sha256:HEX)');
  return { via: values.via };
}

export const check: Command = {
  name: 'check',
  summary: 'would the policy allow this patch? every step of the agent short of applying it',
  usage:
    'patchtrail check BUNDLE --ledger FILE (--policy FILE | --policy-from-ledger) [--via ENTRY] [--role ROLE] [--json]',
  options: policyOptions,
  positionals: 1,
  async run(values, [bundle = ''], context) {
    const { ledger } = await openLedger(ledgerPath(values), context);
    const policy = await loadPolicy(values, ledger);
    const now = context.now();
    const role = typeof values.role === 'string' ? values.role : undefined;
    const result = await applyPatch(await readInput(bundle, MAX_BUNDLE_BYTES, 'bundle'), {
      ledger,
      now,
      checkOnly: true,
      ...viaOption(values),
      decide: policyDecider(policy, { now, ...(role === undefined ? {} : { actingRole: role }) }),
    });
    return report(result, values, context);
  },
};

/** `apply --ledger`: the whole pipeline on a directory, recording `applied` in the ledger file. */
export async function applyWithLedger(
  values: Values,
  bundle: string,
  tree: Tree,
  context: CliContext,
): Promise<number> {
  const path = ledgerPath(values);
  const { ledger } = await openLedger(path, context);
  const policy = await loadPolicy(values, ledger);
  const device = await signerFrom(values.key);
  const now = context.now();
  const role = typeof values.role === 'string' ? values.role : undefined;
  const before = ledger.size;
  const result = await applyPatch(await readInput(bundle, MAX_BUNDLE_BYTES, 'bundle'), {
    ledger,
    device,
    tree,
    now,
    dryRun: values['dry-run'] === true,
    ...viaOption(values),
    ...(typeof values.target === 'string' ? { target: values.target } : {}),
    decide: policyDecider(policy, {
      now,
      tree,
      ...(role === undefined ? {} : { actingRole: role }),
    }),
  });
  await appendEntries(path, [...ledger.all()].slice(before));
  return report(result, values, context);
}
