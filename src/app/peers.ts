/**
 * The team ledger's peer-to-peer session: one shared Y.Doc, bound to the verified ledger by
 * `bindLedgerDoc` (every value a peer writes goes through the validator), carried by y-webrtc
 * (signaling servers, WebRTC, and BroadcastChannel between tabs) and, when configured, a
 * y-websocket relay. The UI reads `state()`, a Solid signal: the room, signaling and relay
 * status, the peers with when each was last heard from, and how many peers report the same
 * ledger digest as ours.
 *
 * Peers advertise their ledger digest and size through Yjs awareness, and a signed presence
 * claim that names their device key (presence.ts), checked before a peer is shown by name.
 * A digest is a claim, not
 * evidence; it only says when to look again. A peer whose digest differs from ours for
 * `healAfterMs` while connected makes us rebuild the doc from the verified store (the healing
 * ledger-doc.ts describes for a doc poisoned at the Yjs level), waiting twice as long after each
 * rebuild in a row (divergence.ts).
 *
 * The digest covers the whole verified set, so computing it costs what the ledger's size costs
 * (sorting and hashing every id in standing). It is computed only while a peer or tab is
 * connected to read it, and while entries are being admitted at most once per
 * `DIGEST_SPACING` times its last cost, so that digests take a bounded share of an import
 * whatever the ledger's size; until then our claim carries no digest.
 */
import { createSignal, type Accessor } from 'solid-js';
import * as Y from 'yjs';
import type { Signer } from '../core/crypto/signer.ts';
import type { Ledger } from '../core/ledger/ledger.ts';
import { yieldingLedger } from '../sync/yielding.ts';
import { bindingAdmission } from './worker-admission.ts';
import type { WorkerPool } from './worker-pool.ts';
import { bindLedgerDoc, type LedgerDocBinding } from '../sync/ledger-doc.ts';
import { connectRelay, type RelayStatus, type RelayTransport } from '../sync/relay.ts';
import {
  connectWebrtc,
  roomNameFor,
  type SignalingStatus,
  type WebrtcTransport,
} from '../sync/webrtc.ts';
import { makeDivergenceWatch } from './divergence.ts';
import { checkPeerSettings, type PeerSettings } from './peer-settings.ts';
import { makePresence } from './presence.ts';
import type { CheckingProgress, PeerDetail } from './sync.ts';

export interface PeersState {
  room: string;
  signaling: SignalingStatus[];
  relay?: RelayStatus;
  /** Each with the did its presence claim proves, once checked. */
  peers: PeerDetail[];
  /** This device's verified ledger: its digest and entry count. */
  digest: string;
  size: number;
  /** Peers (by their awareness claims) reporting the same digest, and all that report one. */
  inStep: number;
  reporting: number;
  /** Times the doc was rebuilt from the verified store. */
  rebuilds: number;
  /** A large change from peers (a first sync) being checked: entries done of all. */
  checking?: CheckingProgress;
}

export interface PeersSession {
  readonly state: Accessor<PeersState>;
  readonly room: string;
  /** Resolves once everything peers wrote so far has been through the validator. */
  settled(): Promise<void>;
  /** Drops the shared doc and reseeds a fresh one from the verified store. */
  rebuild(): void;
  close(): void;
}

export interface PeersOptions {
  roomSecret: string;
  settings: PeerSettings;
  now?: () => number;
  /** Rebuild after a peer's digest has differed this long while connected (default 20 s). */
  healAfterMs?: number;
  /** Node tests: a WebSocket implementation for the relay. */
  WebSocket?: typeof WebSocket;
  /** Large changes (a first sync) are read and checked in this pool's workers. */
  pool?: WorkerPool;
  /** Runs a large change's checking as the app's busy sync work (an update waits for it). */
  busy?: <T>(label: string, work: () => Promise<T>) => Promise<T>;
  /** This device's key, to sign the presence claim that names it to peers. */
  presence?: Signer;
}

interface Claim {
  digest: string;
  size: number;
}

const DIGEST = /^ld1:[0-9a-f]{20}$/;
/** Admissions are announced this long after the first of a burst, at the soonest. */
const ANNOUNCE_MS = 250;
/** ... and no sooner than this many times the last digest's cost after it. */
const DIGEST_SPACING = 10;
/** Awareness states read at most (a hostile peer can add many). */
const MAX_CLAIMS = 256;

function claimOf(state: unknown): Claim | undefined {
  if (typeof state !== 'object' || state === null) return undefined;
  const { digest, size } = state as Record<string, unknown>;
  if (typeof digest !== 'string' || !DIGEST.test(digest)) return undefined;
  if (typeof size !== 'number' || !Number.isSafeInteger(size) || size < 0) return undefined;
  return { digest, size };
}

/** Waits (a little) for y-webrtc to open its room, which gives this device its peer id. */
async function roomOpen(webrtc: WebrtcTransport): Promise<void> {
  for (let i = 0; i < 80 && webrtc.peerId() === undefined; i++)
    await new Promise((done) => setTimeout(done, 25));
}

interface Transports {
  doc: Y.Doc;
  binding: LedgerDocBinding;
  webrtc: WebrtcTransport;
  relay?: RelayTransport;
}

export async function connectPeers(ledger: Ledger, options: PeersOptions): Promise<PeersSession> {
  const settings = checkPeerSettings(options.settings);
  const now = options.now ?? (() => Date.now());
  const healAfterMs = options.healAfterMs ?? 20_000;
  const room = await roomNameFor(ledger.id);
  /** Our claim; `digest` is '' until computed, and out of date while `stale`. */
  let own: Claim = { digest: '', size: ledger.size };
  let stale = true;
  let digestMs = 0;
  let rebuilds = 0;
  const divergence = makeDivergenceWatch(healAfterMs);
  const presence = makePresence(room, options.presence, now, () => refresh());
  let closed = false;
  let checking: CheckingProgress | undefined;

  const open = (): Transports => {
    const doc = new Y.Doc();
    // Seeded once the room is open: y-webrtc posts the whole doc to this browser's tabs when it
    // connects, which costs nothing while the doc is still empty (ledger-doc.ts, seedAfter).
    let roomReady = () => {};
    const seedAfter = new Promise<void>((done) => (roomReady = done));
    const binding = bindLedgerDoc(doc, yieldingLedger(ledger), {
      ...bindingAdmission(ledger, options.pool, {
        ...(options.busy === undefined ? {} : { busy: options.busy }),
        onProgress: (progress) => {
          checking = progress;
          refresh();
        },
      }),
      seedAfter,
    });
    const webrtc = connectWebrtc(doc, {
      room,
      password: options.roomSecret,
      signaling: settings.signaling,
      iceServers: settings.iceServers,
      now,
    });
    void roomOpen(webrtc).then(roomReady);
    const relay =
      settings.relay === undefined
        ? undefined
        : connectRelay(doc, {
            url: settings.relay,
            room,
            ...(options.WebSocket === undefined ? {} : { WebSocket: options.WebSocket }),
          });
    webrtc.onChange(refresh);
    webrtc.awareness.on('change', refresh);
    relay?.onChange(refresh);
    return { doc, binding, webrtc, ...(relay === undefined ? {} : { relay }) };
  };

  const claims = (t: Transports): Claim[] => {
    const out: Claim[] = [];
    for (const [client, state] of t.webrtc.awareness.getStates()) {
      if (client === t.doc.clientID || out.length >= MAX_CLAIMS) continue;
      const claim = claimOf(state);
      if (claim !== undefined) out.push(claim);
    }
    return out;
  };

  const snapshot = (t: Transports): PeersState => {
    const { signaling, peers } = t.webrtc.status();
    const reported = claims(t);
    const relay = t.relay?.status();
    return {
      room,
      signaling,
      ...(relay === undefined ? {} : { relay }),
      peers: presence.name(peers, t.webrtc.awareness.getStates(), t.doc.clientID),
      digest: own.digest,
      size: own.size,
      inStep: reported.filter((c) => c.digest === own.digest).length,
      reporting: reported.length,
      rebuilds,
      ...(checking === undefined ? {} : { checking: { ...checking } }),
    };
  };

  let current: Transports;
  const [state, setState] = createSignal<PeersState>({
    room,
    signaling: [],
    peers: [],
    digest: own.digest,
    size: own.size,
    inStep: 0,
    reporting: 0,
    rebuilds,
  });

  function refresh(): void {
    if (closed) return;
    const next = snapshot(current);
    setState(next);
    if (stale && heard(current)) scheduleAnnounce();
    watchDivergence(next);
  }

  /** A peer's claim differs from our digest for a while, with peers connected: rebuild. */
  function watchDivergence(next: PeersState): void {
    const differs = next.reporting > next.inStep && next.peers.some((p) => p.connected);
    // An out-of-date digest of ours is expected to differ, as while checking a large change.
    if (divergence.observe(differs, now(), next.checking !== undefined || stale)) rebuild();
  }

  /** Someone can read our claim: a connected WebRTC peer or tab. */
  const heard = (t: Transports): boolean => t.webrtc.status().peers.some((p) => p.connected);

  const announce = async () => {
    if (heard(current)) {
      const started = performance.now();
      const size = ledger.size;
      // The digest reads the set as it is now: an admission while it is hashed makes it stale.
      stale = false;
      own = { digest: await ledger.digest(), size };
      digestMs = performance.now() - started;
    } else own = { ...own, size: ledger.size };
    await roomOpen(current.webrtc);
    const claim = await presence.own(current.doc.clientID, current.webrtc.peerId());
    if (closed) return;
    const { digest, size } = own;
    current.webrtc.awareness.setLocalState({
      v: 1,
      size,
      ...(stale ? {} : { digest }),
      ...(claim ? { presence: claim } : {}),
    });
    refresh();
  };
  let announcing: ReturnType<typeof setTimeout> | undefined;
  function scheduleAnnounce(): void {
    announcing ??= setTimeout(
      () => {
        announcing = undefined;
        void announce();
      },
      Math.max(ANNOUNCE_MS, DIGEST_SPACING * digestMs),
    );
  }
  const unsubscribe = ledger.subscribe({
    admitted: () => {
      stale = true;
      scheduleAnnounce();
    },
  });
  const ticker = setInterval(() => {
    // The claim waits for y-webrtc's room (its key is derived first), and is renewed in time.
    if (presence.stale(current.doc.clientID, current.webrtc.peerId())) void announce();
    else refresh();
  }, 5_000);

  const close = (t: Transports) => {
    t.relay?.destroy();
    t.webrtc.destroy();
    t.binding.destroy();
    t.doc.destroy();
  };

  function rebuild(): void {
    if (closed) return;
    rebuilds++;
    close(current);
    current = open();
    void announce();
  }

  current = open();
  await announce();
  return {
    state,
    room,
    settled: () => current.binding.settled(),
    rebuild,
    close() {
      closed = true;
      clearInterval(ticker);
      clearTimeout(announcing);
      unsubscribe();
      close(current);
    },
  };
}
