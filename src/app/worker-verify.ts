/**
 * Bundle verification in the worker pool: the bundle's bytes are transferred to a pool worker,
 * which runs the verify job (worker/verify-job.ts) and answers with its result. Rejects with
 * `WorkerUnavailableError` when no worker can run it, which tells the caller to verify on the
 * main thread.
 */
import { isWorkerResponse, type VerifyRequest } from '../../worker/protocol.ts';
import type { VerifyJobOptions, VerifyJobResult } from '../../worker/verify-job.ts';
import type { WorkerPool } from './worker-pool.ts';

function readVerified(value: unknown): VerifyJobResult {
  if (!isWorkerResponse(value) || value.kind !== 'verified')
    throw new TypeError('not a verification answer');
  return value.job;
}

/** Verifies in a pool worker; `bytes` is transferred and unusable afterwards. */
export function verifyInWorker(
  pool: WorkerPool,
  bytes: ArrayBuffer,
  options: VerifyJobOptions = {},
): Promise<VerifyJobResult> {
  const build = (id: number): VerifyRequest => {
    const request: VerifyRequest = { kind: 'verify', id, bytes };
    if (options.trusted !== undefined) request.trusted = [...options.trusted];
    return request;
  };
  return pool.run(build, { transfer: [bytes], read: readVerified });
}
