/**
 * Rules about the provenance chain and who is in it: reputation, length, required
 * attestations, malicious history, compromise flags. Hops, flags and identities come from the
 * verified ledger; a hop out of standing never counts for a patch, but its author still counts
 * against it (reputation, malicious history).
 */
import type { AttestReason } from '../ledger/kinds.ts';
import { isMalicious, label, systemRoot } from './chain.ts';
import {
  denies,
  expectation,
  fraction,
  outcome,
  plural,
  principals,
  type PrincipalsMatcher,
  type RuleCompiler,
} from './rule-kit.ts';
import { flagsWithoutPasskey } from './rules-admin.ts';
import { countedInBundle } from './rules-bundle.ts';
import type { PolicyContext } from './types.ts';

export const minReputation: RuleCompiler<'min-reputation'> = (rule, mode) => {
  const expected = expectation({ min: rule.min });
  return (scope) => {
    const { identities, scores } = scope.ctx;
    const { systems, entries } = scope.chain;
    let lowest = Infinity;
    let lowestAt = -1;
    let below: number[] | undefined;
    for (let i = 0; i < systems.length; i++) {
      const score = scores.get(systems[i] as string);
      if (score === undefined || score < rule.min) (below ??= []).push(i);
      const value = score ?? -1;
      if (value < lowest) {
        lowest = value;
        lowestAt = i;
      }
    }
    const observed = lowestAt < 0 || lowest < 0 ? null : lowest;
    const pick = below ?? (lowestAt < 0 ? [] : [lowestAt]);
    const signers = pick.map((i) => systems[i] as string);
    const evidence = pick.map((i) => entries[i] as string).filter((id) => id !== '');
    const describe = (i: number) => {
      const score = scores.get(systems[i] as string);
      return `${label(identities, systems[i] as string)} (${score === undefined ? 'no score' : fraction(score)})`;
    };
    const message =
      below === undefined
        ? `all ${plural(systems.length, 'system')} at or above ${fraction(rule.min)}; lowest ${pick.map(describe).join('')}`
        : `${below.length} of ${plural(systems.length, 'system')} below ${fraction(rule.min)}: ${below.map(describe).join(', ')}`;
    return outcome(rule, mode, below === undefined, observed, expected, evidence, signers, message);
  };
};

export const maxChainLength: RuleCompiler<'max-chain-length'> = (rule, mode) => {
  const expected = expectation({ max: rule.max });
  return (scope) => {
    const { length, leaf } = scope.chain;
    const pass = length <= rule.max;
    const message = `${plural(length, 'hop')} in the chain; at most ${rule.max} allowed`;
    const evidence = leaf === undefined ? [] : [leaf];
    return outcome(rule, mode, pass, length, expected, evidence, [], message);
  };
};

/** Distinct systems (one per chain of rotated keys) that attested `reason`, and what did not count. */
function countAttesters(
  ctx: PolicyContext,
  reason: AttestReason,
  from: PrincipalsMatcher,
  passkey: boolean,
) {
  const roots = new Set<string>();
  const evidence: string[] = [];
  const signers: string[] = [];
  const skipped = { standing: 0, eligible: 0, malicious: 0, repeat: 0, passkey: 0 };
  const count = (did: string, id: string | undefined) => {
    const root = systemRoot(ctx.identities, did);
    if (roots.has(root)) return void skipped.repeat++;
    roots.add(root);
    if (id !== undefined) evidence.push(id);
    signers.push(did);
  };
  for (const hop of ctx.provenance.hops) {
    if (hop.reason !== reason) continue;
    if (hop.outOfStanding !== undefined) skipped.standing++;
    else if (from.admits(ctx, hop.author) === undefined) skipped.eligible++;
    else if (isMalicious(ctx.identities.get(hop.author))) skipped.malicious++;
    else if (passkey && ctx.passkeyBacked?.has(hop.id) !== true) skipped.passkey++;
    else count(hop.author, hop.id);
  }
  let inBundle = 0;
  // A verified `pass` in the bundle is a review; its signer's roles come from the registry.
  // It carries no passkey assertion, so it never counts where one is required.
  if (reason === 'reviewed' && !passkey)
    for (const a of countedInBundle(ctx, 'pass')) {
      if (from.admits(ctx, a.did) === undefined) skipped.eligible++;
      else if (roots.has(systemRoot(ctx.identities, a.did))) skipped.repeat++;
      else {
        count(a.did, undefined);
        inBundle++;
      }
    }
  return { have: roots.size, evidence, signers, skipped, inBundle };
}

export const attestations: RuleCompiler<'attestations'> = (rule, mode) => {
  const from = principals(rule.from);
  const passkey = rule.passkey === true;
  const expected = expectation({
    count: rule.count,
    from: from.expected,
    reason: rule.reason,
    ...(passkey ? { passkey } : {}),
  });
  const backed = passkey ? ', backed by a passkey' : '';
  const what = (n: number) => `${n === 1 ? 'attestation' : 'attestations'}`;
  return (scope, missing) => {
    const { ctx } = scope;
    const { have, evidence, signers, skipped, inBundle } = countAttesters(
      ctx,
      rule.reason,
      from,
      passkey,
    );
    const pass = have >= rule.count;
    const names = signers.map((d) => label(ctx.identities, d)).join(', ');
    const notes = [
      skipped.standing > 0 ? `${skipped.standing} out of standing` : '',
      skipped.eligible > 0 ? `${skipped.eligible} not from ${from.text}` : '',
      skipped.malicious > 0 ? `${skipped.malicious} by a malicious system` : '',
      skipped.repeat > 0 ? `${skipped.repeat} repeated by one system` : '',
      skipped.passkey > 0 ? `${skipped.passkey} without a verified passkey assertion` : '',
    ].filter((n) => n !== '');
    const message =
      `${have} of ${rule.count} \`${rule.reason}\` ${what(rule.count)} from ${from.text}${backed}` +
      (names === '' ? '' : ` (${names}${inBundle > 0 ? `; ${inBundle} in the bundle` : ''})`) +
      (notes.length === 0 ? '' : `; not counted: ${notes.join(', ')}`);
    if (denies(pass, mode)) {
      const need = rule.count - have;
      missing.push(
        `needs ${need} more \`${rule.reason}\` ${what(need)} from ${from.text}${backed}`,
      );
    }
    return outcome(rule, mode, pass, have, expected, evidence, signers, message);
  };
};

export const noMalicious: RuleCompiler<'no-malicious'> = (rule, mode) => (scope) => {
  const { identities } = scope.ctx;
  const { systems } = scope.chain;
  const signers: string[] = [];
  const evidence: string[] = [];
  for (const did of systems) {
    const identity = identities.get(did);
    if (!isMalicious(identity)) continue;
    signers.push(did);
    for (const proof of identity?.equivocationEvidence ?? [])
      for (const id of proof.split(' ')) if (!evidence.includes(id)) evidence.push(id);
  }
  const message =
    signers.length === 0
      ? `none of ${plural(systems.length, 'system')} in the chain has equivocated`
      : `malicious history (equivocation): ${signers.map((d) => label(identities, d)).join(', ')}`;
  return outcome(rule, mode, signers.length === 0, signers.length, 0, evidence, signers, message);
};

export const notFlagged: RuleCompiler<'not-flagged'> = (rule, mode) => {
  const by = rule.by === undefined ? undefined : principals(rule.by);
  const scopeText = by === undefined ? '' : ` (counting flags by ${by.text})`;
  return (scope) => {
    const { ctx } = scope;
    const evidence: string[] = [];
    const signers: string[] = [];
    // An `admin-passkey` rule for `flag`: a flag without a verified passkey does not count.
    const unbacked = new Set(flagsWithoutPasskey(scope).map((f) => f.id));
    for (const flag of ctx.provenance.flags) {
      if (!flag.compromised || unbacked.has(flag.id)) continue;
      if (by !== undefined && by.admits(ctx, flag.author) === undefined) continue;
      evidence.push(flag.id);
      if (!signers.includes(flag.author)) signers.push(flag.author);
    }
    const pass = evidence.length === 0;
    const left =
      unbacked.size === 0
        ? ''
        : ` (${plural(unbacked.size, 'flag')} without a verified passkey did not count)`;
    const message = pass
      ? `no flag says the patch is compromised${scopeText}${left}`
      : `flagged compromised by ${signers.map((d) => label(ctx.identities, d)).join(', ')}${scopeText}${left}`;
    return outcome(rule, mode, pass, evidence.length, 0, evidence, signers, message);
  };
};
