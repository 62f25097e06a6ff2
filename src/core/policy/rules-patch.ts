/**
 * Rules about the patch itself: who created it, why, and what it touches. The metadata comes
 * from the verified bundle, but its values are chosen by the patch's creator: regular
 * expressions and globs are compiled once, from the policy, and run over those strings.
 */
import { label } from './chain.ts';
import { compileGlob } from './match.ts';
import { expectation, outcome, principals, type RuleCompiler } from './rule-kit.ts';
import type { Scope } from './rule-kit.ts';

/** The publish entry that carries the metadata, when the ledger has it. */
function publishEvidence(scope: Scope): string[] {
  const published = scope.ctx.provenance.published;
  return published === undefined ? [] : [published.id];
}

export const authors: RuleCompiler<'authors'> = (rule, mode) => {
  const allow = principals(rule.allow);
  const expected = expectation({ allow: allow.expected });
  return (scope) => {
    const { ctx } = scope;
    const creator = ctx.metadata.creator;
    const by = allow.admits(ctx, creator);
    const who = label(ctx.identities, creator);
    const message =
      by === undefined
        ? `creator ${who} is not ${allow.text}`
        : `creator ${who} is ${by === 'named' ? 'a named system' : `in ${by}`}`;
    const evidence = publishEvidence(scope);
    return outcome(rule, mode, by !== undefined, creator, expected, evidence, [creator], message);
  };
};

export const patchReason: RuleCompiler<'patch-reason'> = (rule, mode) => {
  const allowed = new Set(rule.allowed ?? []);
  const pattern = rule.pattern === undefined ? undefined : new RegExp(rule.pattern, 'u');
  const expected = expectation({ allowed: rule.allowed, pattern: rule.pattern });
  return (scope) => {
    const reason = scope.ctx.metadata.reason;
    const listed = allowed.has(reason);
    const matched = !listed && pattern !== undefined && pattern.test(reason);
    const pass = listed || matched;
    const shown = reason.length > 80 ? `${reason.slice(0, 80)}…` : reason;
    const message = listed
      ? `reason "${shown}" is in the allowed list`
      : matched
        ? `reason "${shown}" matches /${rule.pattern}/`
        : `reason "${shown}" is not allowed`;
    return outcome(rule, mode, pass, reason, expected, publishEvidence(scope), [], message);
  };
};

export const components: RuleCompiler<'components'> = (rule, mode) => {
  const allow = rule.allow?.map((g) => [g, compileGlob(g)] as const);
  const deny = (rule.deny ?? []).map((g) => [g, compileGlob(g)] as const);
  const expected = expectation({ allow: rule.allow, deny: rule.deny });
  return (scope) => {
    const list = scope.ctx.metadata.components;
    const problems: string[] = [];
    if (allow !== undefined && list.length === 0)
      problems.push('the patch declares no components (an allow list needs at least one)');
    for (const name of list) {
      const denied = deny.find(([, re]) => re.test(name));
      if (denied !== undefined) problems.push(`${name} is denied by ${denied[0]}`);
      else if (allow !== undefined && !allow.some(([, re]) => re.test(name)))
        problems.push(`${name} is not in the allow list`);
    }
    const pass = problems.length === 0;
    const message = pass
      ? `all ${list.length} component(s) allowed`
      : problems.slice(0, 8).join('; ') +
        (problems.length > 8 ? `; and ${problems.length - 8} more` : '');
    return outcome(rule, mode, pass, [...list], expected, publishEvidence(scope), [], message);
  };
};
