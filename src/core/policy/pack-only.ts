/**
 * A policy check from a proof pack alone (no ledger). A pack proves that its entries are in
 * the log at a cosigned checkpoint, not that the log holds no others: whoever hands it over can
 * leave out a flag, a revocation or a rollback. So a verdict from a pack must never be more
 * favourable than the full ledger's at the same checkpoint, and every rule that passes only
 * when negative evidence is absent comes out unmet here, saying why (`PACK_UNMET`). Rules on
 * the patch's own metadata and on this device are judged as usual; a failure stays a failure
 * (negative evidence in the pack is proven).
 */
import type { ProofPackReport } from '../ledger/proof-pack.ts';
import type { Hop, Provenance } from '../ledger/queries.ts';
import type { PolicyContext, RuleKind, RuleOutcome } from './types.ts';

/** Rules that need the absence of negative evidence, and what a pack cannot show for them. */
export const PACK_UNMET: Readonly<Partial<Record<RuleKind, string>>> = {
  'not-flagged': 'a pack shows the flags it holds, not that there are no others',
  'no-malicious': 'equivocation proofs outside the pack are unknown',
  'min-reputation': 'scores need the whole ledger, negative evidence included',
  'max-chain-length': 'longer paths outside the pack are unknown',
  attestations: "the attesters' registration and revocations are not in the pack",
  authors: "the creator's registration and revocation are not in the pack",
  verdicts: 'fail verdicts count by the registry, which the pack does not carry',
  freshness: "the ledger's newest time is not in the pack",
  cel: 'an expression may count on what is absent',
};

/** Turns a pass that a pack cannot support into an unmet outcome (fail, or warn in warn mode). */
export function packOnly(result: RuleOutcome): RuleOutcome {
  const why = PACK_UNMET[result.kind];
  if (why === undefined || result.outcome === 'fail' || result.outcome === 'warn') return result;
  return {
    ...result,
    observed: { unproven: 'proof pack' },
    outcome: result.mode === 'warn' ? 'warn' : 'fail',
    message: `unmet from a proof pack alone: ${why} (${result.message})`,
  };
}

/** The provenance a verified pack shows: its publish, attestations and flags. */
function packProvenance(report: ProofPackReport): Provenance {
  const patch = report.patch ?? '';
  const result: Provenance = { patch, hops: [], roots: [], flags: [], missingParents: [] };
  for (const step of report.lineage) {
    if (step.kind === 'publish' && result.published === undefined) {
      const { id, author, time, reason } = step;
      result.published = { id, author, creator: step.creator ?? '', reason, time };
    } else if (step.kind === 'flag')
      result.flags.push({
        ...{ id: step.id, author: step.author, compromised: step.compromised === true },
        evidence: step.reason,
      });
    else if (step.kind === 'attest') {
      const { id, author, time, parent, target } = step;
      const reason = step.reason as Hop['reason'];
      const hop: Hop = { id, author, name: '', reason, time, children: [] };
      if (parent !== undefined) hop.parent = parent;
      if (target !== undefined) hop.target = target;
      result.hops.push(hop);
    }
  }
  const ids = new Set(result.hops.map((h) => h.id));
  for (const hop of result.hops) {
    if (hop.parent !== undefined && ids.has(hop.parent))
      result.hops.find((h) => h.id === hop.parent)?.children.push(hop.id);
    else {
      result.roots.push(hop.id);
      if (hop.parent !== undefined) result.missingParents.push(hop.parent);
    }
  }
  return result;
}

/**
 * The context a check from a verified pack evaluates: no registry, no scores, the checkpoint's
 * root hash in place of a ledger digest, and `evidence: 'proof-pack'`.
 */
export function packContext(report: ProofPackReport, now: string): PolicyContext {
  const provenance = packProvenance(report);
  const publish = report.lineage.find((s) => s.kind === 'publish');
  return {
    patch: provenance.patch,
    metadata: {
      creator: publish?.creator ?? '',
      reason: publish?.reason ?? '',
      components: publish?.components ?? [],
    },
    provenance,
    identities: new Map(),
    scores: new Map(),
    scoreHash: 'none: a proof pack carries no scores',
    ledgerDigest: `checkpoint:${report.checkpoint?.root ?? ''}`,
    now,
    system: { treeHash: '', components: {} },
    fuzz: 0,
    evidence: 'proof-pack',
  };
}
