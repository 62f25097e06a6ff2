/**
 * The transport behind the app's sync seam: `Transport.connect(target, report)` as
 * src/app/sync.ts defines it. For a team whose ledger is open it runs a peer session
 * (peers.ts: y-webrtc, tabs, optional relay, all through the validator). For a joiner still
 * waiting for the genesis, it joins the same room with a doc bound to nothing and offers every
 * value that appears under the ledger id to `target.offerGenesis`, which accepts only bytes
 * that hash to the invited id; the app then follows again with the opened ledger.
 */
import * as Y from 'yjs';
import { keepOnlyMaps } from '../sync/foreign-roots.ts';
import { ENTRIES_MAP } from '../sync/ledger-doc.ts';
import { connectWebrtc, roomNameFor } from '../sync/webrtc.ts';
import type { Ledger } from '../core/ledger/ledger.ts';
import { connectPeers } from './peers.ts';
import { defaultPeerSettings, type PeerSettings } from './peer-settings.ts';
import type { RoomDetail, SyncReport, SyncState, Transport, TransportTarget } from './sync.ts';

export type { SyncState, Transport, TransportTarget };

export interface TransportOptions {
  /** Where the page came from, for same-origin signaling (default: location). */
  origin?: { protocol: string; host: string };
  /** Settings beyond the invitation, for a target that brings none: ICE servers, a relay. */
  settings?: Partial<PeerSettings>;
  /** With peers and signaling down this long, the state is "offline" (default 10 s). */
  offlineAfterMs?: number;
  now?: () => number;
}

/** What the top bar shows for a room's state (a peer session's, or a joiner's still waiting). */
export function syncStateOf(
  state: Omit<RoomDetail, 'waiting'>,
  since: number,
  now: number,
  offlineAfterMs: number,
  online = globalThis.navigator?.onLine !== false,
): SyncState {
  const live = state.peers.filter((p) => p.connected);
  const tabs = live.filter((p) => p.via === 'tab').length;
  const heard = live.map((p) => p.lastHeard ?? 0).filter((t) => t > 0);
  if (
    live.length > 0 ||
    state.signaling.some((s) => s.connected) ||
    state.relay?.connected === true
  )
    return {
      kind: 'connected',
      peers: live.length,
      ...(tabs > 0 ? { tabs } : {}),
      ...(heard.length > 0 ? { lastSync: Math.max(...heard) } : {}),
      ...(state.checking === undefined ? {} : { checking: state.checking }),
    };
  if (state.signaling.length === 0 && state.relay === undefined)
    return { kind: 'connected', peers: 0 }; // tabs only: nothing to wait for
  // The browser knows it has no network at all: say so now, not after the wait.
  if (!online) return { kind: 'offline' };
  return now - since >= offlineAfterMs ? { kind: 'offline' } : { kind: 'connecting' };
}

export function makeWebrtcTransport(options: TransportOptions = {}): Transport {
  const now = options.now ?? (() => Date.now());
  const offlineAfterMs = options.offlineAfterMs ?? 10_000;
  const settingsFor = (target: TransportTarget): PeerSettings => {
    if (target.settings !== undefined) return target.settings;
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
        const watched =
          target.ledger === undefined
            ? await awaitGenesis(target, settings)
            : await peerSession(target.ledger, target, settings, now);
        if (stopped) return watched.close();
        stop = reportEverySecond(watched, report, (detail) =>
          syncStateOf(detail, started, now(), offlineAfterMs),
        );
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

/** A connection whose room can be looked at. */
interface Watched {
  detail(): RoomDetail;
  close(): void;
}

/** Reports the state and the room's detail every second, when they changed; returns stop. */
function reportEverySecond(
  watched: Watched,
  report: SyncReport,
  stateOf: (detail: RoomDetail) => SyncState,
): () => void {
  let last = '';
  const update = () => {
    const detail = watched.detail();
    const state = stateOf(detail);
    const seen = JSON.stringify([state, detail]);
    if (seen === last) return;
    last = seen;
    report(state, detail);
  };
  const ticker = setInterval(update, 1000);
  update();
  return () => {
    clearInterval(ticker);
    watched.close();
  };
}

async function peerSession(
  ledger: Ledger,
  target: TransportTarget,
  settings: PeerSettings,
  now: () => number,
): Promise<Watched> {
  const session = await connectPeers(ledger, {
    roomSecret: target.roomSecret,
    settings,
    now,
    ...(target.presence === undefined ? {} : { presence: target.presence }),
    ...(target.pool === undefined ? {} : { pool: target.pool }),
    ...(target.busy === undefined ? {} : { busy: target.busy }),
  });
  return {
    detail: () => {
      const { room, signaling, relay, peers, checking } = session.state();
      return {
        room,
        signaling,
        ...(relay === undefined ? {} : { relay }),
        peers,
        waiting: false,
        ...(checking === undefined ? {} : { checking }),
      };
    },
    close: () => session.close(),
  };
}

/** Candidate genesis values offered at most, per connection. */
const MAX_OFFERS = 64;

/** Joins the room with an unbound doc and offers what appears under the ledger id. */
async function awaitGenesis(target: TransportTarget, settings: PeerSettings): Promise<Watched> {
  const doc = new Y.Doc();
  const map = doc.getMap<Uint8Array>(ENTRIES_MAP);
  // Nothing but the genesis is wanted here; what peers write elsewhere is not kept either.
  const stopKeeping = keepOnlyMaps(doc, [ENTRIES_MAP]);
  const room = await roomNameFor(target.ledgerId);
  const transport = connectWebrtc(doc, {
    room,
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
  return {
    detail: () => {
      const { signaling, peers } = transport.status();
      return { room, signaling, peers, waiting: true };
    },
    close() {
      map.unobserve(look);
      stopKeeping();
      transport.destroy();
      doc.destroy();
    },
  };
}
