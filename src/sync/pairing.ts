/**
 * Serverless pairing: two devices with no signaling server exchange an offer and an answer by
 * hand (copy and paste, or QR codes: src/app/pairing-code.ts) and get a plain RTCPeerConnection
 * with one data channel, over which the shared doc syncs with y-protocols' sync messages
 * (step 1, step 2, updates), framed like y-webrtc's messages (chunks.ts). The doc must already
 * be bound to the ledger (`bindLedgerDoc`): the peer is as untrusted as any other.
 *
 * ICE gathering completes before an SDP is handed out (no trickle: there is nobody to trickle
 * to), bounded by `gatherTimeoutMs`. ICE servers come from settings; none by default.
 */
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import * as syncProtocol from 'y-protocols/sync';
import type * as Y from 'yjs';
import { makeFramedSender, makeReassembler } from './chunks.ts';
import { UpdatePart } from './update-parts.ts';
import { bytesOf, makeDelivery, MAX_MESSAGE_BYTES } from './delivery.ts';

export interface PairingOptions {
  iceServers: readonly RTCIceServer[];
  /** Longest wait for ICE gathering before the SDP is handed out as it is (default 5 s). */
  gatherTimeoutMs?: number;
}

export interface PairedLink {
  /** Resolves when the data channel opens. */
  readonly open: Promise<void>;
  /** Syncs `doc` over the channel once it opens, counting in `counters`; returns a stop. */
  sync(
    doc: Y.Doc,
    events?: { heard?(): void; closed?(): void },
    counters?: PairingCounters,
  ): () => void;
  close(): void;
}

const CHANNEL = 'patchtrail-ledger';
/**
 * How often each side asks again for what it lacks (a sync step 1; the answer is a step 2 with
 * only what is missing, a few bytes when nothing is), as y-websocket's `resyncInterval` does:
 * one lost message must not leave a device behind for as long as the link stays open (CI saw a
 * device hold only the genesis, every message after the first exchange missing).
 */
export const RESYNC_MS = 10_000;
const MESSAGE_SYNC = 0;

async function gathered(pc: RTCPeerConnection, timeoutMs: number): Promise<string> {
  if (pc.iceGatheringState !== 'complete')
    await new Promise<void>((done) => {
      const timer = setTimeout(done, timeoutMs);
      pc.addEventListener('icegatheringstatechange', () => {
        if (pc.iceGatheringState === 'complete') {
          clearTimeout(timer);
          done();
        }
      });
    });
  const sdp = pc.localDescription?.sdp;
  if (sdp === undefined) throw new Error('pairing: no local description');
  return sdp;
}

/** Bytes a peer may send before this side starts syncing; more closes the channel. */
const MAX_EARLY_BYTES = 16 * 1024 * 1024;

/** A channel's messages, from the moment the channel is ours (`inbox`). */
export interface Inbox {
  readonly channel: RTCDataChannel;
  /** Hands every message so far, then each one as it comes, to `consumer`; undo with `drop`. */
  take(consumer: (data: Uint8Array) => void): void;
  /** Messages from now on are dropped. */
  drop(): void;
}

/**
 * Listens to a channel as soon as it exists and keeps what the peer sends until syncing takes
 * it. A listener added later misses what was dispatched before it (a test that starts syncing
 * 300 ms after the channel opened lost the peer's step 1, and with it this side's whole state
 * for the peer): nothing guarantees the peer's first message comes after `sync` is called.
 */
export function inbox(channel: RTCDataChannel): Inbox {
  channel.binaryType = 'arraybuffer';
  let early: Uint8Array[] = [];
  let earlyBytes = 0;
  let consumer: ((data: Uint8Array) => void) | undefined;
  channel.addEventListener('message', (event: MessageEvent) => {
    const data = bytesOf(event.data);
    if (consumer !== undefined) return consumer(data);
    earlyBytes += data.length;
    if (earlyBytes > MAX_EARLY_BYTES) {
      early = [];
      channel.close();
      return;
    }
    early.push(data);
  });
  return {
    channel,
    take(next) {
      consumer = next;
      const kept = early;
      early = [];
      earlyBytes = 0;
      for (const data of kept) next(data);
    },
    drop() {
      consumer = () => undefined;
      early = [];
    },
  };
}

/**
 * Rejects once the connection has failed (ICE found no path between the devices): the channel
 * would never open, and on the answering side the channel never even arrives.
 */
function connectionFailed(pc: RTCPeerConnection): Promise<never> {
  return new Promise((_, fail) => {
    pc.addEventListener('connectionstatechange', () => {
      if (pc.connectionState === 'failed')
        fail(
          new Error(
            'pairing: the devices could not reach each other: they must be on one network, or reach each other through ICE servers set in Settings',
          ),
        );
    });
  });
}

function link(pc: RTCPeerConnection, opened: Promise<Inbox>): PairedLink {
  const channel = opened.then((box) => box.channel);
  const channelOpen = channel.then(
    (c) =>
      new Promise<void>((done, fail) => {
        if (c.readyState === 'open') return done();
        c.addEventListener('open', () => done(), { once: true });
        c.addEventListener('close', () => fail(new Error('pairing: the channel closed')), {
          once: true,
        });
      }),
  );
  const failed = connectionFailed(pc);
  const open = Promise.race([channelOpen, failed]);
  // Either may settle after the race did (a link that fails once open closes its channel too).
  channelOpen.catch(() => undefined);
  failed.catch(() => undefined);
  open.catch(() => undefined);
  return {
    open,
    sync(doc, events = {}, counters = newCounters()) {
      let stopped = false;
      let stop = () => {
        stopped = true;
      };
      void open.then(
        async () => {
          const box = await opened;
          if (stopped) return;
          stop = syncDoc(doc, box, events, counters);
        },
        () => undefined, // never opened: `open` says why to whoever awaits it
      );
      return () => stop();
    },
    close: () => pc.close(),
  };
}

/** What a link's sync did, for support and for tests that must say why a sync stalled. */
export interface PairingCounters {
  /** Frames heard, and the bytes in them. */
  framesIn: number;
  bytesIn: number;
  /** Whole messages reassembled, and messages the reassembler dropped. */
  messagesIn: number;
  droppedIn: number;
  /** Sync messages handled by type (0: step 1, 1: step 2, 2: update), and those that threw. */
  handled: [number, number, number];
  handleErrors: number;
  /** Messages and frames sent, and sends the channel refused (the first one's words). */
  messagesOut: number;
  framesOut: number;
  sendErrors: number;
  firstError?: string;
}

export const newCounters = (): PairingCounters => ({
  ...{ framesIn: 0, bytesIn: 0, messagesIn: 0, droppedIn: 0, handled: [0, 0, 0] },
  ...{ handleErrors: 0, messagesOut: 0, framesOut: 0, sendErrors: 0 },
});

/** Runs the Yjs sync protocol for `doc` over an open channel. */
export function syncDoc(
  doc: Y.Doc,
  box: Inbox,
  events: { heard?(): void; closed?(): void },
  counters: PairingCounters = newCounters(),
): () => void {
  const channel = box.channel;
  const origin = Symbol('paired-peer');
  const noted = (error: unknown) => {
    counters.firstError ??= error instanceof Error ? `${error.name}: ${error.message}` : 'error';
  };
  const framed = makeFramedSender({
    send: (f) => {
      try {
        channel.send(f as Uint8Array<ArrayBuffer>);
        counters.framesOut++;
      } catch (error) {
        counters.sendErrors++;
        noted(error);
        throw error;
      }
    },
    channel: () => channel,
  });
  const send = (message: Uint8Array) => {
    counters.messagesOut++;
    framed(message);
  };
  const reassembler = makeReassembler({ maxMessageBytes: MAX_MESSAGE_BYTES, maxPartial: 4 });
  const write = (fill: (encoder: encoding.Encoder) => void) => {
    const encoder = encoding.createEncoder();
    encoding.writeVarUint(encoder, MESSAGE_SYNC);
    fill(encoder);
    send(encoding.toUint8Array(encoder));
  };
  let stopped = false;
  /** A whole message, after a large update's parts (makeDelivery) have been applied. */
  const handle = (message: Uint8Array) => {
    try {
      const decoder = decoding.createDecoder(message);
      if (decoding.readVarUint(decoder) !== MESSAGE_SYNC) return;
      const type = message[1] ?? 0;
      if (type <= 2) counters.handled[type as 0 | 1 | 2]++;
      const encoder = encoding.createEncoder();
      encoding.writeVarUint(encoder, MESSAGE_SYNC);
      syncProtocol.readSyncMessage(decoder, encoder, doc, origin);
      if (encoding.length(encoder) > 1) send(encoding.toUint8Array(encoder));
    } catch (error) {
      // A malformed message from the peer: ignored (what it carried never reached the ledger).
      counters.handleErrors++;
      noted(error);
    }
  };
  const deliver = makeDelivery(doc, handle, { closed: () => stopped, via: origin });
  const onMessage = (data: Uint8Array) => {
    events.heard?.();
    counters.framesIn++;
    counters.bytesIn += data.length;
    const message = reassembler.push(data);
    counters.droppedIn = reassembler.dropped;
    if (message === undefined) return;
    counters.messagesIn++;
    deliver(message);
  };
  /** Updates go to the peer unless they came from it (whole, or in parts). */
  const onUpdate = (update: Uint8Array, from: unknown) => {
    if (from === origin || (from instanceof UpdatePart && from.via === origin)) return;
    write((e) => syncProtocol.writeUpdate(e, update));
  };
  const askAgain = () => {
    if (channel.readyState === 'open') write((e) => syncProtocol.writeSyncStep1(e, doc));
  };
  const resync = setInterval(askAgain, RESYNC_MS);
  const onClose = () => {
    clearInterval(resync);
    events.closed?.();
  };
  channel.addEventListener('close', onClose);
  // Closed before syncing began (by the peer, or by the inbox's bound): its event has passed.
  if (channel.readyState === 'closed') queueMicrotask(onClose);
  doc.on('update', onUpdate);
  write((e) => syncProtocol.writeSyncStep1(e, doc));
  box.take(onMessage);
  return () => {
    stopped = true;
    clearInterval(resync);
    box.drop();
    channel.removeEventListener('close', onClose);
    doc.off('update', onUpdate);
  };
}

/** The first device: an offer SDP to hand over, and `accept` for the answer that comes back. */
export async function createPairingOffer(options: PairingOptions): Promise<{
  offer: string;
  accept(answer: string): Promise<PairedLink>;
  cancel(): void;
}> {
  const pc = new RTCPeerConnection({ iceServers: [...options.iceServers] });
  const channel = inbox(pc.createDataChannel(CHANNEL, { ordered: true }));
  await pc.setLocalDescription(await pc.createOffer());
  const offer = await gathered(pc, options.gatherTimeoutMs ?? 5000);
  return {
    offer,
    async accept(answer) {
      await pc.setRemoteDescription({ type: 'answer', sdp: answer });
      return link(pc, Promise.resolve(channel));
    },
    cancel: () => pc.close(),
  };
}

/** The second device: answers an offer SDP; hand the answer back to the first device. */
export async function answerPairingOffer(
  offer: string,
  options: PairingOptions,
): Promise<{ answer: string; link: PairedLink }> {
  const pc = new RTCPeerConnection({ iceServers: [...options.iceServers] });
  const channel = new Promise<Inbox>((done) =>
    pc.addEventListener('datachannel', (event) => done(inbox(event.channel)), { once: true }),
  );
  await pc.setRemoteDescription({ type: 'offer', sdp: offer });
  await pc.setLocalDescription(await pc.createAnswer());
  const answer = await gathered(pc, options.gatherTimeoutMs ?? 5000);
  return { answer, link: link(pc, channel) };
}
