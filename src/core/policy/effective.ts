/**
 * The policy in force, read from the ledger's `policy` entries: a deterministic function of
 * the admitted set, like the registry, so peers holding the same entries agree whatever order
 * they arrived in.
 *
 * - Only entries in standing whose author is an admin at that entry count (registry.isAdmin).
 * - The body's policy must pass `readPolicy` and carry the body's version; others are listed
 *   in `rejected` with the reason.
 * - A (version, policy hash) takes effect once `threshold` distinct admins (genesis) published
 *   it. Distinct means distinct systems: a key and the keys it rotated from or to count once.
 * - The highest version in effect wins: a lower or equal version never replaces a higher one.
 * - Two different policies with the same version that both reach the threshold conflict; the
 *   one with the smaller policy hash (as a string, "sha256:…") wins, and the conflict is
 *   reported.
 * - No policy in effect: `compiled` is undefined, and callers deny (default deny).
 * - A policy whose CEL expression does not compile is rejected like one whose `pattern` does
 *   not. So the choice never depends on whether CEL is loaded: a counted policy with a `cel`
 *   rule needs the engine (`{ cel }`, or `effectivePolicyAsync`), else MALFORMED_INPUT says so.
 */
import { isPatchtrailError, type ErrorCode } from '../errors.ts';
import type { Entry } from '../ledger/entry.ts';
import type { PolicyBody } from '../ledger/kinds.ts';
import type { Ledger } from '../ledger/ledger.ts';
import { loadCelEngine, usesCel } from './cel-load.ts';
import { systemRoot } from './chain.ts';
import { canonicalHash, readPolicy } from './document.ts';
import { celEngineRequired, CompiledPolicy, type CompileOptions } from './evaluate.ts';
import type { PolicyDocument } from './types.ts';

export interface PolicyCandidate {
  version: number;
  hash: string;
  /** The policy entries that published it (counted ones), in id order. */
  entries: string[];
  /** The distinct admins counted (first key seen per system), sorted. */
  signers: string[];
}

export interface PolicyConflict {
  version: number;
  /** The competing policy hashes, sorted; the first is the one chosen. */
  hashes: string[];
  chosen: string;
  rule: string;
}

export interface EffectivePolicy {
  /** The policy in force, compiled; undefined when none reached the threshold (deny all). */
  compiled: CompiledPolicy | undefined;
  /** The candidate in force, with its entries and signers. */
  current: PolicyCandidate | undefined;
  threshold: number;
  /** Reached the threshold but replaced by a higher version (or lost a conflict). */
  superseded: PolicyCandidate[];
  /** Below the threshold so far. */
  pending: PolicyCandidate[];
  conflicts: PolicyConflict[];
  /** Policy entries that cannot count, with why. */
  rejected: { id: string; code: ErrorCode; message: string }[];
}

const CONFLICT_RULE =
  'two policies with one version reached the threshold: the smaller policy hash wins';

interface Group extends PolicyCandidate {
  policy: PolicyDocument;
  roots: Set<string>;
}

function byVersionThenHash(a: PolicyCandidate, b: PolicyCandidate): number {
  if (a.version !== b.version) return b.version - a.version;
  return a.hash < b.hash ? -1 : a.hash > b.hash ? 1 : 0;
}

export function effectivePolicy(ledger: Ledger, options: CompileOptions = {}): EffectivePolicy {
  const registry = ledger.registry();
  const threshold = ledger.genesis.body.threshold;
  const rejected: EffectivePolicy['rejected'] = [];
  const groups = new Map<string, Group>();
  const entries = [...ledger.ofKind('policy')].sort((a, b) => (a.id < b.id ? -1 : 1));
  for (const entry of entries as Entry<'policy'>[]) {
    const why = registry.standing(entry);
    if (why !== undefined) {
      rejected.push({ id: entry.id, code: why.code, message: why.message });
      continue;
    }
    if (!registry.isAdmin(entry.author, entry.seq)) {
      rejected.push({ id: entry.id, code: 'INVALID_METADATA', message: 'a policy takes an admin' });
      continue;
    }
    const body: PolicyBody = entry.body;
    let policy: PolicyDocument;
    try {
      policy = readPolicy(body.policy, options.cel);
    } catch (error) {
      if (!isPatchtrailError(error)) throw error;
      rejected.push({ id: entry.id, code: error.code, message: error.message });
      continue;
    }
    if (policy.version !== body.version) {
      const message = `the entry says version ${body.version}, its policy ${policy.version}`;
      rejected.push({ id: entry.id, code: 'INVALID_METADATA', message });
      continue;
    }
    const cel = policy.rules.find((r) => r.kind === 'cel');
    if (cel !== undefined && options.cel === undefined) celEngineRequired(cel.id);
    const hash = canonicalHash(policy);
    const key = `${policy.version} ${hash}`;
    let group = groups.get(key);
    if (group === undefined) {
      group = { version: policy.version, hash, entries: [], signers: [], policy, roots: new Set() };
      groups.set(key, group);
    }
    const root = systemRoot(registry.identities, entry.author);
    if (group.roots.has(root)) continue;
    group.roots.add(root);
    group.entries.push(entry.id);
    group.signers.push(entry.author);
  }
  const candidate = ({ version, hash, entries: ids, signers }: Group): PolicyCandidate => ({
    version,
    hash,
    entries: ids,
    signers: [...signers].sort(),
  });
  const all = [...groups.values()].sort(byVersionThenHash);
  const reached = all.filter((g) => g.roots.size >= threshold);
  const pending = all.filter((g) => g.roots.size < threshold).map(candidate);
  const conflicts: PolicyConflict[] = [];
  for (const [i, group] of reached.entries()) {
    if (i > 0 && (reached[i - 1] as Group).version === group.version) continue;
    const rivals = reached.filter((g) => g.version === group.version).map((g) => g.hash);
    if (rivals.length > 1)
      conflicts.push({
        version: group.version,
        hashes: rivals,
        chosen: group.hash,
        rule: CONFLICT_RULE,
      });
  }
  const [winner, ...rest] = reached;
  return {
    compiled: winner === undefined ? undefined : new CompiledPolicy(winner.policy, options),
    current: winner === undefined ? undefined : candidate(winner),
    threshold,
    superseded: rest.map(candidate),
    pending,
    conflicts,
    rejected,
  };
}

/** `effectivePolicy`, loading the CEL engine first when a policy entry has a `cel` rule. */
export async function effectivePolicyAsync(ledger: Ledger): Promise<EffectivePolicy> {
  const needed = [...ledger.ofKind('policy')].some((e) =>
    usesCel((e as Entry<'policy'>).body.policy),
  );
  return effectivePolicy(ledger, needed ? { cel: await loadCelEngine() } : {});
}
