/**
 * The app's "busy" registry: work that must not be cut short by a new version taking over
 * (an apply writing a target, a sync or ledger import writing the store) runs through
 * `busy.run`, and the update flow (./update.ts) runs its switch through `busy.whenIdle`, which
 * starts only once no such work is running, in this tab or, through Web Locks, any other tab
 * of the app. While the switch runs, new work waits for it (the page reloads right after).
 *
 * While work runs in this tab, leaving the page (reload, close, another address) first asks
 * the browser's "Leave site?" (`beforeunload`): an apply, a rollback or an import cut short
 * there is not recorded as done.
 *
 * Never call `run` from inside `whenIdle` (or the reverse): each would wait for the other.
 */
import { createSignal, type Accessor } from 'solid-js';
import { defaultLocks, type LockManagerLike } from './locks.ts';

/** What the work is; the update banner names it ("the apply in progress"). */
export type BusyKind = 'apply' | 'sync';

export interface BusyTask {
  readonly id: number;
  readonly kind: BusyKind;
  /** A few words for people: "applying fix-printf.json to plant-a". */
  readonly label: string;
}

export interface BusyRegistry {
  /** The work running in this tab now (listed from the call to `run` until it settles). */
  readonly tasks: Accessor<readonly BusyTask[]>;
  /** Runs `work` as busy work; resolves or rejects as it does. */
  run<T>(kind: BusyKind, label: string, work: () => Promise<T>): Promise<T>;
  /**
   * Runs `then` once no busy work runs in any tab, holding new work off until it settles.
   * `signal` aborted while it waits: `then` never runs, and it rejects with an AbortError.
   */
  whenIdle<T>(then: () => Promise<T>, signal?: AbortSignal): Promise<T>;
}

/** The Web Lock every busy task holds shared, and the update takes exclusive. */
export const BUSY_LOCK = 'patchtrail:busy';

/** Where the page hears it is about to be left (the window; a stand-in in tests). */
export type LeavingTarget = Pick<EventTarget, 'addEventListener' | 'removeEventListener'>;

/** Asks the browser to confirm leaving (preventDefault; returnValue for older Chromium). */
function holdLeaving(event: Event): void {
  event.preventDefault();
  // Only a BeforeUnloadEvent's returnValue can be set (a plain Event's has a getter only).
  if (typeof BeforeUnloadEvent !== 'undefined' && event instanceof BeforeUnloadEvent)
    event.returnValue = '';
}

export function createBusy(
  locks: LockManagerLike = defaultLocks(),
  page: LeavingTarget | undefined = globalThis.window,
): BusyRegistry {
  const [tasks, setTasks] = createSignal<readonly BusyTask[]>([]);
  let nextId = 1;
  let running = 0;
  return {
    tasks,
    async run(kind, label, work) {
      const task: BusyTask = { id: nextId++, kind, label };
      setTasks((list) => [...list, task]);
      if (running++ === 0) page?.addEventListener('beforeunload', holdLeaving);
      try {
        return await locks.request(BUSY_LOCK, { mode: 'shared' }, work);
      } finally {
        if (--running === 0) page?.removeEventListener('beforeunload', holdLeaving);
        setTasks((list) => list.filter((other) => other !== task));
      }
    },
    whenIdle: (then, signal) =>
      locks.request(
        BUSY_LOCK,
        signal ? { mode: 'exclusive', signal } : { mode: 'exclusive' },
        then,
      ),
  };
}

/** "the apply in progress", "the sync and the apply in progress": for the update banner. */
export function describeBusy(tasks: readonly BusyTask[]): string {
  const kinds = [...new Set(tasks.map((task) => task.kind))].sort();
  return `the ${kinds.join(' and the ')} in progress`;
}
