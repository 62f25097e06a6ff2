/**
 * The gate in front of y-webrtc's and y-websocket's readers (src/sync/peer-messages.ts): a
 * WebRTC peer's tab announcement (`messageBcPeerId`, which only the BroadcastChannel may carry)
 * and types no transport takes never reach the reader, and a message the reader throws on (an
 * awareness update that is not UTF-8 JSON, thrown by y-protocols' own reader) is dropped, not
 * thrown out of the data channel's handler. The same over real WebRTC, with y-webrtc's reader,
 * is in tests/e2e/peers-webrtc.test.ts.
 */
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import * as awarenessProtocol from 'y-protocols/awareness';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import {
  awarenessClients,
  gatePeerMessages,
  MAX_AWARENESS_STATES,
  MAX_KNOWN_STATES,
  MESSAGE_AWARENESS,
  MESSAGE_BC_PEER_ID,
  messageTypeOf,
  noRefusals,
  RELAY_MESSAGES,
  WEBRTC_MESSAGES,
} from '../../src/sync/peer-messages.ts';

function message(type: number, write: (e: encoding.Encoder) => void = () => undefined) {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, type);
  write(encoder);
  return encoding.toUint8Array(encoder);
}

/** y-webrtc's `messageBcPeerId`: add (1) a made-up tab id. */
const tabAnnouncement = (id: string) =>
  message(MESSAGE_BC_PEER_ID, (e) => {
    encoding.writeUint8(e, 1);
    encoding.writeVarString(e, id);
  });

/** An awareness message whose update is one client with a state that is not UTF-8. */
function garbageAwareness(): Uint8Array {
  const update = encoding.createEncoder();
  encoding.writeVarUint(update, 1); // one client
  encoding.writeVarUint(update, 4242); // its id
  encoding.writeVarUint(update, 1); // its clock
  encoding.writeVarUint8Array(update, new Uint8Array([0xff, 0xfe, 0x80, 0x81])); // "JSON"
  return message(MESSAGE_AWARENESS, (e) =>
    encoding.writeVarUint8Array(e, encoding.toUint8Array(update)),
  );
}

/** An awareness message naming `count` clients from `first`, each with a small state at `clock`. */
function awarenessOf(count: number, first = 1, state = '{"digest":"ld1:0","size":1}', clock = 1) {
  const update = encoding.createEncoder();
  encoding.writeVarUint(update, count);
  for (let i = 0; i < count; i++) {
    encoding.writeVarUint(update, first + i);
    encoding.writeVarUint(update, clock);
    encoding.writeVarString(update, state);
  }
  return message(MESSAGE_AWARENESS, (e) =>
    encoding.writeVarUint8Array(e, encoding.toUint8Array(update)),
  );
}

describe('gatePeerMessages', () => {
  it('never hands a WebRTC peer’s tab announcement or an unknown type to the reader', () => {
    const read: number[] = [];
    const logged: string[] = [];
    const counts = noRefusals();
    const gate = gatePeerMessages((m) => read.push(messageTypeOf(m) ?? -1), {
      accepts: WEBRTC_MESSAGES,
      counts,
      label: 'peer 1',
      log: (line) => logged.push(line),
    });
    for (let i = 0; i < 1000; i++) gate(tabAnnouncement(`fake-tab-${i}`));
    gate(message(77));
    gate(message(2)); // y-websocket's auth message: no WebRTC peer sends it
    gate(new Uint8Array(0));
    gate(new Uint8Array([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]));
    gate(message(0, (e) => encoding.writeVarUint(e, 0)));
    gate(message(1));
    gate(message(3));
    expect(read).toEqual([0, 1, 3]);
    expect(counts).toEqual({ 'tab-only': 1000, 'unknown-type': 4, unreadable: 0, 'too-many': 0 });
    // Logged once per kind, not once per message.
    expect(logged).toHaveLength(2);
    expect(logged[0]).toMatch(/peer 1 \(tab-only/);
  });

  it('lets the relay send what y-websocket reads, its auth message included', () => {
    const read: number[] = [];
    const gate = gatePeerMessages((m) => read.push(messageTypeOf(m) ?? -1), {
      accepts: RELAY_MESSAGES,
      counts: noRefusals(),
      label: 'relay',
      log: () => undefined,
    });
    for (const type of [0, 1, 2, 3, 4]) gate(message(type));
    expect(read).toEqual([0, 1, 2, 3]);
  });

  it('drops an awareness update y-protocols throws on, and reads the next message', () => {
    const doc = new Y.Doc();
    const awareness = new awarenessProtocol.Awareness(doc);
    // What y-webrtc and y-websocket do with an awareness message.
    const reader = (m: Uint8Array) => {
      const decoder = decoding.createDecoder(m);
      decoding.readVarUint(decoder);
      awarenessProtocol.applyAwarenessUpdate(
        awareness,
        decoding.readVarUint8Array(decoder),
        'peer',
      );
    };
    expect(() => reader(garbageAwareness())).toThrow(); // the uncaught error on honest pages
    const counts = noRefusals();
    const logged: unknown[] = [];
    const gate = gatePeerMessages(reader, {
      accepts: WEBRTC_MESSAGES,
      counts,
      label: 'peer 2',
      log: (_line, error) => logged.push(error),
    });
    for (let i = 0; i < 3; i++) expect(() => gate(garbageAwareness())).not.toThrow();
    const other = new awarenessProtocol.Awareness(new Y.Doc());
    other.setLocalState({ digest: 'ld1:00000000000000000000', size: 1 });
    gate(
      message(MESSAGE_AWARENESS, (e) =>
        encoding.writeVarUint8Array(
          e,
          awarenessProtocol.encodeAwarenessUpdate(other, [other.clientID]),
        ),
      ),
    );
    expect(awareness.getStates().get(other.clientID)).toMatchObject({ size: 1 });
    expect(counts.unreadable).toBe(3);
    expect(logged).toHaveLength(1);
    expect(logged[0]).toBeInstanceOf(Error);
    awareness.destroy();
    other.destroy();
  });

  it('drops an awareness update past its bounds: too many clients, too many bytes, too many known', () => {
    const doc = new Y.Doc();
    const awareness = new awarenessProtocol.Awareness(doc);
    const reader = (m: Uint8Array) => {
      const decoder = decoding.createDecoder(m);
      decoding.readVarUint(decoder);
      awarenessProtocol.applyAwarenessUpdate(
        awareness,
        decoding.readVarUint8Array(decoder),
        'peer',
      );
    };
    const counts = noRefusals();
    const gate = gatePeerMessages(reader, {
      accepts: WEBRTC_MESSAGES,
      counts,
      label: 'peer 3',
      log: () => undefined,
      known: () => awareness.getStates(),
    });
    expect(awarenessClients(awarenessOf(3, 10))).toEqual({ count: 3, ids: [10, 11, 12] });
    gate(awarenessOf(MAX_AWARENESS_STATES + 1, 1_000_000));
    gate(awarenessOf(1, 2_000_000, `"${'x'.repeat(1 << 20)}"`));
    expect(awareness.getStates().size).toBe(1); // its own state only
    expect(counts['too-many']).toBe(2);
    // A flood of messages within bounds: the known states stop at MAX_KNOWN_STATES.
    for (let i = 0; i < 100; i++)
      gate(awarenessOf(MAX_AWARENESS_STATES, 10 + i * MAX_AWARENESS_STATES));
    expect(awareness.getStates().size).toBeLessThanOrEqual(MAX_KNOWN_STATES);
    expect(awareness.getStates().size).toBeGreaterThan(MAX_KNOWN_STATES - MAX_AWARENESS_STATES);
    expect(counts['too-many']).toBeGreaterThanOrEqual(98);
    // Updates of clients already known still go through.
    const before = counts['too-many'];
    gate(awarenessOf(5, 10, '{"digest":"ld1:1","size":2}', 2));
    expect(awareness.getStates().get(12)).toEqual({ digest: 'ld1:1', size: 2 });
    expect(counts['too-many']).toBe(before);
    awareness.destroy();
  });
});
