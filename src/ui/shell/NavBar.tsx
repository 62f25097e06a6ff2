/** Navigation: a sidebar from 48rem up, a bottom bar on phones; each target at least 44 px. */
import { A } from '@solidjs/router';
import { For, type JSX } from 'solid-js';
import {
  AuditIcon,
  InboxIcon,
  LedgerIcon,
  PeersIcon,
  PolicyIcon,
  ReputationIcon,
  SettingsIcon,
  TeamIcon,
} from '../components/icons.tsx';

const ITEMS: { href: string; label: string; icon: () => JSX.Element }[] = [
  { href: '/inbox', label: 'Inbox', icon: InboxIcon },
  { href: '/ledger', label: 'Ledger', icon: LedgerIcon },
  { href: '/audit', label: 'Audit', icon: AuditIcon },
  { href: '/reputation', label: 'Reputation', icon: ReputationIcon },
  { href: '/team', label: 'Team', icon: TeamIcon },
  { href: '/policy', label: 'Policy', icon: PolicyIcon },
  { href: '/peers', label: 'Peers', icon: PeersIcon },
  { href: '/settings', label: 'Settings', icon: SettingsIcon },
];

export function NavBar() {
  return (
    <nav class="navbar" aria-label="Main">
      <ul>
        <For each={ITEMS}>
          {(item) => (
            <li>
              <A href={item.href} class="nav-link" activeClass="nav-active">
                {item.icon()}
                <span>{item.label}</span>
              </A>
            </li>
          )}
        </For>
      </ul>
    </nav>
  );
}
