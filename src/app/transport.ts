/**
 * The transport behind the app's sync seam: `Transport.connect(target, report)` as
 * src/app/sync.ts defines it. For a team whose ledger is open it runs a peer session
 * (peers.ts: y-webrtc, tabs, optional relay, all through the validator). For a joiner still
 * waiting for the genesis, it joins the same room with a doc bound to nothing and offers every
 * value that appears under the ledger id to `target.offerGenesis`, which accepts only bytes
 * that hash to the invited id; the app then follows again with the opened ledger.
 */
import * as Y from 'yjs';
import { ENTRIES_MAP } from '../sync/ledger-doc.ts';
import { connectWebrtc, roomNameFor } from '../sync/webrtc.ts';
import { connectPeers, type PeersState } from './peers.ts';
import { defaultPeerSettings, type PeerSettings } from './peer-settings.ts';
import type { SyncState, Transport, TransportTarget } from './sync.ts';

export type { SyncState, Transport, TransportTarget };

export interface TransportOptions {
  /** Where the page came from, for same-origin signaling (default: location). */
  origin?: { protocol: string; host: string };
  /** Settings beyond the invitation: ICE servers, a relay. */
  settings?: Partial<PeerSettings>;
  /** With peers and signaling down this long, the state is "offline" (default 10 s). */
  offlineAfterMs?: number;
  now?: () => number;
}

/** What the top bar shows for a peer session's state. */
export function syncStateOf(
  state: PeersState,
  since: number,
  now: number,
  offlineAfterMs: number,
): SyncState {
  const live = state.peers.filter((p) => p.connected);
  const heard = live.map((p) => p.lastHeard ?? 0).filter((t) => t > 0);
  if (
    live.length > 0 ||
    state.signaling.some((s) => s.connected) ||
    state.relay?.connected === true
  )
    return {
      kind: 'connected',
      peers: live.length,
      ...(heard.length > 0 ? { lastSync: Math.max(...heard) } : {}),
    };
  if (state.signaling.length === 0 && state.relay === undefined)
    return { kind: 'connected', peers: 0 }; // tabs only: nothing to wait for
  return now - since >= offlineAfterMs ? { kind: 'offline' } : { kind: 'connecting' };
}

export function makeWebrtcTransport(options: TransportOptions = {}): Transport {
  const now = options.now ?? (() => Date.now());
  const offlineAfterMs = options.offlineAfterMs ?? 10_000;
  const settingsFor = (target: TransportTarget): PeerSettings => {
    const base = defaultPeerSettings(options.origin ?? globalThis.location);
    const signaling = target.signaling.length > 0 ? [...target.signaling] : base.signaling;
    return { ...base, ...options.settings, signaling };
  };
  return {
    connect(target, report) {
      let stop: (() => void) | undefined;
      let stopped = false;
      const started = now();
      const settings = settingsFor(target);
      const run = async () => {
        if (target.ledger === undefined) {
          stop = await awaitGenesis(target, settings);
          if (stopped) stop();
          else report({ kind: 'connecting' });
          return;
        }
        const session = await connectPeers(target.ledger, {
          roomSecret: target.roomSecret,
          settings,
          now,
        });
        if (stopped) return session.close();
        const update = () => report(syncStateOf(session.state(), started, now(), offlineAfterMs));
        const ticker = setInterval(update, 1000);
        update();
        stop = () => {
          clearInterval(ticker);
          session.close();
        };
      };
      run().catch((error: unknown) =>
        report({
          kind: 'not-connected',
          reason: error instanceof Error ? error.message : String(error),
        }),
      );
      return () => {
        stopped = true;
        stop?.();
      };
    },
  };
}

/** Candidate genesis values offered at most, per connection. */
const MAX_OFFERS = 64;

/** Joins the room with an unbound doc and offers what appears under the ledger id. */
async function awaitGenesis(target: TransportTarget, settings: PeerSettings): Promise<() => void> {
  const doc = new Y.Doc();
  const map = doc.getMap<Uint8Array>(ENTRIES_MAP);
  const transport = connectWebrtc(doc, {
    room: await roomNameFor(target.ledgerId),
    password: target.roomSecret,
    signaling: settings.signaling,
    iceServers: settings.iceServers,
  });
  const offered = new Set<Uint8Array>();
  let accepted = false;
  const look = () => {
    const value = map.get(target.ledgerId);
    if (accepted || !(value instanceof Uint8Array) || offered.has(value)) return;
    if (offered.size >= MAX_OFFERS) return; // a peer writing junk there again and again
    offered.add(value);
    void target.offerGenesis(value).then((ok) => (accepted ||= ok));
  };
  map.observe(look);
  look();
  return () => {
    map.unobserve(look);
    transport.destroy();
    doc.destroy();
  };
}
