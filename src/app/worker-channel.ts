/**
 * What every worker client shares (worker-client.ts for verification, reputation-client.ts
 * for trust scores): one lazily started worker and the requests in flight to it, matched to
 * responses by id, buffers transferred. If the worker cannot start, dies, or sends something
 * that is not a response, every pending and later request rejects with
 * `WorkerUnavailableError`, which tells the caller to fall back to the main thread; the worker
 * is not restarted.
 */
import { deserializeError, isErrorResponse } from '../../worker/protocol.ts';

export class WorkerUnavailableError extends Error {
  override readonly name = 'WorkerUnavailableError';
}

/** The parts of `Worker` a client uses, so tests can pass a fake. */
export interface WorkerLike {
  postMessage(message: unknown, transfer: Transferable[]): void;
  addEventListener(
    type: 'message' | 'error' | 'messageerror',
    listener: (event: Event) => void,
  ): void;
  terminate(): void;
}

export interface ChannelOptions<Answer> {
  /** Names the worker in error messages, e.g. "verify worker". */
  name: string;
  start: () => WorkerLike;
  /** Recognises a successful answer; error responses (protocol.ts) are recognised here. */
  isAnswer: (value: unknown) => value is Answer;
}

export interface WorkerChannel<Request, Answer> {
  /**
   * Posts the request built for a fresh id, transferring `transfer`; resolves with its answer,
   * or rejects with the worker's error (deserialised), or with `WorkerUnavailableError`.
   */
  request(build: (id: number) => Request, transfer: Transferable[]): Promise<Answer>;
  /** Gives up on the worker; returns the error that pending and later requests reject with. */
  fail(reason: string): WorkerUnavailableError;
  /** False once the worker failed to start, died or misbehaved. */
  readonly usable: boolean;
}

interface Pending<Answer> {
  resolve(answer: Answer): void;
  reject(error: Error): void;
}

const describe = (cause: unknown) => (cause instanceof Error ? cause.message : String(cause));

export function makeWorkerChannel<Request, Answer extends { id: number }>(
  options: ChannelOptions<Answer>,
): WorkerChannel<Request, Answer> {
  const { name } = options;
  const pending = new Map<number, Pending<Answer>>();
  let worker: WorkerLike | undefined;
  let broken: WorkerUnavailableError | undefined;
  let nextId = 1;

  function fail(reason: string): WorkerUnavailableError {
    broken ??= new WorkerUnavailableError(reason);
    worker?.terminate();
    worker = undefined;
    for (const request of pending.values()) request.reject(broken);
    pending.clear();
    return broken;
  }

  function receive(data: unknown): void {
    const answer = options.isAnswer(data);
    if (!answer && !isErrorResponse(data)) {
      fail(`${name} sent a malformed response`);
      return;
    }
    const request = pending.get(data.id);
    if (request === undefined) return;
    pending.delete(data.id);
    if (answer) request.resolve(data);
    else request.reject(deserializeError(data.error));
  }

  function start(): WorkerLike {
    const started = options.start();
    started.addEventListener('message', (event) => receive((event as MessageEvent<unknown>).data));
    started.addEventListener('error', (event) => {
      event.preventDefault();
      // A load failure carries no message; an ErrorEvent from a crash does.
      const detail = (event as Partial<ErrorEvent>).message;
      fail(`${name} failed${detail ? `: ${detail}` : ''}`);
    });
    started.addEventListener('messageerror', () => fail(`${name} message could not be read`));
    return started;
  }

  function request(build: (id: number) => Request, transfer: Transferable[]): Promise<Answer> {
    if (broken !== undefined) return Promise.reject(broken);
    try {
      worker ??= start();
    } catch (cause) {
      return Promise.reject(fail(`${name} could not start: ${describe(cause)}`));
    }
    const id = nextId++;
    const answer = new Promise<Answer>((resolve, reject) => pending.set(id, { resolve, reject }));
    try {
      worker.postMessage(build(id), transfer);
    } catch (cause) {
      // A message that cannot be cloned (DataCloneError) is the caller's problem, not the worker's.
      pending.delete(id);
      return Promise.reject(cause instanceof Error ? cause : new Error(describe(cause)));
    }
    return answer;
  }

  return {
    request,
    fail,
    get usable() {
      return broken === undefined;
    },
  };
}
