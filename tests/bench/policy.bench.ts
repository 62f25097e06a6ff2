/**
 * `npx vitest run --config tests/bench/vitest.bench.config.ts tests/bench/policy.bench.ts`:
 * policy decisions per second and per-decision latency (p50, p99) for a chain of 10 hops with
 * scores precomputed and a policy using all 13 rule kinds, compiled once. Two figures: a
 * decision as issue 5 defines an evaluation (`decide`: the verdict, every rule's outcome with
 * observed and expected values and evidence, what is missing, and the policy, score and ledger
 * hashes that reproduce it), and the same sealed with its decision hash (`evaluate`: one more
 * JSON serialisation and SHA-256, which the agent pays once per applied patch). Printed
 * beside a reference measured in the same run: the SHA-256 alone of the same record bytes
 * (through sha256Sync, as decisions hash, and through each of its engines), so the ratio shows
 * how much of a decision is hashing.
 */
import { it } from 'vitest';
import { makeSeedSigner } from '../../src/core/crypto/signer.ts';
import { createSHA256 } from 'hash-wasm';
import { prepareSha256Sync, sha256Sync, sha256SyncNoble } from '../../src/core/crypto/hash.ts';
import { utf8Encode } from '../../src/core/encoding/bytes.ts';
import type { Hop } from '../../src/core/ledger/queries.ts';
import type { Identity } from '../../src/core/ledger/registry.ts';
import {
  compilePolicy,
  decisionRecord,
  POLICY_FORMAT,
  type PolicyContext,
  type PolicyRule,
} from '../../src/core/policy/index.ts';

const COUNT = Number(process.env.PATCHTRAIL_BENCH_DECISIONS ?? 100_000);
const WARMUP = 20_000;
const HOPS = 10;
const REASONS: Hop['reason'][] = ['built', 'reviewed', 'reviewed', 'tested', 'analyzed'];
const id = (n: number) => `sha256:${n.toString(16).padStart(64, '0')}`;

async function benchContext(): Promise<PolicyContext> {
  const dids = await Promise.all(
    Array.from(
      { length: HOPS + 1 },
      async (_, i) => (await makeSeedSigner(new Uint8Array(32).fill(i + 1))).did,
    ),
  );
  const creator = dids[0] as string;
  const hops: Hop[] = [];
  for (let i = 0; i < HOPS; i++) {
    const hop: Hop = {
      id: id(i + 1),
      author: dids[i + 1] as string,
      name: `system ${i + 1}`,
      reason: REASONS[i] ?? 'forwarded',
      time: '2026-11-22T09:00:00Z',
      children: i + 1 < HOPS ? [id(i + 2)] : [],
    };
    if (i > 0) hop.parent = id(i);
    hops.push(hop);
  }
  const identities = new Map<string, Identity>(
    dids.map((did, i) => {
      const roles: Identity['roles'] = {};
      if (i === 0) roles.developer = { stake: 1, by: [creator] };
      if (i === 2 || i === 3) roles.security = { stake: 2, by: [creator] };
      return [
        did,
        { did, name: `system ${i}`, registered: id(900), admin: false, roles, malicious: false },
      ];
    }),
  );
  return {
    patch: id(1000),
    metadata: {
      creator,
      reason: 'fix: CVE-2026-1234 in the TLS stack',
      components: ['core/net', 'core/tls'],
    },
    provenance: {
      patch: id(1000),
      published: {
        id: id(999),
        author: creator,
        creator,
        reason: 'fix',
        time: '2026-11-22T08:00:00Z',
      },
      hops,
      roots: [id(1)],
      flags: [],
      missingParents: [],
    },
    via: id(HOPS),
    identities,
    scores: new Map(dids.map((did, i) => [did, 700_000_000 + i * 10_000_000])),
    scoreHash: id(2000),
    ledgerDigest: 'ld1:0123456789abcdef0123',
    now: '2026-11-22T10:00:00Z',
    newestLedgerTime: '2026-11-22T09:00:00Z',
    system: { treeHash: id(3000), components: { firmware: '2.4.1' } },
    actingRole: 'technician',
    fuzz: 0,
  };
}

const RULES: PolicyRule[] = [
  { id: 'rep', kind: 'min-reputation', min: 600_000_000, mode: 'enforce' },
  { id: 'len', kind: 'max-chain-length', max: 12, mode: 'enforce' },
  {
    id: 'sec',
    kind: 'attestations',
    reason: 'reviewed',
    count: 2,
    from: { roles: ['security'] },
    mode: 'enforce',
  },
  { id: 'who', kind: 'authors', allow: { roles: ['developer'] }, mode: 'enforce' },
  { id: 'why', kind: 'patch-reason', pattern: '^(fix|security):', mode: 'enforce' },
  {
    id: 'where',
    kind: 'components',
    allow: ['core/**'],
    deny: ['core/secrets/**'],
    mode: 'enforce',
  },
  { id: 'op', kind: 'acting-role', roles: ['technician', 'operator'], mode: 'warn' },
  { id: 'tree', kind: 'target-tree', treeHashes: [id(3000), id(3001)], mode: 'enforce' },
  {
    id: 'fw',
    kind: 'component-version',
    component: 'firmware',
    constraint: '>=2.1 <3',
    mode: 'enforce',
  },
  { id: 'clean', kind: 'no-malicious', mode: 'enforce' },
  { id: 'flag', kind: 'not-flagged', mode: 'enforce' },
  { id: 'fresh', kind: 'freshness', maxAgeSeconds: 86_400, mode: 'enforce' },
  { id: 'fuzz', kind: 'fuzz', allowed: false, mode: 'enforce' },
];

interface Timing {
  rate: number;
  meanUs: number;
  p50: number;
  p99: number;
  max: number;
}

/** Times `count` calls one by one (performance.now around each), after a warm-up. */
function measure(run: () => unknown, count: number): Timing {
  for (let i = 0; i < WARMUP; i++) run();
  const times = new Float64Array(count);
  const started = performance.now();
  for (let i = 0; i < count; i++) {
    const t = performance.now();
    run();
    times[i] = performance.now() - t;
  }
  const totalMs = performance.now() - started;
  times.sort();
  const at = (p: number) => (times[Math.min(count - 1, Math.floor(count * p))] as number) * 1000;
  return {
    rate: count / (totalMs / 1000),
    meanUs: (totalMs * 1000) / count,
    p50: at(0.5),
    p99: at(0.99),
    max: at(1),
  };
}

const line = (name: string, t: Timing) =>
  `  ${name.padEnd(28)} ${t.rate.toFixed(0).padStart(7)}/s  mean ${t.meanUs.toFixed(1).padStart(5)} us  p50 ${t.p50.toFixed(1).padStart(5)} us  p99 ${t.p99.toFixed(1).padStart(6)} us`;

it('policy: decisions per second, p50 and p99, 10-hop chain, 13 rules', async () => {
  // As a device does before deciding (opening its ledger awaits it): the synchronous SHA-256
  // behind decision hashes runs on hash-wasm once loaded, which a synchronous loop never yields for.
  const engine = (await prepareSha256Sync()) ? 'hash-wasm' : 'noble';
  const context = await benchContext();
  const compiled = compilePolicy({ format: POLICY_FORMAT, version: 1, rules: RULES });
  const first = compiled.evaluate(context);
  if (first.decision !== 'allow' || first.rules.some((r) => r.outcome !== 'pass'))
    throw new Error(`bench: expected every rule to pass: ${JSON.stringify(first.reasons)}`);
  const record = utf8Encode(JSON.stringify(decisionRecord(first)));
  const wasm = await createSHA256();

  const sealed = measure(() => compiled.evaluate(context), COUNT);
  const unsealed = measure(() => compiled.decide(context), COUNT);
  const hashOnly = measure(() => sha256Sync(record), COUNT / 4);
  const noble = measure(() => sha256SyncNoble(record), COUNT / 4);
  const reusable = measure(() => {
    wasm.init();
    wasm.update(record);
    return wasm.digest('binary');
  }, COUNT / 4);
  const meets = (t: Timing) => (t.p99 <= 50 && t.rate >= 20_000 ? 'met' : 'NOT met');
  console.log(
    [
      `policy bench, Node ${process.version}: ${COUNT} decisions each, ${HOPS}-hop chain, ${RULES.length} rules; result ${utf8Encode(JSON.stringify(first)).length} bytes, decision record ${record.length} bytes`,
      line('evaluate (with hash)', sealed),
      line('decide (no hash)', unsealed),
      line(`reference: sha256Sync (${engine})`, hashOnly),
      line('  same, @noble/hashes', noble),
      line('  same, bare hash-wasm hasher', reusable),
      `  target p99 <= 50 us and >= 20000/s: ${meets(unsealed)} by a decision, ${meets(sealed)} by a sealed one; hashing is ${((hashOnly.meanUs / sealed.meanUs) * 100).toFixed(0)}% of a decision (evaluate / decide ${(sealed.meanUs / unsealed.meanUs).toFixed(2)})`,
    ].join('\n'),
  );
}, 600_000);
