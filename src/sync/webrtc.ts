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
import type * as Y from 'yjs';
import { WebrtcProvider } from 'y-webrtc';
import { sha256Hex } from '../core/crypto/hash.ts';
import { utf8Encode } from '../core/encoding/bytes.ts';
import { makeFramedSender, makeReassembler } from './chunks.ts';

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

export interface WebrtcStatus {
  signaling: { url: string; connected: boolean }[];
  peers: WebrtcPeer[];
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

/** Message bytes a peer may send us in one (reassembled) message: a whole ledger's state. */
export const MAX_MESSAGE_BYTES = 256 * 1024 * 1024;

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

export function bytesOf(data: unknown): Uint8Array {
  if (data instanceof Uint8Array) return data;
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  if (ArrayBuffer.isView(data))
    return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  return new Uint8Array(0);
}

/** Frames outgoing messages, waits for a full channel to drain, reassembles incoming ones. */
function adoptConn(conn: ConnLike, heard: () => void): void {
  const { peer } = conn;
  const reassembler = makeReassembler({ maxMessageBytes: MAX_MESSAGE_BYTES, maxPartial: 4 });
  const emit = peer.emit.bind(peer);
  peer.emit = (event: string, ...args: unknown[]) => {
    if (event !== 'data') return emit(event, ...args);
    heard();
    const whole = reassembler.push(bytesOf(args[0]));
    return whole === undefined ? false : emit('data', whole);
  };
  const send = peer.send.bind(peer);
  const framed = makeFramedSender({ send, channel: () => peer._channel ?? undefined });
  peer.send = (data: Uint8Array) => framed(bytesOf(data));
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
  const listeners = new Set<() => void>();
  const changed = () => {
    for (const listener of listeners) listener();
  };
  const lastHeard = new Map<string, number>();
  const deadlines = new WeakMap<object, number>();
  const timeout = options.connectTimeoutMs ?? CONNECT_TIMEOUT_MS;
  const random = options.random ?? Math.random;
  let lastNotice = 0;

  const adoptNew = () => {
    for (const [id, conn] of provider.room?.webrtcConns ?? []) {
      if (deadlines.has(conn)) continue;
      deadlines.set(conn, now() + timeout * (1 + random() / 2));
      const like = conn as unknown as ConnLike;
      adoptConn(like, () => {
        const at = now();
        lastHeard.set(id, at);
        if (at - lastNotice >= 500) {
          lastNotice = at;
          changed();
        }
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
      const signaling = provider.signalingConns.map((c) => ({
        url: c.url,
        connected: c.connected,
      }));
      return { signaling, peers };
    },
    onChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    destroy() {
      clearInterval(watchdog);
      listeners.clear();
      provider.disconnect(); // destroy() alone would leave the signaling sockets reconnecting
      provider.destroy();
    },
  };
}
