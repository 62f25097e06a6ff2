/**
 * The window's title for each screen ("Policy · patchtrail"): what a screen reader says as a
 * page changes, and what a tab, a history entry and a window switcher show. Pure: the route's
 * path in, the title out.
 */
export const APP_NAME = 'patchtrail';

const SCREENS: Readonly<Record<string, string>> = {
  inbox: 'Inbox',
  patch: 'Patch detail',
  ledger: 'Ledger',
  audit: 'Audit',
  reputation: 'Reputation',
  team: 'Team',
  join: 'Join a team',
  policy: 'Policy',
  peers: 'Peers',
  settings: 'Settings',
  kiosk: 'Kiosk',
};

/** The title for the route at `pathname` ("/policy", "/patch/sha256:…"); the app's name alone at the root. */
export function pageTitle(pathname: string): string {
  const first = pathname.split('/').find((part) => part !== '');
  if (first === undefined) return APP_NAME;
  const screen = Object.hasOwn(SCREENS, first) ? SCREENS[first] : 'Nothing here';
  return `${screen} · ${APP_NAME}`;
}
