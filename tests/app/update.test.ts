/**
 * The update flow in Node with a fake service worker host: a new version is offered, waits for
 * apply or sync work (in this tab or, through the shared locks, another), takes over only
 * after consent, and the page reloads only when this tab asked; the first install and another
 * tab's update never reload a page.
 */
import { createRoot } from 'solid-js';
import { describe, expect, it } from 'vitest';
import { createBusy, type BusyRegistry } from '../../src/app/busy.ts';
import { makeLocalLocks } from '../../src/app/locks.ts';
import type {
  ServiceWorkerHost,
  WaitingWorker,
  WorkerRegistration,
} from '../../src/app/update-host.ts';
import { createUpdates, type UpdateService } from '../../src/app/update.ts';

class FakeWorker extends EventTarget implements WaitingWorker {
  readonly messages: unknown[] = [];
  constructor(public state: string) {
    super();
  }
  postMessage(message: unknown): void {
    this.messages.push(message);
  }
  become(state: string): void {
    this.state = state;
    this.dispatchEvent(new Event('statechange'));
  }
}

class FakeRegistration extends EventTarget implements WorkerRegistration {
  waiting: FakeWorker | null = null;
  installing: FakeWorker | null = null;
  checks = 0;
  async update(): Promise<void> {
    this.checks++;
  }
  /** A new worker arrives and installs: it waits, as `skipWaiting` is off. */
  arrive(): FakeWorker {
    const worker = new FakeWorker('installing');
    this.installing = worker;
    this.dispatchEvent(new Event('updatefound'));
    this.installing = null;
    this.waiting = worker;
    worker.become('installed');
    return worker;
  }
}

class FakeHost implements ServiceWorkerHost {
  readonly registration = new FakeRegistration();
  private listeners: (() => void)[] = [];
  reloads = 0;
  refuse: Error | undefined;
  constructor(public controlledNow: boolean) {}
  async register(): Promise<WorkerRegistration> {
    if (this.refuse !== undefined) throw this.refuse;
    return this.registration;
  }
  controlled = () => this.controlledNow;
  onControllerChange(listener: () => void): void {
    this.listeners.push(listener);
  }
  reload(): void {
    this.reloads++;
  }
  every(): void {}
  /** The worker is removed (the site's data cleared): no worker controls this page. */
  loseControl(): void {
    this.controlledNow = false;
    for (const listener of this.listeners) listener();
  }
  /** The waiting worker (or the first one) takes control of this page. */
  takeControl(): void {
    this.controlledNow = true;
    const worker = this.registration.waiting;
    this.registration.waiting = null;
    worker?.become('activated');
    for (const listener of this.listeners) listener();
  }
}

const SKIP = { type: 'SKIP_WAITING' };
const settle = () => new Promise((done) => setTimeout(done, 0));

function start(host: FakeHost, busy?: BusyRegistry, takeoverMs = 30) {
  return createRoot(() => {
    const registry = busy ?? createBusy(makeLocalLocks());
    const updates = createUpdates({ busy: registry, host, version: 'test', takeoverMs });
    return { busy: registry, updates };
  });
}

const kind = (updates: UpdateService) => updates.state().kind;

describe('update flow', () => {
  it('takes the first visit offline without offering an update or reloading', async () => {
    const host = new FakeHost(false);
    const { updates } = start(host);
    await settle();
    host.registration.arrive(); // first install: no controller yet
    expect(kind(updates)).toBe('current');
    host.takeControl(); // clientsClaim
    expect(updates.offlineReady()).toBe(true);
    expect(kind(updates)).toBe('current');
    expect(host.reloads).toBe(0);
  });

  it('offers a new version, and lets it take over and reloads only after consent', async () => {
    const host = new FakeHost(true);
    const { updates } = start(host);
    await settle();
    const worker = host.registration.arrive();
    expect(kind(updates)).toBe('ready');
    await settle();
    expect(worker.messages).toEqual([]);
    const installing = updates.install();
    await settle();
    expect(worker.messages).toEqual([SKIP]);
    expect(kind(updates)).toBe('installing');
    host.takeControl();
    await installing;
    expect(host.reloads).toBe(1);
  });

  it('does not call the removal of its worker (site data cleared) an update in another tab', async () => {
    const host = new FakeHost(true);
    const { updates } = start(host);
    await settle();
    expect(updates.offlineReady()).toBe(true);
    host.loseControl();
    expect(kind(updates)).toBe('current');
    expect(updates.offlineReady()).toBe(false);
    expect(host.reloads).toBe(0);
  });

  it('offers a version that was already waiting when the page loaded', async () => {
    const host = new FakeHost(true);
    host.registration.waiting = new FakeWorker('installed');
    const { updates } = start(host);
    await settle();
    expect(kind(updates)).toBe('ready');
  });

  it('does nothing on consent while this tab applies', async () => {
    const host = new FakeHost(true);
    const { updates, busy } = start(host);
    await settle();
    const worker = host.registration.arrive();
    let finish!: () => void;
    const apply = busy.run('apply', 'applying', () => new Promise<void>((done) => (finish = done)));
    await settle();
    await updates.install();
    expect(worker.messages).toEqual([]);
    expect(kind(updates)).toBe('ready');
    finish();
    await apply;
    const installing = updates.install();
    await settle();
    expect(worker.messages).toEqual([SKIP]);
    host.takeControl();
    await installing;
    expect(host.reloads).toBe(1);
  });

  it('waits for an apply in another tab before the new version takes over', async () => {
    const locks = makeLocalLocks(); // Web Locks are shared by the origin's tabs
    const host = new FakeHost(true);
    const here = start(
      host,
      createRoot(() => createBusy(locks)),
    );
    const otherTab = createRoot(() => createBusy(locks));
    await settle();
    const worker = host.registration.arrive();
    let finish!: () => void;
    const apply = otherTab.run('apply', 'a', () => new Promise<void>((done) => (finish = done)));
    await settle();
    const installing = here.updates.install();
    await settle();
    expect(kind(here.updates)).toBe('waiting-for-work');
    expect(worker.messages).toEqual([]);
    finish();
    await apply;
    await settle();
    expect(worker.messages).toEqual([SKIP]);
    host.takeControl();
    await installing;
    expect(host.reloads).toBe(1);
  });

  it('tells a tab that another tab updated, and reloads it only when asked', async () => {
    const host = new FakeHost(true);
    const { updates } = start(host);
    await settle();
    host.registration.arrive();
    host.takeControl(); // another tab's consent
    expect(kind(updates)).toBe('stale');
    expect(host.reloads).toBe(0);
    await updates.install();
    expect(host.reloads).toBe(1);
  });

  it('offers the version again when it does not take over, and frees the busy lock', async () => {
    const host = new FakeHost(true);
    const { updates, busy } = start(host, undefined, 5);
    await settle();
    host.registration.arrive();
    await updates.install(); // nobody takes control
    expect(updates.state()).toMatchObject({ kind: 'failed' });
    expect(host.reloads).toBe(0);
    expect(await busy.run('apply', 'next', async () => 'ran')).toBe('ran');
  });

  it('says so when the service worker cannot be registered', async () => {
    const host = new FakeHost(false);
    host.refuse = new Error('SecurityError: insecure origin');
    const { updates } = start(host);
    await settle();
    expect(updates.state()).toEqual({
      kind: 'unavailable',
      message: 'SecurityError: insecure origin',
    });
  });

  it('says so when the browser resolves the registration with nothing (service workers blocked)', async () => {
    const host = new FakeHost(false);
    host.register = async () => undefined as unknown as WorkerRegistration;
    const { updates } = start(host);
    await settle();
    expect(updates.state()).toMatchObject({ kind: 'unavailable' });
    expect(await updates.check()).toBe(false);
  });

  it('checks for a new version on request', async () => {
    const host = new FakeHost(true);
    const { updates } = start(host);
    await settle();
    expect(await updates.check()).toBe(true);
    expect(host.registration.checks).toBe(1);
  });
});
