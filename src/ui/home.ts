/**
 * The app's home screen, and how a page opened at the app's root reaches it. The root is sent
 * home before the router starts, by replacing the URL (no history entry, nothing to wait for),
 * rather than by the root route's redirect, which is a router transition that ends only once
 * the home screen's code has loaded: a link opened within that time (an invitation pasted
 * into the address bar as the app starts) could have its URL overwritten when the redirect
 * finished. The root route keeps its redirect for links to `#/` inside the running app.
 */
export const HOME_ROUTE = '/inbox';

/** The parts of `window` this needs. */
export interface HomeWindow {
  readonly location: { readonly hash: string };
  readonly history: {
    readonly state: unknown;
    replaceState(state: unknown, unused: string, url: string): void;
  };
}

/** Whether `hash` (as `location.hash` gives it) names the app's root. */
export function atRoot(hash: string): boolean {
  return hash === '' || hash === '#' || hash === '#/';
}

/** Sends a page opened at the app's root home; any other address is left as it is. */
export function openAtHome(win: HomeWindow): void {
  if (atRoot(win.location.hash)) win.history.replaceState(win.history.state, '', `#${HOME_ROUTE}`);
}
