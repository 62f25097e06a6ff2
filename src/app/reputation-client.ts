/**
 * The main thread's side of the reputation worker (worker/reputation.worker.ts), on the shared
 * worker channel: the input goes over as columns with its buffers transferred, and the result's
 * `scores` Map and `order` are rebuilt here from the dids of the input that was posted (see
 * worker/reputation-protocol.ts for what crosses and why). An answer that does not fit the
 * input is a misbehaving worker: it is given up, as one that dies is.
 */
import type { ReputationParams } from '../core/reputation/params.ts';
import type { ReputationInput, ReputationResult } from '../core/reputation/types.ts';
import {
  decodeResult,
  encodeInput,
  isScoredResponse,
  type ReputationRequest,
  type ScoredResponse,
} from '../../worker/reputation-protocol.ts';
import { makeWorkerChannel, type WorkerLike } from './worker-channel.ts';

export interface ReputationPostOptions {
  /**
   * Transfer the input's own edge buffers (no copy): `input.edges` is detached once posted.
   * Without it, the worker gets copies, and the input stays whole for `explainScore` and for a
   * main-thread retry.
   */
  transferInput?: boolean;
}

export interface ReputationWorkerClient {
  /** Computes in the worker; the input must be one `canPost` accepts. */
  compute(
    input: ReputationInput,
    params: ReputationParams,
    options?: ReputationPostOptions,
  ): Promise<ReputationResult>;
  /** False once the worker failed to start, died or misbehaved. */
  readonly usable: boolean;
}

export function makeReputationWorkerClient(startWorker: () => WorkerLike): ReputationWorkerClient {
  const channel = makeWorkerChannel<ReputationRequest, ScoredResponse>({
    name: 'reputation worker',
    start: startWorker,
    isAnswer: isScoredResponse,
  });

  async function compute(
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
    const answer = await channel.request(build, transfer);
    try {
      return decodeResult(answer.result, dids);
    } catch (cause) {
      throw channel.fail(cause instanceof Error ? cause.message : String(cause));
    }
  }

  return {
    compute,
    get usable() {
      return channel.usable;
    },
  };
}
