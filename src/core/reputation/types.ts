/**
 * The data that crosses the boundary of the reputation engine: `ReputationInput` is what the
 * verified ledger says (plain data: strings, numbers and Uint32Arrays, so it can be structured-
 * cloned into a Worker and its arrays transferred); `ReputationResult` is what the engine
 * computes from it. Nothing here holds a function or a reference to the ledger.
 */
import type { ReputationParams } from './params.ts';

export const REPUTATION_INPUT_FORMAT = 'patchtrail-reputation-input/1';

/** A system: one device identity, named by its current key (rotations are followed). */
export interface ReputationNode {
  did: string;
  /** A founding admin (or the key an admin rotated to). */
  admin: boolean;
  /** An admin or an identity holding an endorsed role, neither revoked: a root of pre-trust. */
  member: boolean;
  /** Stake summed over its endorsed roles (saturating at 2^40; the cap is a parameter). */
  stake: number;
}

/**
 * Local trust, one edge per (from, to) pair, as three parallel arrays of node indexes and
 * whole weights (≤ 2^24), sorted by (to, from) — each system's in-edges form one block, which
 * is the layout the iteration reads — with no repeats and no self loops.
 */
export interface EdgeList {
  from: Uint32Array;
  to: Uint32Array;
  weight: Uint32Array;
}

export type PenaltyKind = 'equivocation' | 'compromised' | 'kept' | 'contradicted';

/** Evidence of malice against one system, with the ledger entries that prove it. */
export interface Penalty {
  did: string;
  kind: PenaltyKind;
  /** The patch concerned (not for equivocation). */
  patch?: string;
  /** Entry ids: the equivocating pair or proof; the flags and the system's own attestations. */
  entries: string[];
}

/** The newest posture report about a system by an assessor the team trusts. */
export interface PostureReport {
  did: string;
  assessor: string;
  entry: string;
  passed: number;
  total: number;
}

/**
 * A positive attestation that names `did`'s as its parent and has not settled yet: it will
 * credit `did` once its author, `from`, has gone on (params.settleAfter) without disowning it.
 */
export interface PendingCredit {
  did: string;
  from: string;
  entry: string;
}

export interface ReputationInput {
  format: typeof REPUTATION_INPUT_FORMAT;
  /** Sorted by did (code-unit order), no repeats: this is the iteration order. */
  nodes: ReputationNode[];
  edges: EdgeList;
  /** Sorted by (did, kind, patch, first entry). */
  penalties: Penalty[];
  /** At most one per did, sorted by did. */
  posture: PostureReport[];
  /**
   * Credit waiting for its evidence window, sorted by (did, entry): not an input to the
   * scores (the engine ignores it, and a Worker need not receive it), only to explanations.
   */
  pending?: PendingCredit[];
}

export interface ReputationResult {
  /** did → score in parts per billion; all scores sum to at most 1e9. */
  scores: Map<string, number>;
  /** The same scores in `input.nodes` order. */
  ppb: Uint32Array;
  /** Dids from the highest score down; equal scores in did order. */
  order: string[];
  iterations: number;
  /** Whether the last iteration's L1 change was at most `params.deltaPpb`. */
  converged: boolean;
  /** L1 change of the last iteration, parts per billion. */
  delta: number;
  /** Trust that went back to pre-trust in the last iteration, parts per billion. */
  teleport: number;
  /** "sha256:" over `paramsHash` and the (did, ppb) vector in did order (see scoreBytes). */
  scoreHash: string;
  paramsHash: string;
  params: ReputationParams;
}

export interface Contribution {
  did: string;
  /** Parts per billion of the explained system's score that flowed from this system. */
  ppb: number;
  /** The local-trust edge's weight in the input. */
  weight: number;
}

export interface ScoreExplanation {
  did: string;
  ppb: number;
  /** 1-based position in `result.order`. */
  rank: number;
  /** Parts per billion of the score that came from pre-trust, and the root's share of it. */
  pretrust: { ppb: number; shareOfPretrustPpb: number; weight: number };
  /** Parts per billion that flowed in along edges, from all contributors. */
  fromOthers: number;
  /** The largest contributors (more than 0 ppb), largest first (ties in did order). */
  contributors: Contribution[];
  /** Systems with an edge to this one that carries trust (a non-zero matrix entry). */
  trustedBy: number;
  /** Of those, the ones whose trust gave it more than 0 ppb (a system with none gives none). */
  givingTrust: number;
  /** Parts per 1024 of incoming trust let through (posture × soft penalties); 0 when zeroed. */
  multiplier: number;
  /** Hard evidence: the score is zero and every edge, in and out, is cut. */
  zeroed: boolean;
  posture?: PostureReport & { multiplier: number };
  penalties: Penalty[];
  /** Attestations through this system's hops that will credit it once they settle. */
  pending: { from: string; entry: string }[];
}
