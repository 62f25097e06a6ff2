/**
 * Large messages over a WebRTC data channel. Chromium refuses a message over the channel's
 * max-message-size (256 KiB), and y-webrtc sends a peer's whole missing state as one sync
 * message and drops the error: a fresh peer of a ledger over ~300 entries would never sync.
 * Both ends of our rooms run this framing: a message larger than CHUNK_BYTES goes as chunks
 *
 *   0xFF | message id (u32) | index (u32) | count (u32) | payload
 *
 * (y-webrtc's own messages start with a small varuint type, never 0xFF, so they pass as they
 * are). Chunks of one message arrive in order on a reliable ordered channel; the reassembler
 * trusts nothing: a gap, a wrong count or a message over `maxMessageBytes` drops that message,
 * and at most `maxPartial` messages are open at once per peer.
 */
import { concatBytes } from '../core/encoding/bytes.ts';

export const CHUNK_BYTES = 64 * 1024;
const MARKER = 0xff;
const HEADER = 13;

/** Splits a message into frames (one frame, unchanged, when it is small). */
export function frameMessage(message: Uint8Array, id: number): Uint8Array[] {
  if (message.length <= CHUNK_BYTES) return [message];
  const count = Math.ceil(message.length / CHUNK_BYTES);
  const frames: Uint8Array[] = [];
  for (let index = 0; index < count; index++) {
    const part = message.subarray(index * CHUNK_BYTES, (index + 1) * CHUNK_BYTES);
    const frame = new Uint8Array(HEADER + part.length);
    const view = new DataView(frame.buffer);
    frame[0] = MARKER;
    view.setUint32(1, id >>> 0);
    view.setUint32(5, index);
    view.setUint32(9, count);
    frame.set(part, HEADER);
    frames.push(frame);
  }
  return frames;
}

interface Partial {
  count: number;
  next: number;
  size: number;
  parts: Uint8Array[];
}

export interface Reassembler {
  /** A frame in; the whole message out when this frame completes one (else undefined). */
  push(frame: Uint8Array): Uint8Array | undefined;
  /** Messages dropped as malformed or oversized. */
  readonly dropped: number;
}

export function makeReassembler(limits: {
  maxMessageBytes: number;
  maxPartial: number;
}): Reassembler {
  const open = new Map<number, Partial>();
  let dropped = 0;
  const drop = (id: number) => {
    open.delete(id);
    dropped++;
    return undefined;
  };
  return {
    get dropped() {
      return dropped;
    },
    push(frame) {
      if (frame.length === 0 || frame[0] !== MARKER) return frame;
      if (frame.length < HEADER) return drop(-1);
      const view = new DataView(frame.buffer, frame.byteOffset, frame.byteLength);
      const id = view.getUint32(1);
      const index = view.getUint32(5);
      const count = view.getUint32(9);
      let partial = open.get(id);
      if (partial === undefined) {
        if (index !== 0 || count < 2 || count * CHUNK_BYTES > limits.maxMessageBytes + CHUNK_BYTES)
          return drop(id);
        if (open.size >= limits.maxPartial) {
          const [oldest] = open.keys();
          if (oldest !== undefined) drop(oldest);
        }
        partial = { count, next: 0, size: 0, parts: [] };
        open.set(id, partial);
      }
      const payload = frame.subarray(HEADER);
      if (index !== partial.next || count !== partial.count) return drop(id);
      if (index < count - 1 && payload.length !== CHUNK_BYTES) return drop(id);
      partial.size += payload.length;
      if (partial.size > limits.maxMessageBytes) return drop(id);
      partial.parts.push(payload.slice());
      partial.next++;
      if (partial.next < count) return undefined;
      open.delete(id);
      return concatBytes(...partial.parts);
    },
  };
}

/** Where framed messages go: a send function and, when known, the channel to watch. */
export interface FramedOutput {
  send(frame: Uint8Array): void;
  channel(): RTCDataChannel | undefined;
}

/** Above this many bytes waiting in a channel, sending waits for it to drain. */
const HIGH_WATER = 1024 * 1024;

/**
 * Sends messages as frames, in order; while the channel holds more than HIGH_WATER bytes
 * unsent, frames wait for its `bufferedamountlow` (Chromium closes a channel whose send buffer
 * overflows). A send that throws (the channel closed) drops what is queued.
 */
export function makeFramedSender(output: FramedOutput): (message: Uint8Array) => void {
  const queue: Uint8Array[] = [];
  let nextId = 0;
  let listening: RTCDataChannel | undefined;
  const pump = () => {
    const channel = output.channel();
    while (queue.length > 0 && (channel === undefined || channel.bufferedAmount < HIGH_WATER)) {
      try {
        output.send(queue.shift() as Uint8Array);
      } catch {
        queue.length = 0;
      }
    }
    if (queue.length > 0 && channel !== undefined && listening !== channel) {
      channel.addEventListener('bufferedamountlow', pump);
      listening = channel;
    }
  };
  return (message) => {
    queue.push(...frameMessage(message, nextId++));
    pump();
  };
}
