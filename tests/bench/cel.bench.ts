/**
 * `npx vitest run --config tests/bench/vitest.bench.config.ts tests/bench/cel.bench.ts`:
 * decisions per second of a policy with one `cel` rule, beside the reference measured in the
 * same run: the same conditions as native rules (components, chain length, reputation). Both
 * decide without the decision hash (`decide`), so the ratio is the cost of CEL itself:
 * building the activation and evaluating the expression. Also the time to compile it.
 */
import { it } from 'vitest';
import {
  compilePolicy,
  loadCelEngine,
  POLICY_FORMAT,
  type PolicyContext,
  type PolicyRule,
} from '../../src/core/policy/index.ts';

const COUNT = Number(process.env.PATCHTRAIL_BENCH_DECISIONS ?? 50_000);
const did = (i: number) => `did:key:z6Mk${String(i).padStart(44, 'h')}`;
const id = (n: number) => `sha256:${n.toString(16).padStart(64, '0')}`;
const EXPRESSION =
  'patch.components.all(c, c.startsWith("core/")) && chain.size() <= 5 && ' +
  'chain.all(h, scores[h.author] >= 600000000)';

function context(): PolicyContext {
  const hops = [0, 1, 2, 3, 4].map((i) => ({
    id: id(i + 1),
    author: did(i),
    name: `system ${i}`,
    reason: 'reviewed' as const,
    time: '2026-11-22T09:00:00Z',
    children: [],
    ...(i === 0 ? {} : { parent: id(i) }),
  }));
  return {
    patch: id(1000),
    metadata: { creator: did(0), reason: 'fix: tls', components: ['core/net', 'core/tls'] },
    provenance: { patch: id(1000), hops, roots: [id(1)], flags: [], missingParents: [] },
    identities: new Map(),
    scores: new Map(hops.map((h, i) => [h.author, 700_000_000 + i])),
    scoreHash: id(7),
    ledgerDigest: 'ld1:0123456789abcdef0123',
    now: '2026-11-22T10:00:00Z',
    newestLedgerTime: '2026-11-22T09:30:00Z',
    system: { treeHash: id(8), components: {} },
    fuzz: 0,
  };
}

function rate(decide: () => unknown): number {
  for (let i = 0; i < COUNT / 10; i++) decide();
  const start = performance.now();
  for (let i = 0; i < COUNT; i++) decide();
  return COUNT / ((performance.now() - start) / 1000);
}

it('cel rule vs native rules', async () => {
  const cel = await loadCelEngine();
  const doc = (...rules: PolicyRule[]) => ({ format: POLICY_FORMAT, version: 1, rules });
  const start = performance.now();
  const withCel = compilePolicy(
    doc({ id: 'c', kind: 'cel', mode: 'enforce', expression: EXPRESSION }),
    { cel },
  );
  const compileMs = performance.now() - start;
  const native = compilePolicy(
    doc(
      { id: 'a', kind: 'components', mode: 'enforce', allow: ['core/**'] },
      { id: 'b', kind: 'max-chain-length', mode: 'enforce', max: 5 },
      { id: 'c', kind: 'min-reputation', mode: 'enforce', min: 600_000_000 },
    ),
  );
  const ctx = context();
  if (withCel.decide(ctx).decision !== 'allow' || native.decide(ctx).decision !== 'allow')
    throw new Error('both policies should allow');
  const celRate = rate(() => withCel.decide(ctx));
  const nativeRate = rate(() => native.decide(ctx));
  const f = (n: number) => Math.round(n).toLocaleString('en-US');
  console.log(
    `cel rule: ${f(celRate)} decisions/s; native rules: ${f(nativeRate)} decisions/s; ` +
      `ratio ${(nativeRate / celRate).toFixed(1)}x; first compile ${compileMs.toFixed(1)} ms`,
  );
});
