/**
 * `cel` rules: a CEL expression an admin wrote, compiled with the policy (cel.ts) and run over
 * the activation (cel-activation.ts). It passes when the expression is true; false fails with
 * the rule's `message`, if it has one; an evaluation error or a value that is not a bool
 * fails with the error as the observed value (`{ "error": "…" }`), so the decision hash
 * records it. What the expression reads is not tracked, so no evidence or signers are named.
 */
import type { CelProgram } from './cel-api.ts';
import { expectation, outcome, type RuleCheck } from './rule-kit.ts';
import type { CelRule, RuleMode } from './types.ts';

const SHOWN = 120;

export function celRule(rule: CelRule, mode: RuleMode, program: CelProgram): RuleCheck {
  const expected = expectation({ expression: rule.expression, result: true });
  const text =
    rule.expression.length > SHOWN ? `${rule.expression.slice(0, SHOWN)}…` : rule.expression;
  return (scope) => {
    const result = program.run(scope);
    if ('value' in result) {
      const message = result.value ? `holds: ${text}` : (rule.message ?? `does not hold: ${text}`);
      return outcome(rule, mode, result.value, result.value, expected, [], [], message);
    }
    const prefix = rule.message === undefined ? '' : `${rule.message} (`;
    const message = `${prefix}could not be evaluated: ${result.error}${prefix === '' ? '' : ')'}`;
    return outcome(rule, mode, false, { error: result.error }, expected, [], [], message);
  };
}
