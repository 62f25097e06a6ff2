/**
 * The peers this device is connected to, by the name the verified ledger gives them (a peer
 * names its key in a signed presence claim; the did:key is a detail), how each is reached, and
 * when each was last heard from. Rows are keyed by peer id: the room's detail is a new object
 * on every report, and rebuilding rows would drop a copy button's "Copied".
 */
import { createMemo, For, Show } from 'solid-js';
import { useServices } from '../../../app/context.ts';
import type { MemberRow } from '../../../app/ledger-rows.ts';
import type { PairedLink } from '../../../app/pairings.ts';
import type { PeerDetail } from '../../../app/sync.ts';
import { Did } from '../../components/CopyButton.tsx';
import { formatAgo } from '../../components/format.ts';

const VIA: Record<PeerDetail['via'], string> = {
  webrtc: 'over the network (WebRTC)',
  tab: 'another tab of this browser',
};

function PeerName(props: { did: string | undefined; member: MemberRow | undefined }) {
  return (
    <Show
      when={props.did}
      fallback={<span class="muted">Unnamed peer (it has not said which device it is)</span>}
    >
      {(did) => (
        <>
          <strong class="clamp-2" data-testid="peer-name">
            {props.member?.name ?? 'Unregistered device'}
          </strong>
          <Show when={props.member !== undefined && props.member.standing !== 'active'}>
            <span class="chip chip-review">{props.member?.standingText}</span>
          </Show>
          <Did did={did()} owner={props.member?.name} />
        </>
      )}
    </Show>
  );
}

function Heard(props: { at: number | undefined; now: number }) {
  return (
    <span class="muted small" data-testid="peer-last-sync">
      {props.at === undefined ? 'no data yet' : `last sync ${formatAgo(props.at, props.now)}`}
    </span>
  );
}

function PairedRow(props: { link: PairedLink; now: number; close: () => void }) {
  return (
    <li class="peer" data-testid="paired-peer" data-status={props.link.status}>
      <div class="peer-who">
        <strong>Paired device</strong>
      </div>
      <span class="muted small">direct link made by pairing</span>
      <span class={`chip ${props.link.status === 'connected' ? '' : 'chip-review'}`}>
        {props.link.status}
      </span>
      <Heard at={props.link.lastHeard} now={props.now} />
      <button type="button" class="button button-quiet button-small" onClick={props.close}>
        Disconnect
      </button>
    </li>
  );
}

export function PeerList(props: { members: MemberRow[]; now: number }) {
  const { sync, pairings } = useServices();
  const peers = createMemo(() => sync.detail()?.peers ?? []);
  const ids = createMemo(() => peers().map((p) => p.id), [], {
    equals: (a, b) => a.length === b.length && a.every((id, i) => id === b[i]),
  });
  const byId = createMemo(() => new Map(peers().map((p) => [p.id, p])));
  const memberOf = (did: string | undefined) => props.members.find((m) => m.did === did);
  const count = () =>
    peers().filter((p) => p.connected).length +
    pairings.links().filter((l) => l.status === 'connected').length;
  return (
    <section class="panel stack" aria-labelledby="peer-list-title" data-testid="peer-list">
      <h2 id="peer-list-title">Connected peers ({count()})</h2>
      <Show
        when={ids().length > 0 || pairings.links().length > 0}
        fallback={
          <p class="muted" data-testid="no-peers">
            No peers yet. Teammates appear here when they open the app with this team and can reach
            the same signaling server, or another tab of this browser does, or a device pairs below.
          </p>
        }
      >
        <ul class="peers">
          <For each={ids()}>
            {(id) => {
              const peer = () => byId().get(id);
              return (
                <li class="peer" data-testid="peer" data-via={peer()?.via}>
                  <div class="peer-who">
                    <PeerName did={peer()?.did} member={memberOf(peer()?.did)} />
                  </div>
                  <span class="muted small">{VIA[peer()?.via ?? 'webrtc']}</span>
                  <span class={`chip ${peer()?.connected ? '' : 'chip-review'}`}>
                    {peer()?.connected ? 'connected' : 'connecting'}
                  </span>
                  <Show when={peer()?.via === 'webrtc'} fallback={<span />}>
                    <Heard at={peer()?.lastHeard} now={props.now} />
                  </Show>
                </li>
              );
            }}
          </For>
          <For each={pairings.links()}>
            {(link) => (
              <PairedRow link={link} now={props.now} close={() => pairings.close(link.id)} />
            )}
          </For>
        </ul>
      </Show>
    </section>
  );
}
