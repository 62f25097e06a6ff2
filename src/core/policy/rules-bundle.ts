/**
 * What the bundle's appended attestations count for. Their signatures are verified, but who
 * signed them is only as good as the registry says: an unregistered, revoked or malicious
 * signer never counts, and the role a bundle claims for its attester is ignored (roles come
 * from the registry). A `pass` counts as a `reviewed` attestation (rules-chain.ts); a `fail`
 * is evidence against the patch, judged by the `verdicts` rule.
 */
import { attesterStanding, label, systemRoot } from './chain.ts';
import { expectation, outcome, plural, principals, type RuleCompiler } from './rule-kit.ts';
import type { BundleAttestation, PolicyContext, VerdictsRule } from './types.ts';

/** In-bundle attestations with `verdict` whose signer is registered and in standing. */
export function countedInBundle(
  ctx: PolicyContext,
  verdict: BundleAttestation['verdict'],
): BundleAttestation[] {
  return (ctx.bundleAttestations ?? []).filter(
    (a) => a.verdict === verdict && attesterStanding(ctx.identities, a.did) === 'registered',
  );
}

/** The rule a policy without a `verdicts` rule gets: any registered `fail` denies. */
export const IMPLICIT_VERDICTS: VerdictsRule = Object.freeze({
  id: 'implicit:fail-verdicts',
  kind: 'verdicts',
  mode: 'enforce',
  description: 'added to a policy without a verdicts rule: a registered fail verdict denies',
});

export const verdicts: RuleCompiler<'verdicts'> = (rule, mode) => {
  const from = rule.from === undefined ? undefined : principals(rule.from);
  const max = rule.max ?? 0;
  const expected = expectation({ from: from?.expected, max });
  const whose = from === undefined ? 'registered systems' : from.text;
  return (scope) => {
    const { ctx } = scope;
    const roots = new Set<string>();
    const signers: string[] = [];
    for (const a of countedInBundle(ctx, 'fail')) {
      if (from !== undefined && from.admits(ctx, a.did) === undefined) continue;
      const root = systemRoot(ctx.identities, a.did);
      if (roots.has(root)) continue;
      roots.add(root);
      signers.push(a.did);
    }
    const pass = roots.size <= max;
    const names = signers.map((d) => label(ctx.identities, d)).join(', ');
    const message =
      roots.size === 0
        ? `no fail verdict from ${whose} in the bundle`
        : `${names} marked the patch as failing (${plural(roots.size, 'fail verdict')} from ${whose}; at most ${max} allowed)`;
    return outcome(rule, mode, pass, roots.size, expected, [], signers, message);
  };
};
