/**
 * Reputation: deterministic global trust for every system on the ledger, with the evidence
 * behind it. `reputationInputs` reads the verified ledger into plain data, `computeReputation`
 * runs integer EigenTrust over it (pure, Worker-friendly), `explainScore` says why.
 */
export { computeReputation } from './compute.ts';
export { explainScore } from './explain.ts';
export { evidenceClock, reputationClock, reputationInputs } from './inputs.ts';
export { scoreHashOf } from './result.ts';
export { MAX_EDGE_WEIGHT, MAX_EDGES, MAX_NODES, ONE, PPB, UNIT } from './integer.ts';
export {
  checkParams,
  defaultReputationParams,
  paramsHash,
  type DecayTable,
  type PostureParams,
  type ReputationParams,
} from './params.ts';
export {
  REPUTATION_INPUT_FORMAT,
  type Contribution,
  type EdgeList,
  type Penalty,
  type PendingCredit,
  type PenaltyKind,
  type PostureReport,
  type ReputationInput,
  type ReputationNode,
  type ReputationResult,
  type ScoreExplanation,
} from './types.ts';
