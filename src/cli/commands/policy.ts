/**
 * `patchtrail policy validate|publish|show`: policy documents before and after they reach the
 * ledger. `validate` checks a file (and, with a ledger, that its rules can be met there);
 * `publish` signs it into the ledger as an admin; `show` says which policy is in force and why.
 * A policy file is untrusted input: it is size-limited and read through `compilePolicyAsync` (the CEL engine loads only for a `cel` rule).
 */
import {
  checkPublishable,
  compilePolicyAsync,
  effectivePolicyAsync,
  parseJson,
  reject,
  utf8Decode,
  type CompiledPolicy,
  type EffectivePolicy,
  type Ledger,
  type PolicyCandidate,
} from '../../core/index.ts';
import type { Json } from '../../core/encoding/canonical-json.ts';
import type { CliContext, Command } from '../context.ts';
import { readInput } from '../io.ts';
import { shown } from '../terminal.ts';
import { signerFrom } from './create.ts';
import { ledgerOption, ledgerPath, openLedger, out, withLedger } from './ledger-common.ts';

/** Policy files are small; anything larger is refused before parsing. */
export const MAX_POLICY_BYTES = 1024 * 1024;

export async function readPolicyFile(path: string): Promise<CompiledPolicy> {
  const text = utf8Decode(await readInput(path, MAX_POLICY_BYTES, 'policy'), 'policy');
  return compilePolicyAsync(parseJson(text, 'policy'));
}

function summary(policy: CompiledPolicy) {
  const rules = policy.policy.rules;
  const warn =
    policy.mode === 'warn' ? rules.length : rules.filter((r) => r.mode === 'warn').length;
  return {
    name: policy.policy.name,
    version: policy.policy.version,
    mode: policy.mode,
    rules: rules.length,
    enforce: rules.length - warn,
    warn,
    hash: policy.hash,
  };
}

function describe(s: ReturnType<typeof summary>): string {
  const named = s.name === undefined ? 'policy' : `"${shown(s.name)}"`;
  return `${named} version ${s.version}, mode ${s.mode}, ${s.rules} rule(s) (${s.enforce} enforce, ${s.warn} warn)\npolicy ${s.hash}\n`;
}

/**
 * What a ledger makes impossible: a rule naming roles nobody in standing holds (with stake, as
 * rules count them: policy/chain.ts holdsRole), or systems the ledger does not know. The
 * policy stays valid (the ledger may grow); these are warnings.
 */
export function unmeetable(policy: CompiledPolicy, ledger: Ledger): string[] {
  const registry = ledger.registry();
  const held = new Set<string>();
  for (const identity of registry.identities.values())
    if (identity.revokedFrom === undefined)
      for (const [role, { stake }] of Object.entries(identity.roles)) if (stake > 0) held.add(role);
  const warnings: string[] = [];
  for (const rule of policy.policy.rules) {
    const refs = rule as { from?: Selector; allow?: Selector | string[]; by?: Selector };
    for (const selector of [
      refs.from,
      refs.by,
      Array.isArray(refs.allow) ? undefined : refs.allow,
    ]) {
      for (const role of selector?.roles ?? [])
        if (!held.has(role))
          warnings.push(`rule ${rule.id}: no identity in standing holds role ${role}`);
      for (const system of selector?.systems ?? [])
        if (!registry.identities.has(system))
          warnings.push(`rule ${rule.id}: ${system} is not registered on this ledger`);
    }
  }
  return warnings;
}

interface Selector {
  roles?: string[];
  systems?: string[];
}

export const validate: Command = {
  name: 'policy validate',
  summary: 'check a policy document against its schema (and, with --ledger, against the ledger)',
  usage: 'patchtrail policy validate FILE [--ledger FILE] [--json]',
  options: ledgerOption,
  positionals: 1,
  async run(values, [file = ''], context) {
    const policy = await readPolicyFile(file);
    const warnings =
      typeof values.ledger === 'string'
        ? unmeetable(policy, (await openLedger(values.ledger, context)).ledger)
        : [];
    const s = summary(policy);
    const text = `valid: ${describe(s)}${warnings.map((w) => `warning: ${w}\n`).join('')}`;
    out(context, values, { ok: true, ...s, warnings }, text);
    return 0;
  },
};

function standingOf(effective: EffectivePolicy, version: number, hash: string) {
  if (effective.current?.version === version && effective.current.hash === hash)
    return { state: 'in force', candidate: effective.current };
  const pending = effective.pending.find((p) => p.version === version && p.hash === hash);
  if (pending !== undefined) return { state: 'pending', candidate: pending };
  const superseded = effective.superseded.find((p) => p.version === version && p.hash === hash);
  return { state: 'superseded', candidate: superseded };
}

function progress(candidate: PolicyCandidate | undefined, threshold: number): string {
  const have = candidate?.signers.length ?? 0;
  return `${have} of ${threshold} admin(s)`;
}

export const publish: Command = {
  name: 'policy publish',
  summary: 'sign a policy into the ledger as an admin; it takes effect at the admin threshold',
  usage: 'patchtrail policy publish FILE --key ADMIN.pem --ledger FILE [--json]',
  options: { ...ledgerOption, key: { type: 'string' } },
  positionals: 1,
  async run(values, [file = ''], context) {
    const policy = await readPolicyFile(file);
    const signer = await signerFrom(values.key);
    const { version } = policy.policy;
    let appended: string | undefined;
    let after: EffectivePolicy | undefined;
    await withLedger(
      values,
      async (ledger, time) => {
        const seq = (ledger.head(signer.did)?.seq ?? -1) + 1;
        if (!ledger.registry().isAdmin(signer.did, seq))
          reject(
            'INVALID_METADATA',
            `${signer.did} is not an admin in standing: a policy takes an admin`,
          );
        const before = await effectivePolicyAsync(ledger);
        checkPublishable(before.current, version, policy.hash);
        after = before;
        const mine = standingOf(before, version, policy.hash).candidate;
        if (mine?.signers.includes(signer.did)) return [];
        const body = { version, policy: policy.policy as unknown as { [key: string]: Json } };
        const entry = await ledger.append(signer, 'policy', body, time);
        appended = entry.id;
        after = await effectivePolicyAsync(ledger);
        return [entry];
      },
      context,
    );
    if (after === undefined) throw new Error('policy publish: the ledger was not read');
    const { state, candidate } = standingOf(after, version, policy.hash);
    const need = Math.max(0, after.threshold - (candidate?.signers.length ?? 0));
    const result = {
      ok: true,
      ...summary(policy),
      entry: appended ?? null,
      state,
      signers: candidate?.signers ?? [],
      threshold: after.threshold,
    };
    const said =
      appended === undefined ? 'already published by this key; nothing appended' : appended;
    const tail =
      state === 'pending'
        ? `pending: ${progress(candidate, after.threshold)}; needs ${need} more admin(s) to publish it`
        : `${state}: ${progress(candidate, after.threshold)}`;
    out(context, values, result, `${said}\n${tail}\n`);
    return 0;
  },
};

function showText(effective: EffectivePolicy, policy: CompiledPolicy | undefined): string {
  const lines: string[] = [];
  const current = effective.current;
  if (current === undefined || policy === undefined)
    lines.push('no policy is in force: every patch is denied (default deny)');
  else {
    lines.push(`in force: ${describe(summary(policy)).trimEnd()}`);
    lines.push(`published by ${current.signers.join(', ')} (threshold ${effective.threshold})`);
  }
  for (const p of effective.pending)
    lines.push(`pending: version ${p.version} ${p.hash}, ${progress(p, effective.threshold)}`);
  for (const p of effective.superseded) lines.push(`superseded: version ${p.version} ${p.hash}`);
  for (const c of effective.conflicts)
    lines.push(
      `conflict at version ${c.version}: ${c.hashes.join(' vs ')}; chose ${c.chosen} (${c.rule})`,
    );
  for (const r of effective.rejected)
    lines.push(`not counted: ${r.id} ${r.code}: ${shown(r.message)}`);
  return `${lines.join('\n')}\n`;
}

export const show: Command = {
  name: 'policy show',
  summary: 'the policy in force on a ledger, who published it, and what is pending or refused',
  usage: 'patchtrail policy show --ledger FILE [--json]',
  options: ledgerOption,
  positionals: 0,
  async run(values, _p, context: CliContext) {
    const { ledger } = await openLedger(ledgerPath(values), context);
    const effective = await effectivePolicyAsync(ledger);
    const policy = effective.compiled;
    const { current, threshold, superseded, pending, conflicts, rejected } = effective;
    const json = {
      ok: true,
      ...{ current, threshold, superseded, pending, conflicts, rejected },
      policy: policy?.policy ?? null,
    };
    out(context, values, json, showText(effective, policy));
    return 0;
  },
};

export const POLICY_COMMANDS: readonly Command[] = [validate, publish, show];
