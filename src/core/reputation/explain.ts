/**
 * Why a system has its score: how much came from pre-trust (and its share of it), how much
 * flowed in from each system that trusts it, what held trust back (posture, soft penalties),
 * the hard evidence with the entry ids that prove it, and the credit still waiting for its
 * evidence window. Contributions are one more step of the iteration from the final scores,
 * rounded down, so they add up to `fromOthers` within the stopping threshold and a few ppb of
 * rounding.
 */
import { nodeIndex } from './check.ts';
import { compareText, floorDiv, ONE, PPB } from './integer.ts';
import { postureMultiplier, prepareModel } from './model.ts';
import type { Contribution, ReputationInput, ReputationResult, ScoreExplanation } from './types.ts';

/** The explanation of `did`'s score, or undefined when the input does not know it. */
export function explainScore(
  input: ReputationInput,
  result: ReputationResult,
  did: string,
  limit = 10,
): ScoreExplanation | undefined {
  const i = nodeIndex(input.nodes, did);
  if (i < 0) return undefined;
  if (result.ppb.length !== input.nodes.length)
    throw new RangeError('explainScore: the result was not computed from this input');
  const model = prepareModel(input, result.params);
  const ppb = result.ppb[i] as number;
  const share = model.pretrust[i] as number;
  const fromPretrust = Math.floor((result.teleport * share) / ONE);
  const contributors: Contribution[] = [];
  const end = model.inStart[i + 1] as number;
  for (let e = model.inStart[i] as number; e < end; e++) {
    const j = model.inSource[e] as number;
    if (model.inWeight[e] === 0) continue;
    contributors.push({
      did: (input.nodes[j] as { did: string }).did,
      ppb: Math.floor(((model.inWeight[e] as number) * (result.ppb[j] as number)) / ONE),
      weight: input.edges.weight[e] as number,
    });
  }
  contributors.sort((a, b) => b.ppb - a.ppb || compareText(a.did, b.did));
  const explanation: ScoreExplanation = {
    did,
    ppb,
    rank: result.order.indexOf(did) + 1,
    pretrust: {
      ppb: fromPretrust,
      shareOfPretrustPpb: floorDiv(share * PPB, ONE),
      weight: model.rootWeight[i] as number,
    },
    fromOthers: ppb - fromPretrust,
    contributors: contributors.filter((c) => c.ppb > 0).slice(0, limit),
    trustedBy: contributors.length,
    givingTrust: contributors.filter((c) => c.ppb > 0).length,
    multiplier: model.multiplier[i] as number,
    zeroed: model.zeroed[i] === 1,
    penalties: input.penalties.filter((p) => p.did === did),
    pending: (input.pending ?? [])
      .filter((p) => p.did === did)
      .map(({ from, entry }) => ({ from, entry })),
  };
  const report = input.posture.find((r) => r.did === did);
  if (report !== undefined)
    explanation.posture = { ...report, multiplier: postureMultiplier(report, result.params) };
  return explanation;
}
