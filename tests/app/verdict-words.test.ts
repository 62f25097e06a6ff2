/**
 * The verdict's words (src/app/verdict-words.ts): the headline names what is missing, and the
 * kiosk's plain reasons say each fact once.
 */
import { describe, expect, it } from 'vitest';
import { headlineOf, plainReasons } from '../../src/app/verdict-words.ts';
import type { CheckResult } from '../../src/core/agent/types.ts';
import type { Identity } from '../../src/core/ledger/registry.ts';
import type { PolicyDecision, PolicyDocument, RuleOutcome } from '../../src/core/policy/types.ts';

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

describe('plain reasons (the kiosk)', () => {
  const member = (did: string, name: string, roles: string[]): Identity => ({
    ...{ did, name, registered: '2026-12-01T00:00:00Z', admin: false, malicious: false },
    roles: Object.fromEntries(roles.map((r) => [r, { stake: 1, by: [] }])),
  });
  const identities = new Map(
    [
      member('did:key:zSam', 'Sam', ['reviewer']),
      member('did:key:zRita', 'Rita', ['reviewer']),
      member('did:key:zBob', 'Bob\u001b[2J', ['builder']),
    ].map((m) => [m.did, m]),
  );
  const policy = {
    rules: [
      {
        id: 'review',
        kind: 'attestations',
        reason: 'reviewed',
        count: 2,
        from: { roles: ['reviewer'] },
      },
      {
        id: 'build',
        kind: 'attestations',
        reason: 'built',
        count: 1,
        from: { roles: ['builder'] },
      },
    ],
  } as unknown as PolicyDocument;
  const attest = (id: string, reason: string, observed: number, signers: string[] = []) => ({
    ...failing(id, reason),
    observed,
    signers,
  });
  const rule = (kind: string, id: string, message: string, signers: string[] = []) =>
    ({ ...failing(id, ''), kind, message, signers, expected: null }) as unknown as RuleOutcome;

  it('says only what is missing, and who could supply it, when reviews are all it lacks', () => {
    const lines = plainReasons(
      denied,
      decision([attest('review', 'reviewed', 1, ['did:key:zSam']), attest('build', 'built', 0)]),
      identities,
      policy,
    );
    // Sam's review counted already: only Rita could add one. Names are text (the page renders
    // them as text nodes): Bob's is kept as registered.
    expect(lines).toEqual([
      'Needs 1 more review by a reviewer. Who could: Rita.',
      'Needs 1 more build by a builder. Who could: Bob\u001b[2J.',
    ]);
  });

  it('puts the strongest reason first and says a failing verdict once', () => {
    const lines = plainReasons(
      denied,
      decision([
        rule('verdicts', 'implicit:fail-verdicts', 'Rita marked the patch as failing', [
          'did:key:zRita',
        ]),
        rule('max-chain', 'chain', 'chain of 5 systems; at most 3'),
        attest('review', 'reviewed', 0),
      ]),
      identities,
      policy,
    );
    // No "needs 2 more reviews": no review lifts a registered fail.
    expect(lines).toEqual([
      'A registered reviewer marked this patch as failing (Rita).',
      'chain: chain of 5 systems; at most 3',
    ]);
  });

  it('says who failed the patch, quoting their note, and that only a new version lifts it', () => {
    const failed = decision([
      rule('verdicts', 'implicit:fail-verdicts', 'Rita marked the patch as failing', [
        'did:key:zRita',
      ]),
      attest('review', 'reviewed', 0),
    ]);
    const voices = {
      author: 'did:key:zBob',
      failNotes: new Map([['did:key:zRita', ' Breaks the login\nbanner ']]),
    };
    const head = headlineOf(denied, failed, identities, voices);
    expect(head.headline).toBe(
      'Do not apply: a registered reviewer marked this patch as failing (Rita)',
    );
    // It said "needs 1 more review by a reviewer. Nobody else in the team can supply it."
    expect(head.because).toEqual([
      'Rita signed a “fail” verdict into this bundle: “Breaks the login banner”.',
      'Another review does not lift it: ask Bob\u001b[2J, its author, for a new version of the patch that answers it.',
    ]);
    const without = headlineOf(denied, failed, identities, { ...voices, failNotes: new Map() });
    expect(without.because[0]).toBe('Rita signed a “fail” verdict into this bundle, with no note.');
    const ended = { ...voices, failNotes: new Map([['did:key:zRita', 'Breaks level 1.']]) };
    expect(headlineOf(denied, failed, identities, ended).because[0]).toBe(
      'Rita signed a “fail” verdict into this bundle: “Breaks level 1.”',
    );
  });

  it('names the failing rules when no plainer words say it', () => {
    expect(
      plainReasons(denied, decision([rule('max-chain', 'chain', 'too long')]), identities, policy),
    ).toEqual(['chain: too long']);
  });

  it('says nothing for an allowed patch, and the headline for a check that stopped early', () => {
    expect(plainReasons({ status: 'allowed', steps: [] }, undefined, identities, policy)).toEqual(
      [],
    );
    const stopped: CheckResult = {
      status: 'failed',
      steps: [{ step: 'author', ok: false, code: 'UNKNOWN_AUTHOR', message: 'unknown author' }],
    } as unknown as CheckResult;
    expect(plainReasons(stopped, undefined, identities, policy)[0]).toBe(
      'Signed, but not by anyone this team trusts.',
    );
  });
});

describe('a ledger too old to decide', () => {
  it('says so, how old, and what brings the news: a sync or the team’s ledger file', () => {
    const stale: RuleOutcome = {
      ...failing('fresh', undefined),
      kind: 'freshness',
      message: 'the newest ledger entry is 3d 0h old; at most 24h allowed',
    };
    const words = headlineOf(denied, decision([stale]), new Map());
    expect(words.headline).toBe(
      'Do not apply yet: this device’s copy of the team’s ledger is too old to decide',
    );
    expect(words.because).toEqual([
      'The newest ledger entry is 3d 0h old; at most 24h allowed.',
      expect.stringMatching(/^Sync with a teammate \(Peers\), or import the team’s ledger file/),
    ]);
    // With another rule failing too, the rules are named as before.
    expect(
      headlineOf(
        denied,
        decision([stale, { ...stale, id: 'chain', kind: 'max-chain-length' }]),
        new Map(),
      ).headline,
    ).toBe('Do not apply: the policy in force on this device does not allow it');
  });
});

describe('a bundle no apply can carry out', () => {
  it('says so as the outcome, with the files, and what to ask the author for', () => {
    const stopped: CheckResult = {
      status: 'rejected',
      steps: [
        { step: 'verify-signature', ok: true, message: 'checked' },
        {
          step: 'extract-metadata',
          ok: false,
          code: 'MALFORMED_INPUT',
          message: 'no apply carries out logo.png (a binary patch), link (a symbolic link)',
        },
      ],
    };
    const head = headlineOf(stopped, undefined, new Map());
    expect(head.state).toBe('denied');
    expect(head.headline).toBe('Do not apply: it holds a change patchtrail cannot apply exactly');
    expect(head.because[0]).toMatch(
      /^This bundle changes logo\.png \(a binary patch\), link \(a symbolic link\), and patchtrail /,
    );
    expect(head.because[0]).toContain('Ask its author for a bundle without such changes.');
    // The kiosk says the same, in the same words.
    expect(plainReasons(stopped, undefined, new Map(), undefined)[0]).toBe(
      'It holds a change patchtrail cannot apply exactly.',
    );
  });
});
