/**
 * What `check`, `apply --ledger` and `rollback` share: the policy (a file or the ledger's),
 * `--via`, the device's key and acting role, and the device state file.
 */
import {
  effectivePolicyAsync,
  isEntryId,
  reject,
  type CompiledPolicy,
  type Ledger,
} from '../core/index.ts';
import { readDeviceStateFile } from './device-state.ts';
import { UsageError } from './errors.ts';
import { readPolicyFile } from './commands/policy.ts';
import type { Values } from './commands/ledger-common.ts';
import { trustedSet } from './commands/trust.ts';

export async function loadPolicy(values: Values, ledger: Ledger): Promise<CompiledPolicy> {
  const fromLedger = values['policy-from-ledger'] === true;
  if (typeof values.policy === 'string' && fromLedger)
    throw new UsageError('give --policy FILE or --policy-from-ledger, not both');
  if (typeof values.policy === 'string') return readPolicyFile(values.policy);
  if (!fromLedger) throw new UsageError('--policy FILE or --policy-from-ledger is required');
  const effective = await effectivePolicyAsync(ledger);
  if (effective.compiled === undefined)
    reject('POLICY_DENIED', 'no policy is in force on this ledger: default deny');
  return effective.compiled;
}

/** Options every agent word takes. */
export const agentOptions = {
  ledger: { type: 'string' },
  policy: { type: 'string' },
  'policy-from-ledger': { type: 'boolean' },
  key: { type: 'string' },
  role: { type: 'string' },
  state: { type: 'string' },
  via: { type: 'string' },
  json: { type: 'boolean' },
} as const;

/** `--via ENTRY`: the attestation this device received the bundle through. */
export function viaOption(values: Values): { via?: string } {
  if (values.via === undefined) return {};
  if (typeof values.via !== 'string' || !isEntryId(values.via))
    throw new UsageError('--via takes a ledger entry id (sha256:HEX)');
  return { via: values.via };
}

/** `--role ROLE`: which of the roles the device's key holds it acts in (needs the key). */
export function roleOption(values: Values): { role?: string } {
  if (values.role === undefined) return {};
  if (typeof values.key !== 'string')
    throw new UsageError('--role needs --key: the acting role comes from the device key');
  if (typeof values.role !== 'string' || !/^[a-z][a-z0-9-]{0,63}$/.test(values.role))
    throw new UsageError('--role takes a role name (a-z, 0-9, -)');
  return { role: values.role };
}

/** `--key DEVICE.pem|DID` for `check`: who the device is (a public key is enough). */
export async function deviceDid(values: Values): Promise<{ deviceDid?: string }> {
  if (typeof values.key !== 'string') return {};
  const [did] = (await trustedSet([values.key])) ?? [];
  return did === undefined ? {} : { deviceDid: did };
}

/** `--state FILE`: the device's installed components, for `component-version` rules. */
export async function stateOption(
  values: Values,
): Promise<{ components?: Readonly<Record<string, string>> }> {
  if (typeof values.state !== 'string') return {};
  return { components: await readDeviceStateFile(values.state) };
}
