/**
 * The part of the Web Locks API (`navigator.locks`) the busy registry uses, and a stand-in for
 * one page where the API is missing (Node tests, old browsers). Web Locks are shared by every
 * tab of the origin, which is what lets an update in one tab wait for an apply in another;
 * the stand-in only sees its own page.
 *
 * Both grant requests in the order they were made: a shared request joins the shared holders
 * unless an exclusive one holds the lock or waits before it; an exclusive one waits for all.
 */

export type LockMode = 'shared' | 'exclusive';

export interface LockManagerLike {
  /** `signal`: aborted while the request waits, it is withdrawn and rejects with an AbortError. */
  request<T>(
    name: string,
    options: { mode: LockMode; signal?: AbortSignal },
    callback: () => Promise<T>,
  ): Promise<T>;
}

interface Waiter {
  mode: LockMode;
  grant(): void;
}

interface LockState {
  shared: number;
  exclusive: boolean;
  queue: Waiter[];
}

/** Web Locks semantics for one page, in memory. */
export function makeLocalLocks(): LockManagerLike {
  const locks = new Map<string, LockState>();

  function grantable(state: LockState, mode: LockMode): boolean {
    return mode === 'shared' ? !state.exclusive : !state.exclusive && state.shared === 0;
  }

  function pump(state: LockState): void {
    for (let next = state.queue[0]; next !== undefined; next = state.queue[0]) {
      if (!grantable(state, next.mode)) return;
      state.queue.shift();
      if (next.mode === 'shared') state.shared++;
      else state.exclusive = true;
      next.grant();
    }
  }

  return {
    async request(name, { mode, signal }, callback) {
      let state = locks.get(name);
      if (state === undefined) {
        state = { shared: 0, exclusive: false, queue: [] };
        locks.set(name, state);
      }
      const held = state;
      signal?.throwIfAborted();
      await new Promise<void>((grant, refuse) => {
        const withdraw = () => {
          held.queue.splice(held.queue.indexOf(waiter), 1);
          pump(held); // a shared request behind a withdrawn exclusive one may go now
          refuse(signal?.reason);
        };
        const waiter: Waiter = {
          mode,
          grant: () => {
            signal?.removeEventListener('abort', withdraw);
            grant();
          },
        };
        signal?.addEventListener('abort', withdraw, { once: true });
        held.queue.push(waiter);
        pump(held);
      });
      try {
        return await callback();
      } finally {
        if (mode === 'shared') held.shared--;
        else held.exclusive = false;
        pump(held);
      }
    },
  };
}

/** The browser's Web Locks when it has them, otherwise the in-page stand-in. */
export function defaultLocks(): LockManagerLike {
  const locks = (globalThis.navigator as Navigator | undefined)?.locks;
  return locks === undefined ? makeLocalLocks() : locks;
}
