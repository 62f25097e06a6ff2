/**
 * A device whose room is full on a signaling server says so, and gets in once a place is free:
 * the app's WebRTC transport (src/sync/webrtc.ts) against the real signaling server on
 * loopback, whose room someone else holds.
 */
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import * as Y from 'yjs';
import { connectWebrtc, type WebrtcTransport } from '../../src/sync/webrtc.ts';
import { roundTrip, signalingFixture } from '../helpers/signaling-client.ts';

const fixture = signalingFixture();
const saved = globalThis.WebSocket;
let transport: WebrtcTransport | undefined;
afterEach(() => {
  transport?.destroy();
  transport = undefined;
  globalThis.WebSocket = saved;
});

describe('a signaling server that refuses the room', () => {
  it('is shown as "room full" until a place is free, then the device is in', async () => {
    const { signalingUrl } = await fixture.start({ maxSubscribersPerTopic: 1 });
    const holder = await fixture.connect(signalingUrl);
    holder.send({ type: 'subscribe', topics: ['patchtrail-full'] });
    await roundTrip(holder);

    globalThis.WebSocket = WebSocket as unknown as typeof globalThis.WebSocket;
    transport = connectWebrtc(new Y.Doc(), {
      room: 'patchtrail-full',
      password: 'room secret',
      signaling: [signalingUrl],
      iceServers: [],
      refusedRetryMs: 300,
    });
    const status = () => transport?.status().signaling[0];
    await expect.poll(status).toEqual({ url: signalingUrl, connected: true, refused: 'room full' });

    holder.socket.close();
    await holder.closed;
    // Asked again, the server takes it: the holder's place is the device's now.
    await expect.poll(status, { timeout: 10_000 }).toEqual({ url: signalingUrl, connected: true });
    const listener = await fixture.connect(signalingUrl);
    listener.send({ type: 'subscribe', topics: ['patchtrail-full'] });
    expect(await roundTrip(listener)).toEqual([
      { type: 'subscribe-refused', topic: 'patchtrail-full', reason: 'room full' },
    ]);
  });
});
