/**
 * `apply --ledger`: the whole agent on a directory. The device's key signs what it records:
 * `applied` with the tree hashes and the decision, `rolled-back` after it when the policy's
 * post-apply check fails, or `rejected` with the code of the step that stopped the attempt;
 * all are appended to the ledger file. `agent --watch` runs the same `applyOnLedger` per bundle.
 */
import {
  applyPatch,
  hasPostApplyChecks,
  MAX_BUNDLE_BYTES,
  policyDecider,
  runPostApplyChecks,
  type ApplyRunResult,
  type CompiledPolicy,
  type PostApplyCheck,
  type Signer,
  type Tree,
} from '../../core/index.ts';
import { loadPolicy, roleOption, stateOption, viaOption } from '../agent-common.ts';
import { report } from '../agent-output.ts';
import type { CliContext } from '../context.ts';
import { readInput } from '../io.ts';
import { appendEntries } from '../ledger-file.ts';
import { signerFrom } from './create.ts';
import { ledgerPath, openLedger, type Values } from './ledger-common.ts';

/** What stays the same across applies by one device: its key, role, state and options. */
export interface DeviceAgent {
  values: Values;
  path: string;
  device: Signer;
  role: { role?: string };
  state: { components?: Readonly<Record<string, string>> };
}

export async function deviceAgent(values: Values): Promise<DeviceAgent> {
  const path = ledgerPath(values);
  const device = await signerFrom(values.key);
  return { values, path, device, role: roleOption(values), state: await stateOption(values) };
}

/**
 * The post-apply check of one apply: the policy's `post-apply` rules, then `more` (the agent's
 * `--post-check`) when those pass; undefined when there is neither.
 */
function postApplyCheck(policy: CompiledPolicy, more?: PostApplyCheck): PostApplyCheck | undefined {
  const rules = hasPostApplyChecks(policy);
  if (!rules) return more;
  return async (tree: Tree) => {
    const failures = await runPostApplyChecks(tree, policy);
    if (more === undefined || failures.some((f) => f.mode === 'enforce')) return failures;
    return [...failures, ...(await more(tree))];
  };
}

/**
 * One apply through the agent: opens the ledger file afresh (others may have appended), takes
 * the policy (a file, or the one in force on the ledger), applies with the policy's post-apply
 * check, and appends what was recorded. `resumed`: this device was applying these very bytes
 * when it stopped (the agent's core finishes an apply that was not recorded). `more`: a check
 * run after the policy's (the agent's `--post-check`).
 */
export async function applyOnLedger(
  agent: DeviceAgent,
  bytes: Uint8Array,
  tree: Tree,
  context: CliContext,
  resumed = false,
  more?: PostApplyCheck,
): Promise<ApplyRunResult> {
  const { values, path, device } = agent;
  const { ledger } = await openLedger(path, context);
  const policy = await loadPolicy(values, ledger);
  const now = context.now();
  const before = ledger.size;
  const postApply = postApplyCheck(policy, more);
  const result = await applyPatch(bytes, {
    ledger,
    device,
    tree,
    now,
    dryRun: values['dry-run'] === true,
    ...viaOption(values),
    ...agent.role,
    ...(typeof values.target === 'string' ? { target: values.target } : {}),
    decide: policyDecider(policy, { now, tree, ...agent.state }),
    ...(resumed ? { resumed } : {}),
    ...(postApply === undefined ? {} : { postApply }),
  });
  await appendEntries(path, [...ledger.all()].slice(before));
  return result;
}

export async function applyWithLedger(
  values: Values,
  bundle: string,
  tree: Tree,
  context: CliContext,
): Promise<number> {
  const agent = await deviceAgent(values);
  const bytes = await readInput(bundle, MAX_BUNDLE_BYTES, 'bundle');
  return report(await applyOnLedger(agent, bytes, tree, context), values, context);
}
