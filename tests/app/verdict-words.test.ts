/** The verdict's words (src/app/verdict-words.ts): the headline names what is missing. */
import { describe, expect, it } from 'vitest';
import { headlineOf } from '../../src/app/verdict-words.ts';
import type { CheckResult } from '../../src/core/agent/types.ts';
import type { PolicyDecision, RuleOutcome } from '../../src/core/policy/types.ts';

const denied: CheckResult = { status: 'denied', steps: [] };

function failing(id: string, reason: unknown): RuleOutcome {
  return {
    evidence: [],
    expected: { count: 1, from: { roles: ['x'] }, reason } as RuleOutcome['expected'],
    id,
    kind: 'attestations',
    message: `0 of 1 \`${String(reason)}\``,
    mode: 'enforce',
    observed: 0,
    outcome: 'fail',
    signers: [],
  };
}

const decision = (rules: RuleOutcome[]) => ({ decision: 'deny', rules }) as PolicyDecision;
const headline = (...rules: RuleOutcome[]) =>
  headlineOf(denied, decision(rules), new Map()).headline;

describe('the needs-review headline', () => {
  it('says which attestations are missing, not always "reviews"', () => {
    expect(headline(failing('r', 'reviewed'))).toBe(
      'Not yet: this patch needs more reviews before it can be applied here',
    );
    expect(headline(failing('b', 'built'))).toBe(
      'Not yet: this patch needs more builds before it can be applied here',
    );
    expect(headline(failing('b', 'built'), failing('t', 'tested'), failing('r2', 'reviewed'))).toBe(
      'Not yet: this patch needs more builds, test runs and reviews before it can be applied here',
    );
    // Two rules asking for the same kind name it once.
    expect(headline(failing('r', 'reviewed'), failing('r2', 'reviewed'))).toContain(
      'needs more reviews before',
    );
    expect(headlineOf(denied, decision([failing('r', 'reviewed')]), new Map()).state).toBe(
      'needs-review',
    );
  });

  it('says "attestations" for a reason it has no word for, or none, and never a prototype key', () => {
    for (const reason of ['constructor', '__proto__', 'toString', 7, undefined])
      expect(headline(failing('x', reason))).toBe(
        'Not yet: this patch needs more attestations before it can be applied here',
      );
  });
});
