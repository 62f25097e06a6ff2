/**
 * The room this device meets its team in: the derived room name (shortened), each signaling
 * server with whether it answers, the relay when one is set, and how old this device's copy of
 * the ledger is when nothing connects.
 */
import { A } from '@solidjs/router';
import { For, Show } from 'solid-js';
import { useServices } from '../../../app/context.ts';
import type { RoomDetail } from '../../../app/sync.ts';
import { CopyButton } from '../../components/CopyButton.tsx';
import { Field } from '../../components/Field.tsx';
import { formatAgo } from '../../components/format.ts';
import { syncText } from '../../shell/SyncBadge.tsx';

const shortRoom = (room: string) => (room.length > 22 ? `${room.slice(0, 20)}…` : room);

function Reachable(props: { up: boolean; testid: string }) {
  return (
    <span class={`chip ${props.up ? '' : 'chip-review'}`} data-testid={props.testid}>
      {props.up ? 'connected' : 'not reachable'}
    </span>
  );
}

function Servers(props: { detail: RoomDetail }) {
  return (
    <>
      <Field label="Signaling">
        <Show
          when={props.detail.signaling.length > 0}
          fallback={<span class="muted">none: tabs of this browser and pairing only</span>}
        >
          <ul class="plain-list server-list">
            <For each={props.detail.signaling}>
              {(server) => (
                <li data-testid="signaling-server" data-url={server.url}>
                  <code class="server-url">{server.url}</code>{' '}
                  <Show
                    when={server.refused}
                    fallback={<Reachable up={server.connected} testid="signaling-status" />}
                  >
                    {(refused) => (
                      <span
                        class="chip chip-review"
                        data-testid="signaling-status"
                        title="Someone holds every place in this room on that server: no peer can be met through it. It is asked again every 30 s."
                      >
                        {refused()}
                      </span>
                    )}
                  </Show>
                </li>
              )}
            </For>
          </ul>
        </Show>
      </Field>
      <Show when={props.detail.relay}>
        {(relay) => (
          <Field label="Relay" testid="relay">
            <code class="server-url">{relay().url}</code>{' '}
            <Reachable up={relay().connected} testid="relay-status" />
          </Field>
        )}
      </Show>
    </>
  );
}

export function RoomPanel(props: { now: number }) {
  const { sync } = useServices();
  const synced = () => {
    const at = sync.lastSync();
    return at === undefined ? 'not yet' : formatAgo(at, props.now);
  };
  return (
    <section class="panel stack" aria-labelledby="room-title" data-testid="room">
      <h2 id="room-title">Room</h2>
      <p data-testid="peers-state">
        <strong>{syncText(sync.state())}.</strong> This ledger last synced (with a peer or a file):{' '}
        <span data-testid="last-synced">{synced()}</span>.
      </p>
      <Show
        when={sync.detail()}
        fallback={<p class="muted">Looking for the room… (the transport is starting)</p>}
      >
        {(detail) => (
          <dl class="fields room-fields">
            <Field label="Room">
              <code title={detail().room} data-testid="room-name">
                {shortRoom(detail().room)}
              </code>{' '}
              <CopyButton value={detail().room} label="Copy the room name" />
              <p class="muted small">
                A name derived from the ledger id. Servers see only this name; what peers say
                through them is encrypted with the team’s room secret.
              </p>
            </Field>
            <Servers detail={detail()} />
          </dl>
        )}
      </Show>
      <p class="muted small">
        Signaling servers, ICE servers and a relay are set in <A href="/settings">Settings</A>.
      </p>
    </section>
  );
}
