/**
 * The app's one worker pool: up to `size` workers (from navigator.hardwareConcurrency), each
 * running worker/pool.worker.ts, started when a request finds every running worker busy.
 * Requests carry ids their answers repeat, buffers are transferred, workers may report
 * progress, and a request can be cancelled with an AbortSignal (the worker is told, and the
 * request rejects with an AbortError at once).
 *
 * A worker that fails (an `error` event, a message that cannot be read, an answer that is not
 * one, or no word at all within START_TIMEOUT_MS of its start: a load that hangs) is
 * terminated and its requests reject with `WorkerUnavailableError`, which tells the caller to
 * do that request on the main thread; the next request starts a fresh worker. Only
 * when no worker can start (the constructor throws, or MAX_START_FAILURES workers in a row fail
 * before saying `ready`) does the pool give up: `usable` turns false and every request rejects
 * with `WorkerUnavailableError`, so callers use their main-thread fallback from then on.
 */
import {
  deserializeError,
  isErrorResponse,
  isPartMessage,
  isProgressMessage,
  isReadyMessage,
  isRecord,
} from '../../worker/protocol.ts';

export class WorkerUnavailableError extends Error {
  override readonly name = 'WorkerUnavailableError';
}

/** The parts of `Worker` the pool uses, so tests can pass a fake. */
export interface WorkerLike {
  postMessage(message: unknown, transfer: Transferable[]): void;
  addEventListener(
    type: 'message' | 'error' | 'messageerror',
    listener: (event: Event) => void,
  ): void;
  terminate(): void;
}

/** Workers in a row that may fail before saying `ready` before the pool gives up. */
export const MAX_START_FAILURES = 2;
/**
 * How long a worker may take to say `ready` or answer. Loading the pool's bundle takes well
 * under a second here; without a limit, a load that hangs (no `error` event ever) would hold
 * its requests, and the admission waiting on them, for good.
 */
export const START_TIMEOUT_MS = 20_000;
/** The most workers a pool starts, whatever the machine reports. */
export const MAX_POOL_SIZE = 8;

export interface PoolOptions {
  /** Starts one worker; throwing means "no worker here". */
  start: () => WorkerLike;
  /** Default: navigator.hardwareConcurrency, at most MAX_POOL_SIZE. */
  size?: number;
  /** Default START_TIMEOUT_MS. */
  startTimeoutMs?: number;
}

export interface RunOptions<Answer> {
  /** Buffers moved to the worker with the request. */
  transfer?: Transferable[];
  /**
   * Reads the worker's answer (error responses are handled by the pool): returns it, or throws
   * when it is not a fitting answer, and then the worker is taken for broken.
   */
  read: (value: unknown) => Answer;
  onProgress?: (done: number, total: number) => void;
  /**
   * Takes a part of the answer sent ahead of it (`kind: 'part'`); throws when it is not a
   * fitting part, and then the worker is taken for broken, as for an unfit answer.
   */
  onPart?: (part: unknown) => void;
  signal?: AbortSignal;
}

export interface WorkerPool {
  /** Posts the request built for a fresh id to the least busy worker; resolves with its answer. */
  run<Answer>(build: (id: number) => unknown, options: RunOptions<Answer>): Promise<Answer>;
  /** False once no worker can start: callers use the main thread. */
  readonly usable: boolean;
  readonly size: number;
  /** Workers running now. */
  readonly running: number;
  /** Starts workers up to `size` now, so the next jobs do not wait for them to load. */
  warm(): void;
  /** Terminates every worker; pending requests reject with `WorkerUnavailableError`. */
  close(): void;
}

interface Pending {
  read(value: unknown): unknown;
  resolve(answer: unknown): void;
  reject(error: Error): void;
  onProgress?: ((done: number, total: number) => void) | undefined;
  onPart?: ((part: unknown) => void) | undefined;
}

interface Slot {
  worker: WorkerLike;
  pending: Map<number, Pending>;
  /** It said `ready` (or answered): it started, so a failure now is a crash, not a load failure. */
  alive: boolean;
  /** Fails the worker if it is not alive by START_TIMEOUT_MS. */
  watchdog: ReturnType<typeof setTimeout> | undefined;
}

const describe = (cause: unknown) => (cause instanceof Error ? cause.message : String(cause));

/** Starts a pool worker (worker/pool.worker.ts) as a module Worker. */
export function startPoolWorker(): WorkerLike {
  return new Worker(new URL('../../worker/pool.worker.ts', import.meta.url), {
    type: 'module',
    name: 'patchtrail-pool',
  });
}

export function defaultPoolSize(): number {
  const cores = globalThis.navigator?.hardwareConcurrency;
  return Math.max(1, Math.min(MAX_POOL_SIZE, Number.isSafeInteger(cores) ? cores : 2));
}

/** What a cancelled request rejects with: the signal's reason, or an AbortError. */
export function abortError(signal: AbortSignal): Error {
  return signal.reason instanceof Error
    ? signal.reason
    : new DOMException('the request was cancelled', 'AbortError');
}

export function makeWorkerPool(options: PoolOptions): WorkerPool {
  const size = options.size ?? defaultPoolSize();
  const slots: Slot[] = [];
  let startFailures = 0;
  let broken: WorkerUnavailableError | undefined;
  let nextId = 1;

  function fail(slot: Slot, reason: string): void {
    const index = slots.indexOf(slot);
    if (index < 0) return;
    slots.splice(index, 1);
    clearTimeout(slot.watchdog);
    slot.worker.terminate();
    if (!slot.alive && ++startFailures >= MAX_START_FAILURES)
      broken ??= new WorkerUnavailableError(`no worker could start: ${reason}`);
    const error = new WorkerUnavailableError(reason);
    for (const request of slot.pending.values()) request.reject(error);
    slot.pending.clear();
  }

  function settle(slot: Slot, request: Pending, data: unknown): void {
    let answer: unknown;
    try {
      answer = request.read(data);
    } catch (cause) {
      const reason = `pool worker sent an unfit answer: ${describe(cause)}`;
      fail(slot, reason);
      request.reject(new WorkerUnavailableError(reason));
      return;
    }
    request.resolve(answer);
  }

  function take(slot: Slot, request: Pending, part: unknown): void {
    try {
      if (request.onPart === undefined) throw new TypeError('no part was asked for');
      request.onPart(part);
    } catch (cause) {
      fail(slot, `pool worker sent an unfit part: ${describe(cause)}`);
    }
  }

  function started(slot: Slot): void {
    slot.alive = true;
    clearTimeout(slot.watchdog);
  }

  function receive(slot: Slot, data: unknown): void {
    if (isReadyMessage(data)) {
      started(slot);
      startFailures = 0;
      return;
    }
    if (!isRecord(data) || !Number.isSafeInteger(data.id)) {
      fail(slot, 'pool worker sent a malformed message');
      return;
    }
    started(slot);
    const request = slot.pending.get(data.id as number);
    if (request === undefined) return; // cancelled: the late answer is dropped
    if (isProgressMessage(data)) {
      request.onProgress?.(data.done, data.total);
      return;
    }
    if (isPartMessage(data)) {
      take(slot, request, data);
      return;
    }
    slot.pending.delete(data.id as number);
    if (isErrorResponse(data)) request.reject(deserializeError(data.error));
    else settle(slot, request, data);
  }

  function start(): Slot {
    const slot: Slot = {
      worker: options.start(),
      pending: new Map(),
      alive: false,
      watchdog: undefined,
    };
    const { worker } = slot;
    const limit = options.startTimeoutMs ?? START_TIMEOUT_MS;
    slot.watchdog = setTimeout(() => {
      if (!slot.alive) fail(slot, `pool worker said nothing within ${limit} ms of its start`);
    }, limit);
    worker.addEventListener('message', (event) => receive(slot, (event as MessageEvent).data));
    worker.addEventListener('error', (event) => {
      event.preventDefault();
      // A load failure carries no message; an ErrorEvent from a crash does.
      const detail = (event as Partial<ErrorEvent>).message;
      fail(slot, `pool worker failed${detail ? `: ${detail}` : ''}`);
    });
    worker.addEventListener('messageerror', () => fail(slot, 'pool worker message unreadable'));
    slots.push(slot);
    return slot;
  }

  /** The least busy worker, or a new one when every running worker has work. */
  function choose(): Slot {
    let best: Slot | undefined;
    for (const slot of slots)
      if (best === undefined || slot.pending.size < best.pending.size) best = slot;
    if (best !== undefined && (best.pending.size === 0 || slots.length >= size)) return best;
    try {
      return start();
    } catch (cause) {
      if (best !== undefined) return best;
      broken ??= new WorkerUnavailableError(`pool worker could not start: ${describe(cause)}`);
      throw broken;
    }
  }

  function run<Answer>(build: (id: number) => unknown, job: RunOptions<Answer>): Promise<Answer> {
    if (broken !== undefined) return Promise.reject(broken);
    if (job.signal?.aborted) return Promise.reject(abortError(job.signal));
    let slot: Slot;
    try {
      slot = choose();
    } catch (cause) {
      return Promise.reject(cause instanceof Error ? cause : new Error(describe(cause)));
    }
    const id = nextId++;
    const answer = new Promise<Answer>((resolve, reject) => {
      const request: Pending = { read: job.read, resolve: resolve as (a: unknown) => void, reject };
      request.onProgress = job.onProgress;
      request.onPart = job.onPart;
      slot.pending.set(id, request);
    });
    try {
      slot.worker.postMessage(build(id), job.transfer ?? []);
    } catch (cause) {
      // A message that cannot be cloned (DataCloneError) is the caller's problem, not the worker's.
      slot.pending.delete(id);
      return Promise.reject(cause instanceof Error ? cause : new Error(describe(cause)));
    }
    const { signal } = job;
    if (signal === undefined) return answer;
    const onAbort = () => {
      const request = slot.pending.get(id);
      if (request === undefined) return;
      slot.pending.delete(id);
      slot.worker.postMessage({ kind: 'cancel', id }, []);
      request.reject(abortError(signal));
    };
    signal.addEventListener('abort', onAbort, { once: true });
    return answer.finally(() => signal.removeEventListener('abort', onAbort));
  }

  return {
    run,
    get usable() {
      return broken === undefined;
    },
    size,
    get running() {
      return slots.length;
    },
    warm() {
      // A worker that cannot start is found out (and counted) when a job needs it, as before.
      try {
        while (broken === undefined && slots.length < size) start();
      } catch {
        return;
      }
    },
    close() {
      broken ??= new WorkerUnavailableError('the pool was closed');
      for (const slot of [...slots]) fail(slot, 'the pool was closed');
    },
  };
}
