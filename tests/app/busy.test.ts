/**
 * The busy registry and the in-page lock stand-in, in Node: an update's switch (`whenIdle`)
 * never overlaps apply or sync work, waits for work already running, and holds new work off
 * while it runs; the tasks signal lists work from start to end.
 */
import fc from 'fast-check';
import { createRoot } from 'solid-js';
import { describe, expect, it } from 'vitest';
import { createBusy, describeBusy } from '../../src/app/busy.ts';
import { makeLocalLocks, type LockMode } from '../../src/app/locks.ts';

/** A promise and the function that resolves it. */
function gate() {
  let open!: () => void;
  const opened = new Promise<void>((done) => (open = done));
  return { open, opened };
}

const ticks = async (n = 5) => {
  for (let i = 0; i < n; i++) await Promise.resolve();
};

const inRoot = <T>(make: () => T) => createRoot(() => make());

describe('busy registry', () => {
  it('lists work while it runs, and runs the switch only once it has finished', async () => {
    const busy = inRoot(() => createBusy(makeLocalLocks()));
    const apply = gate();
    const events: string[] = [];
    const running = busy.run('apply', 'applying fix.json to plant-a', async () => {
      events.push('apply started');
      await apply.opened;
      events.push('apply done');
      return 'applied';
    });
    await ticks();
    expect(busy.tasks().map((t) => [t.kind, t.label])).toEqual([
      ['apply', 'applying fix.json to plant-a'],
    ]);
    const update = busy.whenIdle(async () => void events.push('update'));
    await ticks();
    expect(events).toEqual(['apply started']);
    apply.open();
    expect(await running).toBe('applied');
    await update;
    expect(events).toEqual(['apply started', 'apply done', 'update']);
    expect(busy.tasks()).toEqual([]);
  });

  it('holds new work off while the switch runs, and lists it as waiting', async () => {
    const busy = inRoot(() => createBusy(makeLocalLocks()));
    const update = gate();
    const events: string[] = [];
    const switching = busy.whenIdle(async () => {
      events.push('update started');
      await update.opened;
      events.push('update done');
    });
    await ticks();
    const sync = busy.run('sync', 'importing team.ledger', async () => void events.push('sync'));
    await ticks();
    expect(events).toEqual(['update started']);
    expect(busy.tasks().map((t) => t.kind)).toEqual(['sync']);
    update.open();
    await Promise.all([switching, sync]);
    expect(events).toEqual(['update started', 'update done', 'sync']);
  });

  it('takes failed work off the list and lets the switch run', async () => {
    const busy = inRoot(() => createBusy(makeLocalLocks()));
    const failing = busy.run('apply', 'x', () => Promise.reject(new Error('conflict')));
    await expect(failing).rejects.toThrow('conflict');
    expect(busy.tasks()).toEqual([]);
    expect(await busy.whenIdle(async () => 'ran')).toBe('ran');
  });

  it('withdraws a waiting switch when it is cancelled: it never runs, and work behind it goes on', async () => {
    const busy = inRoot(() => createBusy(makeLocalLocks()));
    const apply = gate();
    const events: string[] = [];
    const running = busy.run('apply', 'applying', async () => {
      await apply.opened;
      events.push('apply');
    });
    await ticks();
    const cancel = new AbortController();
    const forget = busy.whenIdle(async () => void events.push('forget'), cancel.signal);
    await ticks();
    // Work asked for after the switch waits behind it...
    const sync = busy.run('sync', 'importing', async () => void events.push('sync'));
    await ticks();
    expect(events).toEqual([]);
    cancel.abort();
    await expect(forget).rejects.toMatchObject({ name: 'AbortError' });
    // ...and goes beside the apply once the switch is withdrawn.
    await sync;
    expect(events).toEqual(['sync']);
    apply.open();
    await running;
    await ticks(20);
    expect(events).toEqual(['sync', 'apply']);
    // Already cancelled: refused at once.
    await expect(busy.whenIdle(async () => 'ran', cancel.signal)).rejects.toMatchObject({
      name: 'AbortError',
    });
    expect(await busy.whenIdle(async () => 'ran', new AbortController().signal)).toBe('ran');
  });

  it('names the work for the update banner', () => {
    const task = (kind: 'apply' | 'sync', id: number) => ({ id, kind, label: '' });
    expect(describeBusy([task('apply', 1)])).toBe('the apply in progress');
    expect(describeBusy([task('sync', 1), task('apply', 2), task('sync', 3)])).toBe(
      'the apply and the sync in progress',
    );
  });
});

describe('in-page locks (Web Locks stand-in)', () => {
  /** Runs requests with the given modes and hold times; records when each ran. */
  async function runSchedule(schedule: { mode: LockMode; start: number; hold: number }[]) {
    const locks = makeLocalLocks();
    const spans: { mode: LockMode; from: number; to: number; asked: number }[] = [];
    let clock = 0;
    const done: Promise<void>[] = [];
    const byStart = [...schedule].sort((a, b) => a.start - b.start);
    for (const request of byStart) {
      while (clock < request.start) {
        clock++;
        await ticks(1);
      }
      const asked = clock;
      done.push(
        locks.request('x', { mode: request.mode }, async () => {
          const from = clock;
          for (let i = 0; i < request.hold; i++) {
            clock++;
            await ticks(1);
          }
          spans.push({ mode: request.mode, from, to: clock, asked });
        }),
      );
    }
    await Promise.all(done);
    return spans;
  }

  it('never lets an exclusive holder overlap another holder (property)', async () => {
    const request = fc.record({
      mode: fc.constantFrom<LockMode>('shared', 'exclusive'),
      start: fc.nat(20),
      hold: fc.integer({ min: 1, max: 6 }),
    });
    await fc.assert(
      fc.asyncProperty(fc.array(request, { minLength: 1, maxLength: 12 }), async (schedule) => {
        const spans = await runSchedule(schedule);
        expect(spans).toHaveLength(schedule.length);
        for (const a of spans)
          for (const b of spans) {
            if (a === b || (a.mode === 'shared' && b.mode === 'shared')) continue;
            const overlap = a.from < b.to && b.from < a.to;
            expect(overlap).toBe(false);
          }
      }),
      { numRuns: 200 },
    );
  });

  it('grants in request order: shared work asked after a waiting exclusive waits behind it', async () => {
    const locks = makeLocalLocks();
    const first = gate();
    const order: string[] = [];
    const a = locks.request('x', { mode: 'shared' }, async () => {
      order.push('shared 1');
      await first.opened;
    });
    const b = locks.request('x', { mode: 'exclusive' }, async () => void order.push('exclusive'));
    const c = locks.request('x', { mode: 'shared' }, async () => void order.push('shared 2'));
    await ticks();
    expect(order).toEqual(['shared 1']);
    first.open();
    await Promise.all([a, b, c]);
    expect(order).toEqual(['shared 1', 'exclusive', 'shared 2']);
  });
});

describe('leaving the page while work runs', () => {
  const leaving = (page: EventTarget) => {
    const event = new Event('beforeunload', { cancelable: true });
    page.dispatchEvent(event);
    return event.defaultPrevented ? 'asks first' : 'leaves';
  };

  it('asks before leaving while an apply or an import runs in this tab, not otherwise', async () => {
    const page = new EventTarget();
    const busy = inRoot(() => createBusy(makeLocalLocks(), page));
    expect(leaving(page)).toBe('leaves');
    const apply = gate();
    const importing = gate();
    const one = busy.run('apply', 'applying fix.json to plant-a', () => apply.opened);
    const two = busy.run('sync', 'importing team.ledger', () => importing.opened);
    await ticks();
    expect(leaving(page)).toBe('asks first');
    apply.open();
    await one;
    expect(leaving(page)).toBe('asks first'); // the import still runs
    importing.open();
    await two;
    expect(leaving(page)).toBe('leaves');
    const failing = busy.run('apply', 'rolling back fix.json', () =>
      Promise.reject(new Error('x')),
    );
    await expect(failing).rejects.toThrow('x');
    expect(leaving(page)).toBe('leaves');
  });
});
