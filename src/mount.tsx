/**
 * Mounts the app: applies the chosen theme, sends a page opened at the root home (ui/home.ts),
 * makes the services once, provides them and renders the routes, with every text on the page
 * made visible (ui/visible-text.ts). src/main.tsx calls it for the page; the offline
 * end-to-end tests mount the same app through it from a test entry that also hands the
 * services to the test.
 */
import { render } from 'solid-js/web';
import type { AppServices } from './app/context.ts';
import { ServicesContext } from './app/context.ts';
import { applyStoredTheme } from './app/theme.ts';
import { makeAppServices, type WiringOptions } from './app/wiring.ts';
import { App } from './ui/App.tsx';
import { openAtHome } from './ui/home.ts';
import { guardVisibleText } from './ui/visible-text.ts';
import './ui/tokens.css';
import './ui/base.css';

export interface MountOptions extends WiringOptions {
  /** Hears the services once they are made. */
  onServices?: (services: AppServices) => void;
}

export function mountApp(root: HTMLElement, options: MountOptions = {}): () => void {
  applyStoredTheme();
  openAtHome(root.ownerDocument.defaultView ?? window);
  const unguard = guardVisibleText(root.ownerDocument.body);
  const dispose = render(() => {
    const { onServices, ...wiring } = options;
    const services = makeAppServices(wiring);
    onServices?.(services);
    return (
      <ServicesContext.Provider value={services}>
        <App />
      </ServicesContext.Provider>
    );
  }, root);
  return () => {
    dispose();
    unguard();
  };
}
