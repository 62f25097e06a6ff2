/**
 * Navigation: a sidebar from 48rem up, a bottom bar on phones; each target at least 44 px.
 * On phones the bar holds the four screens a technician uses most and a "More" button; the
 * rest open in a panel above the bar, so no label is cut.
 */
import { A, useLocation } from '@solidjs/router';
import { createEffect, createSignal, For, onCleanup, Show, type JSX } from 'solid-js';
import {
  AuditIcon,
  InboxIcon,
  LedgerIcon,
  MoreIcon,
  PeersIcon,
  PolicyIcon,
  ReputationIcon,
  SettingsIcon,
  TeamIcon,
} from '../components/icons.tsx';

interface Item {
  href: string;
  label: string;
  icon: () => JSX.Element;
  /** Shown in the phone's bar itself; the others go under "More". */
  primary?: true;
}

const ITEMS: Item[] = [
  { href: '/inbox', label: 'Inbox', icon: InboxIcon, primary: true },
  { href: '/ledger', label: 'Ledger', icon: LedgerIcon, primary: true },
  { href: '/audit', label: 'Audit', icon: AuditIcon, primary: true },
  { href: '/reputation', label: 'Reputation', icon: ReputationIcon },
  { href: '/team', label: 'Team', icon: TeamIcon, primary: true },
  { href: '/policy', label: 'Policy', icon: PolicyIcon },
  { href: '/peers', label: 'Peers', icon: PeersIcon },
  { href: '/settings', label: 'Settings', icon: SettingsIcon },
];

const MORE = ITEMS.filter((item) => item.primary === undefined);

function NavLink(props: { item: Item; onClick?: () => void }) {
  return (
    <A href={props.item.href} class="nav-link" activeClass="nav-active" onClick={props.onClick}>
      {props.item.icon()}
      <span>{props.item.label}</span>
    </A>
  );
}

export function NavBar() {
  const [open, setOpen] = createSignal(false);
  const location = useLocation();
  const inMore = () => MORE.some((item) => location.pathname.startsWith(item.href));
  let root: HTMLElement | undefined;
  let button: HTMLButtonElement | undefined;

  createEffect(() => {
    if (!open()) return;
    const away = (event: PointerEvent) => {
      if (root !== undefined && !root.contains(event.target as Node)) setOpen(false);
    };
    const escape = (event: KeyboardEvent) => {
      if (event.key !== 'Escape') return;
      setOpen(false);
      button?.focus();
    };
    document.addEventListener('pointerdown', away);
    document.addEventListener('keydown', escape);
    onCleanup(() => {
      document.removeEventListener('pointerdown', away);
      document.removeEventListener('keydown', escape);
    });
  });

  return (
    <nav class="navbar" aria-label="Main" ref={root}>
      <ul>
        <For each={ITEMS}>
          {(item) => (
            <li classList={{ 'nav-secondary': item.primary === undefined }}>
              <NavLink item={item} />
            </li>
          )}
        </For>
        <li class="nav-more">
          <button
            ref={button}
            type="button"
            class="nav-link"
            classList={{ 'nav-active': inMore() }}
            aria-expanded={open()}
            aria-controls="nav-more-panel"
            onClick={() => setOpen(!open())}
          >
            <MoreIcon />
            <span>More</span>
          </button>
        </li>
      </ul>
      <Show when={open()}>
        <ul id="nav-more-panel" class="nav-more-panel">
          <For each={MORE}>
            {(item) => (
              <li>
                <NavLink item={item} onClick={() => setOpen(false)} />
              </li>
            )}
          </For>
        </ul>
      </Show>
    </nav>
  );
}
