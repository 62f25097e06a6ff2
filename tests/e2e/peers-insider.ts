/**
 * Bundled into the peers test page: an insider (it has the room secret) that speaks y-webrtc's
 * wire protocol to honest peers directly, not only through the shared doc. It joins the room
 * with a bare y-webrtc transport, records every data channel the page sends on (its own page:
 * the prototype is patched here), and sends raw messages down each: y-webrtc's tab
 * announcement (`messageBcPeerId`, meant only for the BroadcastChannel) with made-up ids, an
 * awareness update that is not UTF-8, and awareness updates naming made-up clients by the
 * thousand. It also writes junk to a root type the ledger does
 * not use, and measures what the room hands it when it joins again.
 */
import * as encoding from 'lib0/encoding';
import * as Y from 'yjs';
import type { PeerSettings } from '../../src/app/peer-settings.ts';
import { connectWebrtc, roomNameFor, type WebrtcTransport } from '../../src/sync/webrtc.ts';

const channels = new Set<RTCDataChannel>();
let doc: Y.Doc | undefined;
let transport: WebrtcTransport | undefined;

function recordChannels(): void {
  const send = RTCDataChannel.prototype.send;
  RTCDataChannel.prototype.send = function (this: RTCDataChannel, data: never) {
    channels.add(this);
    return send.call(this, data);
  } as typeof send;
}

/** Sends `message` as it is (under 64 KiB: no framing) on every open channel; returns how many. */
function sendRaw(message: Uint8Array): number {
  let sent = 0;
  for (const channel of channels)
    if (channel.readyState === 'open') {
      channel.send(message as Uint8Array<ArrayBuffer>);
      sent++;
    }
  return sent;
}

function opened(): Y.Doc {
  if (doc === undefined) throw new Error('the insider is not connected');
  return doc;
}

export const insider = {
  async connect(ledgerId: string, secret: string, settings: PeerSettings): Promise<void> {
    if (channels.size === 0) recordChannels();
    doc = new Y.Doc();
    transport = connectWebrtc(doc, {
      room: await roomNameFor(ledgerId),
      password: secret,
      signaling: settings.signaling,
      iceServers: settings.iceServers,
    });
  },
  /** Open channels to honest peers. */
  open: (): number => [...channels].filter((c) => c.readyState === 'open').length,
  /** Entries this insider's doc holds (what the room sent it). */
  entries: (): number => opened().getMap('entries').size,
  /** `count` tab announcements (add) with made-up ids, down every channel. */
  announceTabs(count: number): number {
    let sent = 0;
    for (let i = 0; i < count; i++) {
      const encoder = encoding.createEncoder();
      encoding.writeVarUint(encoder, 4);
      encoding.writeUint8(encoder, 1);
      encoding.writeVarString(encoder, `fake-tab-${i}`);
      sent += sendRaw(encoding.toUint8Array(encoder));
    }
    return sent;
  },
  /** An awareness update for one client whose state is not UTF-8 JSON. */
  garbageAwareness(): number {
    const update = encoding.createEncoder();
    for (const n of [1, 4242, 1]) encoding.writeVarUint(update, n);
    encoding.writeVarUint8Array(update, new Uint8Array([0xff, 0xfe, 0x80, 0x81]));
    const message = encoding.createEncoder();
    encoding.writeVarUint(message, 1);
    encoding.writeVarUint8Array(message, encoding.toUint8Array(update));
    return sendRaw(encoding.toUint8Array(message));
  },
  /** `messages` awareness updates, each naming `clients` made-up clients (each under 64 KiB). */
  floodAwareness(messages: number, clients: number): number {
    let sent = 0;
    let id = 1_000_000;
    for (let m = 0; m < messages; m++) {
      const update = encoding.createEncoder();
      encoding.writeVarUint(update, clients);
      for (let c = 0; c < clients; c++) {
        encoding.writeVarUint(update, id++);
        encoding.writeVarUint(update, 1);
        encoding.writeVarString(update, '{}');
      }
      const message = encoding.createEncoder();
      encoding.writeVarUint(message, 1);
      encoding.writeVarUint8Array(message, encoding.toUint8Array(update));
      sent += sendRaw(encoding.toUint8Array(message));
    }
    return sent;
  },
  /** `count` values of `bytes` pushed to the array root `name`, a transaction each. */
  junkRoot(name: string, count: number, bytes: number): number {
    const array = opened().getArray<Uint8Array>(name);
    for (let i = 0; i < count; i++) array.push([new Uint8Array(bytes).fill(i % 251)]);
    return array.length;
  },
  rootLength: (name: string): number => opened().getArray(name).length,
  /** What a peer joining now would be sent of this doc: its whole state, in bytes. */
  stateBytes: (): number => Y.encodeStateAsUpdate(opened()).length,
  close(): void {
    transport?.destroy();
    doc?.destroy();
    transport = undefined;
    doc = undefined;
  },
};
