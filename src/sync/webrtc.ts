/**
 * The y-webrtc transport for a ledger's shared doc. What this module decides:
 *
 * - The room name is derived from the ledger id (a hash, so the signaling server does not
 *   learn the ledger id), and a password, the team's room secret, is required: y-webrtc then
 *   encrypts signaling and BroadcastChannel messages (AES-GCM, PBKDF2 from the password).
 * - Signaling URLs and ICE servers are always passed in; y-webrtc's own defaults (a public
 *   signaling server, simple-peer's public STUN) are never used. No URL, no signaling: tabs of
 *   one browser still meet over BroadcastChannel, with the network off.
 * - Messages over the data channel are framed (chunks.ts), since y-webrtc sends a fresh peer's
 *   whole missing state as one message, beyond what a data channel carries.
 * - A peer's messages reach y-webrtc through `makeDelivery` (delivery.ts): a large update (a
 *   peer's whole state, for a fresh peer) is applied in parts first, a task each.
 * - y-webrtc hands each message it posts to other tabs (encrypted) to this tab's own subscriber
 *   too, which decrypts and applies it again, a second time for a whole state; and it encrypts
 *   every update for other tabs even when there are none. Both are skipped: only messages that
 *   came through the BroadcastChannel are read, and updates are posted to it only while a tab
 *   of this room is known (a tab that joins announces itself and is sent the whole state). A
 *   whole state from another tab is opened here (y-webrtc's AES-GCM format) and applied in
 *   parts too.
 * - A peer's messages reach y-webrtc's reader only when they are of a type a WebRTC peer may
 *   send, and one the reader throws on is dropped (peer-messages.ts): y-webrtc would take the
 *   tabs' own announcement (`messageBcPeerId`) from any peer, and made-up tabs from an insider.
 * - Per peer it records when a message last arrived, for "last sync" on the Peers screen.
 * - A connection that has not opened within `CONNECT_TIMEOUT_MS` (plus up to half as much again,
 *   at random, so two peers do not retry in step) is dropped. y-webrtc keeps a connection that
 *   never opens for good, and ignores the peer's announcements while it does: when both peers
 *   offered at once (glare) and the offers crossed badly, or the other side went silent in the
 *   middle of the handshake, the two would never connect again. Dropping it makes y-webrtc
 *   announce this peer again, and the handshake starts over.
 *
 * The doc stays untrusted: the caller binds it to the ledger with `bindLedgerDoc` first.
 * y-webrtc allows one provider per room name in a JS context: one transport per ledger.
 */
import * as decoding from 'lib0/decoding';
import type * as Y from 'yjs';
import { WebrtcProvider } from 'y-webrtc';
import { sha256Hex } from '../core/crypto/hash.ts';
import { utf8Encode } from '../core/encoding/bytes.ts';
import { makeFramedSender, makeReassembler } from './chunks.ts';
import { watchRefusals, type Refusal, type SignalingConnLike } from './signaling-refusals.ts';
import {
  applyParts,
  bytesOf,
  makeDelivery,
  MAX_MESSAGE_BYTES,
  PART_BYTES,
  partsOf,
} from './delivery.ts';
import { SEED_ORIGIN } from './ledger-doc.ts';
import {
  gatePeerMessages,
  noRefusals,
  WEBRTC_MESSAGES,
  type RefusalCounts,
} from './peer-messages.ts';

export interface WebrtcOptions {
  /** The room name, from `roomNameFor(ledgerId)`. */
  room: string;
  /** The team's room secret: it keys the encryption of signaling and tab messages. */
  password: string;
  /** ws:// or wss:// signaling servers speaking y-webrtc's protocol; may be empty. */
  signaling: readonly string[];
  /** ICE servers for RTCPeerConnection; empty means host candidates only (a LAN). */
  iceServers: readonly RTCIceServer[];
  /** WebRTC connections this peer opens at most (y-webrtc's maxConns). */
  maxConns?: number;
  /** How long a connection may take to open before it is dropped and retried. */
  connectTimeoutMs?: number;
  now?: () => number;
  /** For the retry's jitter: a number in [0, 1). */
  random?: () => number;
  /** A server that refused the room (it is full) is asked again this long after. */
  refusedRetryMs?: number;
}

export interface WebrtcPeer {
  /** y-webrtc's per-session peer id (random; not an identity). */
  id: string;
  via: 'webrtc' | 'tab';
  connected: boolean;
  /** The Yjs sync handshake with this peer has completed. */
  synced: boolean;
  /** When the last message from this peer arrived (ms, `now()`), for WebRTC peers. */
  lastHeard?: number;
}

export interface SignalingStatus {
  url: string;
  connected: boolean;
  /** The server refused this room (src/sync/signaling-refusals.ts). */
  refused?: Refusal;
}

export interface WebrtcStatus {
  signaling: SignalingStatus[];
  peers: WebrtcPeer[];
  /** Messages from WebRTC peers dropped unread, or unreadable, since the transport started. */
  refused: RefusalCounts;
}

export interface WebrtcTransport {
  readonly room: string;
  readonly awareness: WebrtcProvider['awareness'];
  /** This provider's y-webrtc peer id, once the room is open (after the key is derived). */
  peerId(): string | undefined;
  status(): WebrtcStatus;
  /** Called when the status may have changed; returns unsubscribe. */
  onChange(listener: () => void): () => void;
  destroy(): void;
}

/** A WebRTC connection still not open after this long (plus jitter) is dropped and retried. */
export const CONNECT_TIMEOUT_MS = 10_000;

/** The connections not open by `now` that were given a deadline before it. */
export function overdueConns<C extends { connected: boolean }>(
  conns: Iterable<C>,
  deadlineOf: (conn: C) => number | undefined,
  now: number,
): C[] {
  const overdue: C[] = [];
  for (const conn of conns) {
    const deadline = deadlineOf(conn);
    if (!conn.connected && deadline !== undefined && now >= deadline) overdue.push(conn);
  }
  return overdue;
}

/** The room a ledger's peers meet in: a hash of the ledger id. */
export async function roomNameFor(ledgerId: string): Promise<string> {
  const digest = await sha256Hex(utf8Encode(`patchtrail room v1\n${ledgerId}`));
  return `patchtrail-${digest.slice(0, 32)}`;
}

interface SimplePeerLike {
  send(data: Uint8Array): void;
  destroy(): void;
  emit(event: string, ...args: unknown[]): boolean;
  on(event: string, listener: (...args: unknown[]) => void): void;
  _channel?: RTCDataChannel | null;
}

interface ConnLike {
  peer: SimplePeerLike;
  connected: boolean;
  synced: boolean;
}

/**
 * Frames outgoing messages, waits for a full channel to drain, reassembles incoming ones and
 * applies a large update in parts.
 */
function adoptConn(
  doc: Y.Doc,
  conn: ConnLike,
  events: {
    heard: () => void;
    closed: () => boolean;
    refused: RefusalCounts;
    label: string;
    known: () => ReadonlyMap<number, unknown>;
  },
): void {
  const { peer } = conn;
  const reassembler = makeReassembler({ maxMessageBytes: MAX_MESSAGE_BYTES, maxPartial: 4 });
  const emit = peer.emit.bind(peer);
  // y-webrtc's reader (its 'data' listener) sees only what a peer may send (peer-messages.ts).
  const read = gatePeerMessages((message) => emit('data', message), {
    accepts: WEBRTC_MESSAGES,
    counts: events.refused,
    label: events.label,
    known: events.known,
  });
  const deliver = makeDelivery(doc, read, { closed: events.closed });
  peer.emit = (event: string, ...args: unknown[]) => {
    if (event !== 'data') return emit(event, ...args);
    events.heard();
    const whole = reassembler.push(bytesOf(args[0]));
    if (whole === undefined) return false;
    deliver(whole);
    return true;
  };
  const send = peer.send.bind(peer);
  const framed = makeFramedSender({ send, channel: () => peer._channel ?? undefined });
  peer.send = (data: Uint8Array) => framed(bytesOf(data));
}

/**
 * A message another tab posted, opened: y-webrtc's format (its crypto.js, not exported): the
 * algorithm's name, the IV and the AES-GCM ciphertext, each length-prefixed.
 */
export async function fromTab(
  data: ArrayBuffer | Uint8Array,
  key: CryptoKey | null,
): Promise<Uint8Array> {
  const bytes = new Uint8Array(data);
  if (key === null) return bytes;
  const decoder = decoding.createDecoder(bytes);
  if (decoding.readVarString(decoder) !== 'AES-GCM') throw new Error('unknown encryption');
  const iv = decoding.readVarUint8Array(decoder);
  const cipher = decoding.readVarUint8Array(decoder);
  return new Uint8Array(await crypto.subtle.decrypt({ name: 'AES-GCM', iv }, key, cipher));
}

export interface RoomLike {
  bcconnected: boolean;
  bcConns: Set<string>;
  /** The room password's key (null without one). */
  key: CryptoKey | null;
  _bcSubscriber: (data: ArrayBuffer | Uint8Array, origin: unknown) => unknown;
  /** WebRTC peers of the room (y-webrtc's); absent in fakes that test only the tabs. */
  webrtcConns?: Map<string, unknown>;
  /** Encodes a doc update for tabs and WebRTC peers; connect() subscribes it to the doc. */
  _docUpdateHandler?: (update: Uint8Array, origin: unknown) => void;
}

/**
 * The room reads only messages from other tabs (not its own, which lib0's `publish` hands back
 * to it with a null origin) and posts updates to tabs only while it knows one (y-webrtc posts
 * when `bcconnected`; its handshake messages for a joining tab are posted regardless). An
 * update is not even encoded while neither a tab nor a WebRTC peer is there to send it to
 * (y-webrtc copies every update into a message first), except the seed from the store
 * (SEED_ORIGIN), which goes to the tabs whether or not one is known yet: it is this tab's
 * first writes, which a tab must have before Yjs takes any later one from it, and a tab that
 * connects meanwhile learns of this one only after it (measured: the other tab then held every
 * later write back, in about half of the two-tab runs on a loaded machine).
 */
export function quietTabs(room: RoomLike, doc?: Y.Doc): void {
  let everyTab = false;
  const update = room._docUpdateHandler;
  if (update !== undefined)
    room._docUpdateHandler = (bytes, origin) => {
      everyTab = origin === SEED_ORIGIN;
      try {
        if (room.bcconnected || (room.webrtcConns?.size ?? 0) > 0) update(bytes, origin);
      } finally {
        everyTab = false;
      }
    };
  const subscriber = room._bcSubscriber;
  room._bcSubscriber = (data, origin) => {
    if (origin === null) return undefined;
    if (doc === undefined || data.byteLength <= PART_BYTES) return subscriber(data, origin);
    // A whole state from another tab: opened here and applied in parts, as from a peer.
    void fromTab(data, room.key)
      .then(async (message) => {
        const cut = await partsOf(message);
        if (cut === undefined) return subscriber(data, origin);
        return applyParts(doc, cut.parts, { via: room });
      })
      .catch(() => subscriber(data, origin)); // y-webrtc says what is wrong with it
    return undefined;
  };
  let connected = room.bcconnected;
  Object.defineProperty(room, 'bcconnected', {
    configurable: true,
    enumerable: true,
    get: () => connected && (everyTab || room.bcConns.size > 0),
    set: (value: boolean) => {
      connected = value;
    },
  });
}

export function connectWebrtc(doc: Y.Doc, options: WebrtcOptions): WebrtcTransport {
  if (options.password.length === 0)
    throw new TypeError('connectWebrtc: a room password is required');
  const now = options.now ?? (() => Date.now());
  const provider = new WebrtcProvider(options.room, doc, {
    signaling: [...options.signaling],
    password: options.password,
    // simple-peer's defaults name public STUN servers: always replace them.
    peerOpts: { config: { iceServers: [...options.iceServers] } },
    ...(options.maxConns === undefined ? {} : { maxConns: options.maxConns }),
  });
  // The room is made once the password's key is derived (asynchronously), then connected at
  // once: it is adapted as it is set, before it subscribes to the BroadcastChannel.
  let room = provider.room;
  Object.defineProperty(provider, 'room', {
    configurable: true,
    enumerable: true,
    get: () => room,
    set: (value: WebrtcProvider['room']) => {
      if (value !== null) quietTabs(value as unknown as RoomLike, doc);
      room = value;
    },
  });
  let destroyed = false;
  const listeners = new Set<() => void>();
  const changed = () => {
    for (const listener of listeners) listener();
  };
  const lastHeard = new Map<string, number>();
  const deadlines = new WeakMap<object, number>();
  const timeout = options.connectTimeoutMs ?? CONNECT_TIMEOUT_MS;
  const random = options.random ?? Math.random;
  let lastNotice = 0;
  const refused = noRefusals();

  const adoptNew = () => {
    for (const [id, conn] of provider.room?.webrtcConns ?? []) {
      if (deadlines.has(conn)) continue;
      deadlines.set(conn, now() + timeout * (1 + random() / 2));
      const like = conn as unknown as ConnLike;
      adoptConn(doc, like, {
        heard: () => {
          const at = now();
          lastHeard.set(id, at);
          if (at - lastNotice >= 500) {
            lastNotice = at;
            changed();
          }
        },
        closed: () => destroyed,
        refused,
        label: `WebRTC peer ${id.slice(0, 8)}`,
        known: () => provider.awareness.getStates(),
      });
      like.peer.on('connect', changed);
      like.peer.on('close', changed);
    }
  };
  // 'peers' fires synchronously when y-webrtc creates a connection, before any data flows.
  provider.on('peers', () => {
    adoptNew();
    changed();
  });
  provider.on('synced', changed);
  provider.on('status', changed);
  for (const conn of provider.signalingConns) {
    conn.on('connect', changed);
    conn.on('disconnect', changed);
  }
  const refusals = watchRefusals(
    provider.signalingConns as SignalingConnLike[],
    options.room,
    changed,
    options.refusedRetryMs,
  );
  // simple-peer then emits 'close': y-webrtc forgets the connection and announces us again.
  const watchdog = setInterval(() => {
    const conns = [...(provider.room?.webrtcConns.values() ?? [])] as unknown as ConnLike[];
    for (const conn of overdueConns(conns, (c) => deadlines.get(c), now())) conn.peer.destroy();
  }, 1000);

  return {
    room: options.room,
    awareness: provider.awareness,
    peerId: () => provider.room?.peerId,
    status() {
      const room = provider.room;
      const peers: WebrtcPeer[] = [];
      for (const [id, conn] of room?.webrtcConns ?? []) {
        const heard = lastHeard.get(id);
        peers.push({
          id,
          via: 'webrtc',
          connected: conn.connected,
          synced: conn.synced,
          ...(heard === undefined ? {} : { lastHeard: heard }),
        });
      }
      for (const id of room?.bcConns ?? [])
        peers.push({ id, via: 'tab', connected: true, synced: true });
      const signaling = provider.signalingConns.map((c): SignalingStatus => {
        const full = refusals.refusalAt(c.url);
        return {
          url: c.url,
          connected: c.connected,
          ...(full === undefined ? {} : { refused: full }),
        };
      });
      return { signaling, peers, refused: { ...refused } };
    },
    onChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    destroy() {
      destroyed = true;
      clearInterval(watchdog);
      refusals.destroy();
      listeners.clear();
      provider.disconnect(); // destroy() alone would leave the signaling sockets reconnecting
      provider.destroy();
    },
  };
}
