/**
 * The browser side of the update flow (./update.ts) behind a small interface, so the flow can
 * be tested in Node with a fake: registering the service worker, whether one controls the
 * page, reloading, and the moments to look for a new version (hourly, back online, shown).
 */

/** The parts of a ServiceWorker the flow uses. */
export interface WaitingWorker {
  readonly state: string;
  postMessage(message: unknown): void;
  addEventListener(type: 'statechange', listener: () => void): void;
}

/** The parts of a ServiceWorkerRegistration the flow uses. */
export interface WorkerRegistration {
  readonly waiting: WaitingWorker | null;
  readonly installing: WaitingWorker | null;
  addEventListener(type: 'updatefound', listener: () => void): void;
  update(): Promise<unknown>;
}

export interface ServiceWorkerHost {
  register(): Promise<WorkerRegistration>;
  /** Whether a service worker controls this page now. */
  controlled(): boolean;
  onControllerChange(listener: () => void): void;
  reload(): void;
  /** Calls `check` every `ms`, and when the network returns or the tab is shown again. */
  every(ms: number, check: () => void): void;
}

/** The service worker's file, beside index.html (vite.pwa.ts). */
const SCRIPT = 'sw.js';

/**
 * The browser's service worker API, or undefined where there is none to use: no
 * `navigator.serviceWorker` (an insecure origin, an old browser), or the development server,
 * which builds no service worker.
 */
export function browserHost(): ServiceWorkerHost | undefined {
  const container = (globalThis.navigator as Navigator | undefined)?.serviceWorker;
  if (container === undefined || !import.meta.env.PROD) return undefined;
  const base = import.meta.env.BASE_URL;
  return {
    async register() {
      // After the page's own load, so precaching does not compete with the first screen.
      if (document.readyState !== 'complete')
        await new Promise((done) => window.addEventListener('load', done, { once: true }));
      return container.register(`${base}${SCRIPT}`, { scope: base, type: 'classic' });
    },
    controlled: () => container.controller !== null,
    onControllerChange: (listener) => container.addEventListener('controllerchange', listener),
    reload: () => window.location.reload(),
    every(ms, check) {
      setInterval(check, ms);
      window.addEventListener('online', check);
      document.addEventListener('visibilitychange', () => {
        if (document.visibilityState === 'visible') check();
      });
    },
  };
}
