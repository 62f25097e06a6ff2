/**
 * Reputation in the worker pool: the input goes over as columns with its buffers transferred,
 * and the result's `scores` Map and `order` are rebuilt here from the dids of the input that
 * was posted (see worker/reputation-protocol.ts for what crosses and why). An answer that does
 * not fit the input is a misbehaving worker: the pool replaces it, as one that dies.
 */
import type { ReputationParams } from '../core/reputation/params.ts';
import type { ReputationInput, ReputationResult } from '../core/reputation/types.ts';
import {
  decodeResult,
  encodeInput,
  isScoredResponse,
  type ReputationRequest,
} from '../../worker/reputation-protocol.ts';
import type { WorkerPool } from './worker-pool.ts';

export interface ReputationPostOptions {
  /**
   * Transfer the input's own edge buffers (no copy): `input.edges` is detached once posted.
   * Without it, the worker gets copies, and the input stays whole for `explainScore` and for a
   * main-thread retry.
   */
  transferInput?: boolean;
}

/** Computes in a pool worker; the input must be one `canPost` accepts. */
export function computeInWorker(
  pool: WorkerPool,
  input: ReputationInput,
  params: ReputationParams,
  options: ReputationPostOptions = {},
): Promise<ReputationResult> {
  const dids = input.nodes.map((node) => node.did);
  const { message, transfer } = encodeInput(input, options.transferInput !== true);
  const build = (id: number): ReputationRequest => ({
    kind: 'reputation',
    id,
    input: message,
    params,
  });
  const read = (value: unknown): ReputationResult => {
    if (!isScoredResponse(value)) throw new TypeError('reputation: malformed response');
    return decodeResult(value.result, dids);
  };
  return pool.run(build, { transfer, read });
}
