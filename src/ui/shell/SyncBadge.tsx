/** The sync state in words, with a dot whose colour repeats what the words say. */
import type { SyncState } from '../../app/sync.ts';

export function syncText(state: SyncState): string {
  switch (state.kind) {
    case 'no-team':
    case 'not-connected':
      return 'Not connected';
    case 'offline':
      return 'Offline';
    case 'connecting':
      return 'Connecting…';
    case 'connected':
      return state.peers === 1 ? 'Connected to 1 peer' : `Connected to ${state.peers} peers`;
  }
}

export function SyncBadge(props: { state: SyncState }) {
  const title = () =>
    props.state.kind === 'not-connected' ? `Not connected: ${props.state.reason}` : undefined;
  return (
    <span class="sync" data-testid="sync-state" data-sync={props.state.kind} title={title()}>
      <span class="sync-dot" aria-hidden="true" />
      <span class="sync-text">{syncText(props.state)}</span>
    </span>
  );
}
