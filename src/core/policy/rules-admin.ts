/**
 * The `admin-passkey` rule: admin actions of the kinds it names count only when their ledger
 * entry carries a passkey assertion that verifies (ledger/passkeys.ts; the caller computes the
 * verified set, `PolicyContext.passkeyBacked`, since checking is asynchronous). The counting
 * happens where each action is counted: `flag` in `not-flagged` below (a flag without one is
 * left out and named), `policy` in effective.ts (a policy entry for a higher version does not
 * count towards the threshold while this policy is in force). The rule itself never denies: it
 * says what did not count and why, so the decision's reasons can show it.
 */
import { label } from './chain.ts';
import { outcome, plural, type RuleCompiler, type Scope } from './rule-kit.ts';
import type { AdminAction, PolicyDocument, PolicyRule } from './types.ts';

/** The actions an enforced `admin-passkey` rule of `policy` requires a passkey for. */
export function passkeyActions(policy: Readonly<PolicyDocument>): ReadonlySet<AdminAction> {
  const actions = new Set<AdminAction>();
  if (policy.mode === 'warn') return actions;
  for (const rule of policy.rules as readonly PolicyRule[])
    if (rule.kind === 'admin-passkey' && rule.mode === 'enforce')
      for (const action of rule.actions) actions.add(action);
  return actions;
}

/** Compromise flags on the patch that carry no passkey assertion that verifies. */
const unbackedFlags = (scope: Scope) =>
  scope.ctx.provenance.flags.filter(
    (f) => f.compromised && scope.ctx.passkeyBacked?.has(f.id) !== true,
  );

/** The flags `not-flagged` leaves out: unbacked ones, when a passkey is required for `flag`. */
export const flagsWithoutPasskey = (scope: Scope): { id: string; author: string }[] =>
  scope.passkeyFor.has('flag') ? unbackedFlags(scope) : [];

export const adminPasskey: RuleCompiler<'admin-passkey'> = (rule, mode) => (scope) => {
  const { ctx } = scope;
  const flags = rule.actions.includes('flag') ? unbackedFlags(scope) : [];
  // In warn mode nothing is left out (passkeyFor is empty): it says what would not count.
  const counted = scope.passkeyFor.has('flag') ? 'did not count' : 'would not count';
  const needs = `${rule.actions.join(' and ')} need${rule.actions.length === 1 ? 's' : ''} an admin’s passkey`;
  const names = [...new Set(flags.map((f) => label(ctx.identities, f.author)))];
  const message =
    flags.length === 0
      ? `${needs}; no action on this patch lacks one`
      : `${needs}: ${plural(flags.length, 'flag')} by ${names.join(', ')} ${counted} (no verified passkey assertion)`;
  const evidence = flags.map((f) => f.id);
  return outcome(rule, mode, true, flags.length, [...rule.actions], evidence, [], message);
};
