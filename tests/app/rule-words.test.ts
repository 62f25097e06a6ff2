/**
 * A rule's observed and expected values in words (src/app/rule-words.ts): the rule list showed
 * `{"allow":{"roles":["developer"]}}`, a did:key for the author and "259218" for a ledger's age.
 */
import { describe, expect, it } from 'vitest';
import { ruleValueWords, spanWords } from '../../src/app/rule-words.ts';
import type { Json } from '../../src/core/encoding/canonical-json.ts';
import type { Identity } from '../../src/core/ledger/registry.ts';
import type { RuleOutcome } from '../../src/core/policy/types.ts';

const ALICE = 'did:key:z6MkAlice';
const RITA = 'did:key:z6MkRita';
const member = (did: string, name: string): Identity => ({
  ...{ did, name, registered: '2026-12-01T00:00:00Z', admin: false, malicious: false },
  roles: {},
});
const identities = new Map([member(ALICE, 'Alice'), member(RITA, 'Rita')].map((m) => [m.did, m]));

function outcome(
  kind: RuleOutcome['kind'],
  observed: Json,
  expected: Json,
  signers: string[] = [],
): RuleOutcome {
  return {
    ...{ id: kind, kind, mode: 'enforce', outcome: 'fail', message: '', evidence: [] },
    ...{ observed, expected, signers },
  };
}
const words = (rule: RuleOutcome) => ruleValueWords(rule, identities);

describe('rule values in words', () => {
  it('names the author and the roles an author must hold', () => {
    expect(words(outcome('authors', ALICE, { allow: { roles: ['developer'] } }))).toEqual({
      observed: 'Alice',
      expected: 'an author with the developer role',
    });
    const both = outcome('authors', RITA, {
      allow: { roles: ['developer', 'lead'], systems: [ALICE] },
    });
    expect(words(both)?.expected).toBe('an author with the developer or lead role or Alice');
  });

  it('says a ledger’s age and its limit in days and hours, not seconds', () => {
    expect(words(outcome('freshness', 259_218, { maxAgeSeconds: 86_400 }))).toEqual({
      observed: 'the newest entry is 3 days and 18 seconds old',
      expected: 'a ledger synced within 1 day',
    });
    expect(words(outcome('freshness', null, { maxAgeSeconds: 7_200 }))?.observed).toBe(
      'the newest entry’s time is unknown',
    );
    expect(spanWords(90_061)).toBe('over 1 day and 1 hour');
    expect(spanWords(0)).toBe('0 seconds');
  });

  it('counts attestations and fail verdicts with their nouns and who gave them', () => {
    const review = { count: 1, from: { roles: ['reviewer'] }, reason: 'reviewed' };
    expect(words(outcome('attestations', 0, review))).toEqual({
      observed: '0 reviews',
      expected: '1 review from someone with the reviewer role',
    });
    expect(words(outcome('verdicts', 1, { max: 0 }, [RITA]))).toEqual({
      observed: '1 “fail” verdict (Rita)',
      expected: 'no “fail” verdict from a registered member',
    });
    expect(words(outcome('no-malicious', 0, 0))?.observed).toBe('none');
  });

  it('says trust scores as the Reputation screen does, naming who is below, and fuzz in words', () => {
    expect(words(outcome('min-reputation', 620_000_000, { min: 750_000_000 }, [RITA]))).toEqual({
      observed: 'lowest trust score 62.0% (Rita)',
      expected: 'every system in the chain at 75.0% or above',
    });
    expect(words(outcome('min-reputation', null, { min: 500_000_000 }, [ALICE]))?.observed).toBe(
      'a system in the chain has no trust score yet (Alice)',
    );
    expect(words(outcome('fuzz', 2, { allowed: false }))).toEqual({
      observed: 'fuzz 2 asked for',
      expected: 'no fuzz: every context line matches',
    });
    expect(words(outcome('fuzz', 0, { allowed: true, max: 1 }))).toEqual({
      observed: 'no fuzz asked for',
      expected: 'fuzz up to 1',
    });
  });

  it('leaves a kind it has no words for, or a shape it does not expect, to the JSON', () => {
    expect(words(outcome('cel', true, { expression: 'x', result: true }))).toBeUndefined();
    expect(words(outcome('freshness', 5, 'junk'))).toBeUndefined();
    expect(words(outcome('authors', 7, { allow: {} }))).toBeUndefined();
  });
});
