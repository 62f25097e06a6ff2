/**
 * The sync state in words, with a dot whose colour repeats what the words say. Offline, it says
 * how old this device's copy of the ledger is ("ledger last synced 3 days ago", UX.md): evidence
 * age matters to anyone deciding from it.
 */
import { Show } from 'solid-js';
import type { SyncState } from '../../app/sync.ts';
import { formatAgo, formatCount } from '../components/format.ts';

export function syncText(state: SyncState): string {
  switch (state.kind) {
    case 'no-team':
    case 'not-connected':
      return 'Not connected';
    case 'offline':
      return 'Offline';
    case 'connecting':
      return 'Connecting…';
    case 'connected': {
      // Another tab of this app in this browser is this same device, not a teammate.
      const tabs = state.tabs ?? 0;
      const peers = state.peers - tabs;
      const otherTabs =
        tabs === 1 ? 'another tab of this device' : `${tabs} other tabs of this device`;
      if (peers > 0) {
        const connected = peers === 1 ? 'Connected to 1 peer' : `Connected to ${peers} peers`;
        return tabs === 0 ? connected : `${connected} and ${otherTabs}`;
      }
      if (tabs === 0) return 'Online, no peers yet';
      return `No peers yet; ${otherTabs} ${tabs === 1 ? 'is' : 'are'} open`;
    }
  }
}

/** "checking 4,096 of 9,999 entries": a large change from peers (a first sync) under way. */
export function syncChecking(state: SyncState): string | undefined {
  if (state.kind !== 'connected' || state.checking === undefined) return undefined;
  const { done, total } = state.checking;
  const entries = total === 1 ? 'entry' : 'entries';
  return `checking ${formatCount(Math.min(done, total))} of ${formatCount(total)} ${entries}`;
}

/**
 * "ledger last synced" + "3 days ago" / "ledger" + "never synced", or nothing while connected
 * (the lead words give way on phones).
 */
export function syncAge(
  state: SyncState,
  lastSync: number | undefined,
  now: number,
): { lead: string; age: string } | undefined {
  if (state.kind !== 'offline' && state.kind !== 'connecting') return undefined;
  if (lastSync === undefined)
    return state.kind === 'offline' ? { lead: 'ledger', age: 'never synced' } : undefined;
  return { lead: 'ledger last synced', age: formatAgo(lastSync, now) };
}

export function SyncBadge(props: { state: SyncState; lastSync: number | undefined; now: number }) {
  const age = () => syncAge(props.state, props.lastSync, props.now);
  const title = () => {
    if (props.state.kind === 'not-connected') return `Not connected: ${props.state.reason}`;
    const checking = syncChecking(props.state);
    if (checking !== undefined) return `${syncText(props.state)}: ${checking} from peers`;
    const said = age();
    return said === undefined ? undefined : `${syncText(props.state)}: ${said.lead} ${said.age}`;
  };
  return (
    <span class="sync" data-testid="sync-state" data-sync={props.state.kind} title={title()}>
      <span class="sync-dot" aria-hidden="true" />
      <span class="sync-text">
        {syncText(props.state)}
        <Show when={syncChecking(props.state)}>
          {(words) => (
            <span class="sync-checking" data-testid="sync-checking">
              {' · '}
              {words()}
            </span>
          )}
        </Show>
        <Show when={age()}>
          {(said) => (
            <span class="sync-age" data-testid="sync-age">
              {' · '}
              <span class="sync-age-lead">{said().lead} </span>
              {said().age}
            </span>
          )}
        </Show>
      </span>
    </span>
  );
}
