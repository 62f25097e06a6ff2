/**
 * The app's routes (hash-based: they work from a static server and offline, and an
 * invitation's secret stays in the fragment, which never reaches a server). Each page is
 * lazy-loaded so the first screen's JavaScript stays small; the frame (shell/Frame.tsx) is the
 * root layout: the shell, except for the full-screen kiosk, and the kiosk guard.
 */
import { HashRouter, Navigate, Route } from '@solidjs/router';
import { lazy } from 'solid-js';
import { HOME_ROUTE } from './home.ts';
import { Frame } from './shell/Frame.tsx';

const InboxPage = lazy(() => import('./pages/inbox/InboxPage.tsx'));
const PatchPage = lazy(() => import('./pages/patch/PatchPage.tsx'));
const LedgerPage = lazy(() => import('./pages/ledger/LedgerPage.tsx'));
const AuditPage = lazy(() => import('./pages/audit/AuditPage.tsx'));
const ReputationPage = lazy(() => import('./pages/reputation/ReputationPage.tsx'));
const TeamPage = lazy(() => import('./pages/team/TeamPage.tsx'));
const JoinPage = lazy(() => import('./pages/join/JoinPage.tsx'));
const PolicyPage = lazy(() => import('./pages/policy/PolicyPage.tsx'));
const PeersPage = lazy(() => import('./pages/peers/PeersPage.tsx'));
const SettingsPage = lazy(() => import('./pages/settings/SettingsPage.tsx'));
const KioskPage = lazy(() => import('./pages/kiosk/KioskPage.tsx'));
const NotFoundPage = lazy(() => import('./pages/NotFoundPage.tsx'));

export function App() {
  return (
    <HashRouter root={Frame}>
      <Route path="/" component={() => <Navigate href={HOME_ROUTE} />} />
      <Route path={HOME_ROUTE} component={InboxPage} />
      <Route path="/patch/:key" component={PatchPage} />
      <Route path="/ledger" component={LedgerPage} />
      <Route path="/audit" component={AuditPage} />
      <Route path="/reputation" component={ReputationPage} />
      <Route path="/team" component={TeamPage} />
      <Route path="/join" component={JoinPage} />
      <Route path="/policy" component={PolicyPage} />
      <Route path="/peers" component={PeersPage} />
      <Route path="/settings" component={SettingsPage} />
      <Route path="/kiosk" component={KioskPage} />
      <Route path="*" component={NotFoundPage} />
    </HashRouter>
  );
}
