/**
 * Peers: the room (its derived name, each signaling server's status, the relay), the peers
 * this device is connected to by registered name with when each last synced, pairing without
 * a server, file sync, and witnessing for a device with the witness role. A joiner still
 * waiting for the team's ledger sees the room and its peers while the first sync comes.
 */
import { A } from '@solidjs/router';
import { Match, Switch } from 'solid-js';
import { useServices } from '../../../app/context.ts';
import { inPhase } from '../../../app/team.ts';
import { createNow } from '../../components/clock.ts';
import { FileSyncPanel } from './FileSyncPanel.tsx';
import { PairingPanel } from './PairingPanel.tsx';
import { PeerList } from './PeerList.tsx';
import { RoomPanel } from './RoomPanel.tsx';
import { WitnessPanel } from './WitnessPanel.tsx';
import './peers.css';

export default function PeersPage() {
  const { teams, device } = useServices();
  const now = createNow(5_000);
  const phase = teams.phase;
  return (
    <section class="page" aria-labelledby="peers-title">
      <h1 id="peers-title" class="page-title">
        Peers
      </h1>
      <Switch>
        <Match when={phase().kind === 'starting'}>
          <p class="muted">Reading this device’s teams…</p>
        </Match>
        <Match when={phase().kind === 'none'}>
          <p class="notice" data-testid="peers-no-team">
            This device has no team yet, so it syncs with no one. Found or join one on the{' '}
            <A href="/team">Team</A> page.
          </p>
        </Match>
        <Match when={inPhase(phase(), 'open')?.team}>
          {(team) => (
            <>
              <RoomPanel now={now()} />
              <PeerList members={team().members()} now={now()} />
              <WitnessPanel team={team()} me={device.key()?.did ?? ''} />
              <PairingPanel />
              <FileSyncPanel team={team()} />
            </>
          )}
        </Match>
        <Match when={phase().kind !== 'open'}>
          <p class="notice notice-review" data-testid="peers-waiting">
            This team’s ledger is not open here yet
            {phase().kind === 'waiting' ? ': the first sync with a teammate brings it' : ''}. Until
            then peers show without their names.
          </p>
          <RoomPanel now={now()} />
          <PeerList members={[]} now={now()} />
        </Match>
      </Switch>
    </section>
  );
}
