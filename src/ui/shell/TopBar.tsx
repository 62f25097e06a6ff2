/** The top bar: the app, the current team, the sync state and this device. */
import { A } from '@solidjs/router';
import { Show } from 'solid-js';
import { useServices } from '../../app/context.ts';
import { createNow } from '../components/clock.ts';
import { DeviceIcon } from '../components/icons.tsx';
import { SyncBadge } from './SyncBadge.tsx';

export function TopBar() {
  const { teams, sync, device } = useServices();
  const now = createNow();
  const teamName = () => {
    const phase = teams.phase();
    if (phase.kind === 'starting') return '…';
    if (phase.kind === 'none') return 'No team';
    return phase.membership.name === '' ? 'Unnamed team' : phase.membership.name;
  };
  const deviceName = () => {
    const key = device.key();
    if (key === undefined) return device.failure() === undefined ? '…' : 'No device key';
    return key.name === '' ? 'Name this device' : key.name;
  };
  return (
    <header class="topbar">
      <A href="/inbox" class="brand" aria-label="patchtrail, go to the Inbox">
        patchtrail
      </A>
      <A href="/team" class="topbar-team" data-testid="team-name" title="Team">
        {teamName()}
      </A>
      <A href="/peers" class="topbar-sync" title="Peers">
        <SyncBadge state={sync.state()} lastSync={sync.lastSync()} now={now()} />
      </A>
      <A href="/settings" class="topbar-device" data-testid="device-name" title="This device">
        <DeviceIcon />
        <span class="topbar-device-name">{deviceName()}</span>
        <Show when={device.key()?.name === ''}>
          <span class="visually-hidden"> (open Settings to name it)</span>
        </Show>
      </A>
    </header>
  );
}
