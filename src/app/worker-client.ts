/**
 * The main thread's side of the verify worker, on the shared worker channel (worker-channel.ts):
 * one lazily started worker, requests matched to responses by id, bytes transferred. If the
 * worker cannot start, or dies, every pending and later request rejects with
 * `WorkerUnavailableError`, which tells the caller to fall back to the main thread.
 */
import {
  isWorkerResponse,
  type VerifyRequest,
  type WorkerResponse,
} from '../../worker/protocol.ts';
import type { VerifyJobOptions, VerifyJobResult } from '../../worker/verify-job.ts';
import { makeWorkerChannel, type WorkerLike } from './worker-channel.ts';

export { WorkerUnavailableError, type WorkerLike } from './worker-channel.ts';

export interface VerifyWorkerClient {
  /** Verifies in the worker; `bytes` is transferred and unusable afterwards. */
  verify(bytes: ArrayBuffer, options?: VerifyJobOptions): Promise<VerifyJobResult>;
  /** False once the worker failed to start or died. */
  readonly usable: boolean;
}

type VerifiedResponse = Extract<WorkerResponse, { kind: 'verified' }>;

const isVerified = (value: unknown): value is VerifiedResponse =>
  isWorkerResponse(value) && value.kind === 'verified';

export function makeVerifyWorkerClient(startWorker: () => WorkerLike): VerifyWorkerClient {
  const channel = makeWorkerChannel<VerifyRequest, VerifiedResponse>({
    name: 'verify worker',
    start: startWorker,
    isAnswer: isVerified,
  });

  async function verify(bytes: ArrayBuffer, options: VerifyJobOptions = {}) {
    const build = (id: number): VerifyRequest => {
      const request: VerifyRequest = { kind: 'verify', id, bytes };
      if (options.trusted !== undefined) request.trusted = [...options.trusted];
      return request;
    };
    return (await channel.request(build, [bytes])).job;
  }

  return {
    verify,
    get usable() {
      return channel.usable;
    },
  };
}
