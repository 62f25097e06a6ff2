/**
 * Rules about this device and this moment: who is acting, the target's state, how old the
 * device's view of the ledger is, and how loosely the diff may apply. These inputs come from
 * the device itself (its tree, its clock, its user), not from the ledger.
 */
import { FUTURE_SKEW_SECONDS } from '../bundle/time.ts';
import { MAX_FUZZ } from '../diff/limits.ts';
import { compileConstraint, parseVersion } from './match.ts';
import { denies, expectation, outcome, type RuleCompiler } from './rule-kit.ts';

export const actingRole: RuleCompiler<'acting-role'> = (rule, mode) => {
  const roles = new Set(rule.roles);
  const expected = expectation({ roles: rule.roles });
  return (scope) => {
    const role = scope.ctx.actingRole;
    const pass = role !== undefined && roles.has(role);
    const message =
      role === undefined
        ? `no acting user role; needs ${rule.roles.join(' or ')}`
        : `acting role ${role} ${pass ? 'is' : 'is not'} ${rule.roles.join(' or ')}`;
    return outcome(rule, mode, pass, role ?? null, expected, [], [], message);
  };
};

export const targetTree: RuleCompiler<'target-tree'> = (rule, mode) => {
  const hashes = new Set(rule.treeHashes);
  const expected = expectation({ treeHashes: rule.treeHashes });
  return (scope) => {
    const tree = scope.ctx.system.treeHash;
    const pass = hashes.has(tree);
    const message = `target tree ${tree} is ${pass ? '' : 'not '}one the policy expects`;
    return outcome(rule, mode, pass, tree, expected, [], [], message);
  };
};

export const componentVersion: RuleCompiler<'component-version'> = (rule, mode) => {
  const satisfies = compileConstraint(rule.constraint);
  const expected = expectation({ component: rule.component, constraint: rule.constraint });
  return (scope) => {
    const { components } = scope.ctx.system;
    const installed = Object.hasOwn(components, rule.component)
      ? components[rule.component]
      : undefined;
    const version = installed === undefined ? undefined : parseVersion(installed);
    const pass = version !== undefined && satisfies(version);
    const message =
      installed === undefined
        ? `${rule.component} is not installed; needs ${rule.constraint}`
        : version === undefined
          ? `${rule.component} reports "${installed.slice(0, 64)}", not a version`
          : `${rule.component} ${installed} ${pass ? 'satisfies' : 'does not satisfy'} ${rule.constraint}`;
    return outcome(rule, mode, pass, installed ?? null, expected, [], [], message);
  };
};

function duration(seconds: number): string {
  if (seconds < 120) return `${seconds}s`;
  if (seconds < 7200) return `${Math.floor(seconds / 60)}m`;
  if (seconds < 172_800) return `${Math.floor(seconds / 3600)}h`;
  return `${Math.floor(seconds / 86_400)}d ${Math.floor((seconds % 86_400) / 3600)}h`;
}

export const freshness: RuleCompiler<'freshness'> = (rule, mode) => {
  const expected = expectation({ maxAgeSeconds: rule.maxAgeSeconds });
  const budget = duration(rule.maxAgeSeconds);
  return (scope, missing) => {
    const { now, newestLedgerTime } = scope.ctx;
    const newest = newestLedgerTime === undefined ? NaN : Date.parse(newestLedgerTime);
    const age = Number.isNaN(newest) ? null : Math.floor((Date.parse(now) - newest) / 1000);
    const pass = age !== null && age >= -FUTURE_SKEW_SECONDS && age <= rule.maxAgeSeconds;
    const message =
      age === null
        ? 'the time of the newest ledger entry is unknown'
        : age < -FUTURE_SKEW_SECONDS
          ? `the newest ledger entry is ${duration(-age)} in the future (clock skew or a forged time)`
          : `the newest ledger entry is ${duration(Math.max(age, 0))} old; at most ${budget} allowed`;
    if (denies(pass, mode))
      missing.push(`needs a ledger synced within ${budget} (${message.replace(/^the /, '')})`);
    return outcome(rule, mode, pass, age, expected, [], [], message);
  };
};

export const fuzz: RuleCompiler<'fuzz'> = (rule, mode) => {
  const limit = rule.allowed ? (rule.max ?? MAX_FUZZ) : 0;
  const expected = expectation({ allowed: rule.allowed, max: rule.max });
  return (scope) => {
    const requested = scope.ctx.fuzz;
    const pass = requested <= limit;
    const message =
      requested === 0
        ? 'no fuzz requested'
        : limit === 0
          ? `fuzz ${requested} requested; the policy allows none`
          : `fuzz ${requested} requested; at most ${limit} allowed`;
    return outcome(rule, mode, pass, requested, expected, [], [], message);
  };
};

/**
 * A `post-apply` rule is judged on the target after the diff is applied (agent/post-apply.ts),
 * so before the apply it always passes, saying so; its checks stand in `expected`.
 */
export const postApply: RuleCompiler<'post-apply'> = (rule, mode) => {
  const expected = expectation({ checks: rule.checks });
  const n = rule.checks.length;
  const message = `checked after apply (${n} file check${n === 1 ? '' : 's'})`;
  return () => outcome(rule, mode, true, 'checked after apply', expected, [], [], message);
};
