/**
 * A pool worker in Node for app tests: it receives what postMessage would deliver (a
 * structured clone that moves the transferred buffers), runs the real worker loop
 * (worker/dispatch.ts) on it and answers the same way, asynchronously. On cue it holds its
 * requests (the test answers them), crashes on the first request, fails to load, or never
 * says anything at all (a load that hangs).
 */
import type { WorkerLike } from '../../src/app/worker-pool.ts';
import { makeDispatcher } from '../../worker/dispatch.ts';

export type Behaviour = 'answer' | 'hold' | 'crash' | 'fail-to-load' | 'silent';

export interface Posted {
  message: { kind: string; id: number } & Record<string, unknown>;
  transfer: Transferable[];
  /** Bytes of the buffers transferred with it, counted as they arrived (they move on later). */
  transferredBytes: number;
}

export class FakePoolWorker extends EventTarget implements WorkerLike {
  /** Requests as the worker received them (cancels are in `cancels`). */
  readonly requests: Posted[] = [];
  readonly cancels: number[] = [];
  terminated = false;
  private readonly dispatch = makeDispatcher((message, transfer) =>
    this.reply(structuredClone(message, { transfer: transfer as Transferable[] })),
  );

  constructor(public behaviour: Behaviour = 'answer') {
    super();
    if (behaviour === 'silent') return;
    setTimeout(() => (behaviour === 'fail-to-load' ? this.crash() : this.reply({ kind: 'ready' })));
  }

  postMessage(message: unknown, transfer: Transferable[]): void {
    if (this.terminated) return;
    const transferredBytes = transfer.reduce<number>(
      (n, item) => n + (item instanceof ArrayBuffer ? item.byteLength : 0),
      0,
    );
    const arrived = structuredClone(message, { transfer }) as Posted['message'];
    if (arrived.kind === 'cancel') {
      this.cancels.push(arrived.id);
      if (this.behaviour === 'answer') void this.dispatch(arrived);
      return;
    }
    this.requests.push({ message: arrived, transfer, transferredBytes });
    if (this.behaviour === 'crash') setTimeout(() => this.crash());
    if (this.behaviour === 'answer') setTimeout(() => void this.dispatch(arrived));
  }

  /** Runs the real job on the i-th request now and answers it (for a 'hold' worker). */
  async answer(i = 0): Promise<void> {
    const request = this.requests[i];
    if (request === undefined) throw new Error(`no request ${i}`);
    await this.dispatch(request.message);
  }

  reply(data: unknown): void {
    if (this.terminated) return;
    this.dispatchEvent(new MessageEvent('message', { data }));
  }

  crash(message = 'boom'): void {
    const event = new Event('error', { cancelable: true });
    Object.defineProperty(event, 'message', { value: message });
    this.dispatchEvent(event);
  }

  terminate(): void {
    this.terminated = true;
  }
}

/** Starts fake workers, keeping every one it started. */
export function fakeWorkers(...behaviours: Behaviour[]): {
  start: () => FakePoolWorker;
  started: FakePoolWorker[];
} {
  const started: FakePoolWorker[] = [];
  return {
    started,
    start: () => {
      const worker = new FakePoolWorker(
        behaviours[started.length] ?? behaviours.at(-1) ?? 'answer',
      );
      started.push(worker);
      return worker;
    },
  };
}

/** Resolves once `worker` has received `count` requests. */
export async function untilRequested(worker: () => FakePoolWorker | undefined, count = 1) {
  for (;;) {
    const current = worker();
    if (current !== undefined && current.requests.length >= count) return current;
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
}
