/**
 * `cel` rules: CEL expressions compiled with the policy (parse, check, bounds) and evaluated
 * over the activation a PolicyContext gives; outcomes in the decision record; the engine
 * loaded only on the async paths; a real ledger's policy in force.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { isPatchtrailError } from '../../src/core/errors.ts';
import type { Hop } from '../../src/core/ledger/queries.ts';
import type { Identity } from '../../src/core/ledger/registry.ts';
import {
  compilePolicy,
  compilePolicyAsync,
  decisionHash,
  evaluatePolicy,
  loadCelEngine,
  POLICY_FORMAT,
  type PolicyContext,
  type PolicyDocument,
  type PolicyRule,
} from '../../src/core/policy/index.ts';

const did = (c: string) => `did:key:z6Mk${c.repeat(44)}`;
const BUILDER = did('b');
const REVIEWER = did('r');
const id = (n: number) => `sha256:${n.toString(16).padStart(64, '0')}`;
const PATCH = `sha256:${'e'.repeat(64)}`;

const identity = (who: string, name: string, role: string): Identity => ({
  did: who,
  name,
  registered: id(500),
  admin: false,
  roles: { [role]: { stake: 1, by: [] } },
  malicious: false,
});
const hop = (n: number, author: string, reason: Hop['reason'], parent?: number): Hop => ({
  id: id(n),
  author,
  name: '',
  reason,
  time: '2026-11-22T09:00:00Z',
  children: [],
  ...(parent === undefined ? {} : { parent: id(parent) }),
});

function celContext(change: (c: PolicyContext) => void = () => {}): PolicyContext {
  const c: PolicyContext = {
    patch: PATCH,
    metadata: { creator: BUILDER, reason: 'fix: retry', components: ['core/net', 'core/tls'] },
    provenance: {
      patch: PATCH,
      hops: [hop(2, REVIEWER, 'reviewed', 1), hop(1, BUILDER, 'built')],
      roots: [id(1)],
      flags: [],
      missingParents: [],
    },
    identities: new Map([
      [BUILDER, identity(BUILDER, 'builder', 'developer')],
      [REVIEWER, identity(REVIEWER, 'reviewer', 'security')],
    ]),
    scores: new Map([
      [BUILDER, 800_000_000],
      [REVIEWER, 700_000_000],
    ]),
    scoreHash: `sha256:${'5'.repeat(64)}`,
    ledgerDigest: 'ld1:0123456789abcdef0123',
    now: '2026-11-22T10:00:00Z',
    newestLedgerTime: '2026-11-22T09:30:00Z',
    system: { treeHash: `sha256:${'a'.repeat(64)}`, components: { firmware: '2.4.1' } },
    actingRole: 'technician',
    fuzz: 0,
  };
  change(c);
  return c;
}

const cel = (expression: string, extra: Partial<PolicyRule> = {}): PolicyRule =>
  ({ id: 'custom', kind: 'cel', mode: 'enforce', expression, ...extra }) as PolicyRule;
const doc = (...rules: PolicyRule[]): PolicyDocument => ({
  format: POLICY_FORMAT,
  version: 1,
  rules,
});
const engine = await loadCelEngine();
const compile = (...rules: PolicyRule[]) => compilePolicy(doc(...rules), { cel: engine });
const run = (expression: string, change?: (c: PolicyContext) => void) =>
  compile(cel(expression)).evaluate(celContext(change));
const problems = (...rules: PolicyRule[]): readonly string[] => {
  try {
    compile(...rules);
  } catch (error) {
    if (isPatchtrailError(error) && error.code === 'MALFORMED_INPUT') return error.details;
    throw error;
  }
  throw new Error('compiled');
};

const POLICY =
  'patch.components.all(c, c.startsWith("core/")) && chain.size() <= 5 && ' +
  'scores[patch.creator] >= 600000000';

describe('cel rules: outcomes', () => {
  it('passes when the expression holds, with true as the observed value', () => {
    const result = run(POLICY);
    expect(result.decision).toBe('allow');
    expect(result.rules[0]).toMatchObject({
      kind: 'cel',
      outcome: 'pass',
      observed: true,
      expected: { expression: POLICY, result: true },
    });
  });

  it('fails with the admin message when it does not; warn rules report and allow', () => {
    const rule = cel(POLICY, { message: 'only core components, short chains, trusted authors' });
    const ui = (c: PolicyContext) => void (c.metadata.components = ['ui/theme']);
    const denied = compile(rule).evaluate(celContext(ui));
    expect(denied.decision).toBe('deny');
    expect(denied.rules[0]).toMatchObject({ outcome: 'fail', observed: false });
    expect(denied.reasons).toEqual(['custom: only core components, short chains, trusted authors']);
    const warned = compile(cel(POLICY, { mode: 'warn' })).evaluate(celContext(ui));
    expect(warned.decision).toBe('allow');
    expect(warned.rules[0]).toMatchObject({ outcome: 'warn', observed: false });
  });

  it('sees the whole activation: systems, roles, device, ledger time, flags, now', () => {
    const expression = [
      'systems[patch.creator].roles == ["developer"]',
      'chain.exists(h, h.reason == "reviewed" && "security" in systems[h.author].roles)',
      'device.versions["firmware"].startsWith("2.") && device.role == "technician"',
      'device.fuzz == 0 && device.treeHash.startsWith("sha256:") && patch.digest == chain[0].id || true',
      'now - ledger.newestTime <= duration("1h") && flags.size() == 0 && patch.publisher == ""',
      'chain.map(h, h.id) == [chain[0].id, chain[1].id] && chain[1].parent == chain[0].id',
    ].join(' && ');
    expect(run(expression).rules[0]).toMatchObject({ outcome: 'pass', observed: true });
  });

  it('a run-time error fails the rule with the error as its observed value, never a throw', () => {
    const cases = {
      'scores["did:key:nobody"] > 0': /no such key|not found/,
      'ledger.newestTime < now': /newestTime|not found|no such/,
      '1 / (chain.size() - 2) == 0': /divi/,
      'dyn(patch.reason) > 1': /overload/,
    };
    const noTime = (c: PolicyContext) => void (c.newestLedgerTime = undefined);
    for (const [expression, error] of Object.entries(cases)) {
      const result = run(expression, noTime);
      expect(result.decision).toBe('deny');
      const outcome = result.rules[0];
      expect(outcome?.outcome).toBe('fail');
      expect((outcome?.observed as { error: string }).error).toMatch(error);
      expect(outcome?.message).toMatch(/^could not be evaluated: /);
    }
  });

  it('a result that is not a bool fails: refused at compile time when known, else at run time', () => {
    expect(problems(cel('chain.size()'))).toEqual([
      '/rules/0/expression: evaluates to int, not bool',
    ]);
    const result = run('dyn(chain.size())');
    expect(result.rules[0]).toMatchObject({
      outcome: 'fail',
      observed: { error: 'evaluated to int, not bool' },
    });
  });

  it('a regex that is catastrophic for a backtracking engine finishes (RE2)', () => {
    const long = (c: PolicyContext) => void (c.metadata.reason = `${'a'.repeat(50_000)}b`);
    const result = run('patch.reason.matches("^(a+)+$")', long);
    expect(result.rules[0]).toMatchObject({ outcome: 'fail', observed: false });
  });
});

describe('cel rules: compiling', () => {
  it('lists every problem of every rule at once, with the rule and where', () => {
    const found = problems(
      cel('patch.creator ==', { id: 'syntax' }),
      cel('pach.creator == ""', { id: 'name' }),
      cel('patch.creater == "" && patch.components.size() > "1"', { id: 'member-and-type' }),
      cel('patch.reason.startWith("fix") || patch.reason.matches("(")', { id: 'function' }),
      { id: 'syntax', kind: 'no-malicious', mode: 'enforce' },
    );
    expect(found).toHaveLength(7);
    expect(found[0]).toMatch(/^\/rules\/0\/expression: syntax error at line 1, column \d+: /);
    expect(found[1]).toMatch(
      /^\/rules\/1\/expression: undeclared reference to 'pach' \(the activation has patch, chain, flags, systems, scores, device, ledger, now\) \(at character 1\)$/,
    );
    expect(found[2]).toMatch(
      /^\/rules\/2\/expression: patch has no member 'creater' \(it has digest, creator, publisher, reason, components\)/,
    );
    expect(found[3]).toBe(
      '/rules/2/expression: no overload of operator > for (int, string) (at character 47)',
    );
    expect(found[4]).toMatch(/^\/rules\/3\/expression: undeclared function 'startWith'/);
    expect(found[5]).toMatch(
      /^\/rules\/3\/expression: the pattern does not compile: error parsing regexp: missing closing \)/,
    );
    expect(found[6]).toBe('/rules/4/id: "syntax" is used by an earlier rule');
  });

  it('limits length (schema: 4096 characters), depth, and worst-case comprehension steps', () => {
    const padded = (n: number) => `true${' '.repeat(n - 4)}`;
    expect(compile(cel(padded(4096))).policy.rules).toHaveLength(1);
    expect(problems(cel(padded(4097)))).toEqual([
      '/rules/0/expression: must be 1 to 4096 characters long',
    ]);
    const deep = `${'['.repeat(110)}true${']'.repeat(110)} != []`;
    expect(problems(cel(deep))).toEqual([
      '/rules/0/expression: nests deeper than 100 levels (at character 101)',
    ]);
    const two = 'chain.all(a, chain.all(b, a.id != b.id || a == b))';
    expect(compile(cel(two)).evaluate(celContext()).rules[0]?.outcome).toBe('pass');
    const three = 'chain.all(a, chain.all(b, chain.all(c, true)))';
    expect(problems(cel(three))).toEqual([
      '/rules/0/expression: may take 16,843,008 comprehension steps; at most 100,000 (nested macros multiply: each list holds up to 256 items)',
    ]);
  });

  it('an input over the activation limit fails the rule rather than being read in part', () => {
    const many = (c: PolicyContext) =>
      void (c.provenance.hops = Array.from({ length: 300 }, (_, i) =>
        hop(i + 1, BUILDER, 'built'),
      ));
    expect(run('true', many).rules[0]).toMatchObject({
      outcome: 'fail',
      observed: { error: 'the chain has 300 items; a cel rule reads at most 256' },
    });
  });

  it('the example in src/core/policy/README.md compiles and holds only with a trusted review', () => {
    const readme = readFileSync(
      new URL('../../src/core/policy/README.md', import.meta.url),
      'utf8',
    );
    const blocks = [...readme.matchAll(/```json\n([\s\S]*?)\n```/g)].map((m) => m[1] ?? '');
    const rule = JSON.parse(blocks.find((b) => b.includes('"kind": "cel"')) ?? '') as PolicyRule;
    expect(compile(rule).evaluate(celContext()).decision).toBe('allow');
    const weak = (c: PolicyContext) => void (c.scores = new Map([[REVIEWER, 100_000_000]]));
    const denied = compile(rule).evaluate(celContext(weak));
    expect(denied.reasons).toEqual([
      'reviewed-core: core changes need a review by a trusted security system',
    ]);
  });

  it('the synchronous path refuses a cel rule and says what to use; the async one loads CEL', async () => {
    expect(() => compilePolicy(doc(cel('true')))).toThrow(/use compilePolicyAsync/);
    expect(() => evaluatePolicy(doc(cel('true')), celContext())).toThrow(/MALFORMED|cel rule/);
    const compiled = await compilePolicyAsync(doc(cel(POLICY)));
    expect(compiled.evaluate(celContext()).decision).toBe('allow');
    const plain = await compilePolicyAsync(doc({ id: 'c', kind: 'no-malicious', mode: 'enforce' }));
    expect(plain.policy.rules).toHaveLength(1);
  });
});

describe('cel rules: the decision record', () => {
  it('same context, same hash, whatever order the hops were admitted in', () => {
    const policy = compile(cel('chain[0].reason == "built" && chain.size() == 2'));
    const first = policy.evaluate(celContext());
    const reordered = policy.evaluate(celContext((c) => c.provenance.hops.reverse()));
    expect(first.rules[0]?.observed).toBe(true);
    expect(reordered.hashes.decision).toBe(first.hashes.decision);
    expect(decisionHash(first)).toBe(first.hashes.decision);
  });

  it('the observed value (true, false, an error) is in the hash, and the serializers agree', () => {
    const policy = compile(cel('patch.reason.startsWith("fix") && scores[patch.creator] > 0'));
    const pass = policy.evaluate(celContext());
    const fail = policy.evaluate(celContext((c) => void (c.metadata.reason = 'feat')));
    const error = policy.evaluate(celContext((c) => void (c.scores = new Map())));
    const hashes = new Set([pass, fail, error].map((r) => r.hashes.decision));
    expect(hashes.size).toBe(3);
    for (const r of [pass, fail, error]) expect(decisionHash(r)).toBe(r.hashes.decision);
  });
});
