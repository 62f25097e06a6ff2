/**
 * `patchtrail check`: would the policy allow this patch on this device? Every step of the agent
 * short of applying it. The policy comes from a file or from the ledger (the one its admins put
 * in force); `--key` names the device, whose registration gives the acting role.
 */
import { checkPatch, MAX_BUNDLE_BYTES, policyDecider } from '../../core/index.ts';
import {
  agentOptions,
  deviceDid,
  loadPolicy,
  roleOption,
  stateOption,
  viaOption,
} from '../agent-common.ts';
import { report } from '../agent-output.ts';
import type { Command } from '../context.ts';
import { readInput } from '../io.ts';
import { ledgerPath, openLedger } from './ledger-common.ts';

export const check: Command = {
  name: 'check',
  summary: 'would the policy allow this patch? every step of the agent short of applying it',
  usage:
    'patchtrail check BUNDLE --ledger FILE (--policy FILE | --policy-from-ledger) [--key DEVICE.pem|DID [--role ROLE]] [--state FILE] [--via ENTRY] [--json]',
  options: agentOptions,
  positionals: 1,
  async run(values, [bundle = ''], context) {
    const { ledger } = await openLedger(ledgerPath(values), context);
    const policy = await loadPolicy(values, ledger);
    const now = context.now();
    const role = roleOption(values);
    const state = await stateOption(values);
    const result = await checkPatch(await readInput(bundle, MAX_BUNDLE_BYTES, 'bundle'), {
      ledger,
      now,
      ...viaOption(values),
      ...(await deviceDid(values)),
      ...role,
      decide: policyDecider(policy, { now, ...state }),
    });
    return report(result, values, context);
  },
};
