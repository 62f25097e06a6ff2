/**
 * The main thread's side of the verify worker: one lazily started worker, requests matched to
 * responses by id, bytes transferred. If the worker cannot start, or dies, every pending and
 * later request rejects with `WorkerUnavailableError`, which tells the caller to fall back to
 * the main thread.
 */
import {
  deserializeError,
  isWorkerResponse,
  type VerifyRequest,
  type WorkerResponse,
} from '../../worker/protocol.ts';
import type { VerifyJobOptions, VerifyJobResult } from '../../worker/verify-job.ts';

export class WorkerUnavailableError extends Error {
  override readonly name = 'WorkerUnavailableError';
}

/** The parts of `Worker` the client uses, so tests can pass a fake. */
export interface WorkerLike {
  postMessage(message: VerifyRequest, transfer: Transferable[]): void;
  addEventListener(
    type: 'message' | 'error' | 'messageerror',
    listener: (event: Event) => void,
  ): void;
  terminate(): void;
}

export interface VerifyWorkerClient {
  /** Verifies in the worker; `bytes` is transferred and unusable afterwards. */
  verify(bytes: ArrayBuffer, options?: VerifyJobOptions): Promise<VerifyJobResult>;
  /** False once the worker failed to start or died. */
  readonly usable: boolean;
}

interface Pending {
  resolve(job: VerifyJobResult): void;
  reject(error: Error): void;
}

export function makeVerifyWorkerClient(startWorker: () => WorkerLike): VerifyWorkerClient {
  const pending = new Map<number, Pending>();
  let worker: WorkerLike | undefined;
  let broken: WorkerUnavailableError | undefined;
  let nextId = 1;

  function fail(reason: string): void {
    broken ??= new WorkerUnavailableError(reason);
    worker?.terminate();
    worker = undefined;
    for (const request of pending.values()) request.reject(broken);
    pending.clear();
  }

  function settle(response: WorkerResponse): void {
    const request = pending.get(response.id);
    if (request === undefined) return;
    pending.delete(response.id);
    if (response.kind === 'verified') request.resolve(response.job);
    else request.reject(deserializeError(response.error));
  }

  function start(): WorkerLike {
    const started = startWorker();
    started.addEventListener('message', (event) => {
      const data = (event as MessageEvent<unknown>).data;
      if (isWorkerResponse(data)) settle(data);
      else fail('verify worker sent a malformed response');
    });
    started.addEventListener('error', (event) => {
      event.preventDefault();
      // A load failure carries no message; an ErrorEvent from a crash does.
      const detail = (event as Partial<ErrorEvent>).message;
      fail(`verify worker failed${detail ? `: ${detail}` : ''}`);
    });
    started.addEventListener('messageerror', () => fail('verify worker message could not be read'));
    return started;
  }

  function verify(bytes: ArrayBuffer, options: VerifyJobOptions = {}): Promise<VerifyJobResult> {
    if (broken !== undefined) return Promise.reject(broken);
    try {
      worker ??= start();
    } catch (cause) {
      fail(
        `verify worker could not start: ${cause instanceof Error ? cause.message : String(cause)}`,
      );
      return Promise.reject(broken ?? new WorkerUnavailableError('verify worker could not start'));
    }
    const id = nextId++;
    const request: VerifyRequest = { kind: 'verify', id, bytes };
    if (options.trusted !== undefined) request.trusted = [...options.trusted];
    const answer = new Promise<VerifyJobResult>((resolve, reject) => {
      pending.set(id, { resolve, reject });
    });
    worker.postMessage(request, [bytes]);
    return answer;
  }

  return {
    verify,
    get usable() {
      return broken === undefined;
    },
  };
}
