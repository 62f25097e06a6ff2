/**
 * `apply --ledger`: the whole agent on a directory. The device's key signs what it records:
 * `applied` with the tree hashes and the decision, or `rejected` with the code of the step that
 * stopped the attempt; both are appended to the ledger file.
 */
import { applyPatch, MAX_BUNDLE_BYTES, policyDecider, type Tree } from '../../core/index.ts';
import { loadPolicy, roleOption, stateOption, viaOption } from '../agent-common.ts';
import { report } from '../agent-output.ts';
import type { CliContext } from '../context.ts';
import { readInput } from '../io.ts';
import { appendEntries } from '../ledger-file.ts';
import { signerFrom } from './create.ts';
import { ledgerPath, openLedger, type Values } from './ledger-common.ts';

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
  const role = roleOption(values);
  const state = await stateOption(values);
  const before = ledger.size;
  const result = await applyPatch(await readInput(bundle, MAX_BUNDLE_BYTES, 'bundle'), {
    ledger,
    device,
    tree,
    now,
    dryRun: values['dry-run'] === true,
    ...viaOption(values),
    ...role,
    ...(typeof values.target === 'string' ? { target: values.target } : {}),
    decide: policyDecider(policy, { now, tree, ...state }),
  });
  await appendEntries(path, [...ledger.all()].slice(before));
  return report(result, values, context);
}
