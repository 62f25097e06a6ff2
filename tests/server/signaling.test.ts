/**
 * The y-webrtc signaling server over real WebSockets on loopback: the protocol as y-webrtc
 * speaks it (a real y-webrtc provider announces through it), and every bound a hostile peer
 * could push against: message size, topics per client, topic length, clients, message rate,
 * malformed input. A misbehaving client is closed; the others carry on.
 */
import { describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import * as Y from 'yjs';
import { roundTrip, signalingFixture } from '../helpers/signaling-client.ts';

const fixture = signalingFixture();
const { start, connect } = fixture;

describe('signaling speaks y-webrtc’s protocol', () => {
  it('relays a publish to the topic’s subscribers only, with their count', async () => {
    const { signalingUrl } = await start();
    const [a, b, other] = await Promise.all([
      connect(signalingUrl),
      connect(signalingUrl),
      connect(signalingUrl),
    ]);
    a.send({ type: 'subscribe', topics: ['room-1'] });
    b.send({ type: 'subscribe', topics: ['room-1'] });
    other.send({ type: 'subscribe', topics: ['room-2'] });
    await Promise.all([a, b, other].map(roundTrip));
    a.send({ type: 'publish', topic: 'room-1', data: 'c2lnbmFs', extra: 'x'.repeat(100) });
    expect(await b.next()).toEqual({
      type: 'publish',
      topic: 'room-1',
      data: 'c2lnbmFs',
      clients: 2,
    });
    expect(await a.next()).toEqual({
      type: 'publish',
      topic: 'room-1',
      data: 'c2lnbmFs',
      clients: 2,
    });
    await roundTrip(other);
    expect(other.received).toEqual([]);
  });

  it('relays nothing from a client that is not subscribed, and nothing after unsubscribe', async () => {
    const { signalingUrl } = await start();
    const [a, b] = await Promise.all([connect(signalingUrl), connect(signalingUrl)]);
    a.send({ type: 'subscribe', topics: ['room'] });
    await roundTrip(a);
    b.send({ type: 'publish', topic: 'room', data: 'x' });
    await roundTrip(b);
    a.send({ type: 'unsubscribe', topics: ['room'] });
    await roundTrip(a);
    expect(fixture.signaling.topics).toBe(0);
    b.send({ type: 'subscribe', topics: ['room'] });
    b.send({ type: 'publish', topic: 'room', data: 'y' });
    expect(await b.next()).toMatchObject({ data: 'y', clients: 1 });
    await roundTrip(a);
    expect(a.received).toEqual([]);
  });

  it('carries a real y-webrtc provider’s announce to another subscriber', async () => {
    const { signalingUrl } = await start();
    const listener = await connect(signalingUrl);
    const { WebrtcProvider } = await import('y-webrtc');
    const saved = globalThis.WebSocket;
    globalThis.WebSocket = WebSocket as unknown as typeof globalThis.WebSocket;
    const doc = new Y.Doc();
    const provider = new WebrtcProvider('patchtrail-interop', doc, {
      signaling: [signalingUrl],
      password: 'room secret',
      peerOpts: { config: { iceServers: [] } },
    });
    try {
      listener.send({ type: 'subscribe', topics: ['patchtrail-interop'] });
      await roundTrip(listener);
      let announce: Record<string, unknown>;
      do announce = await listener.next();
      while (announce.type !== 'publish');
      expect(announce).toMatchObject({ topic: 'patchtrail-interop' });
      // With a password, y-webrtc encrypts signaling: the server sees base64, not a peer id.
      expect(typeof announce.data).toBe('string');
      expect(String(announce.data)).not.toContain('announce');
    } finally {
      provider.disconnect(); // destroy() alone leaves the signaling socket reconnecting
      provider.destroy();
      doc.destroy();
      globalThis.WebSocket = saved;
    }
  });
});

describe('signaling is bounded against hostile peers', () => {
  it('closes a client that sends what is not a JSON object; ignores wrong shapes', async () => {
    const { signalingUrl } = await start();
    for (const junk of ['{"type": "subscribe", "topics": [', 'null', '42', '"x"', '\u0000']) {
      const bad = await connect(signalingUrl);
      bad.send(junk);
      expect(await bad.closed, junk).toBe(1008);
    }
    const good = await connect(signalingUrl);
    for (const shape of [
      '{"type":"subscribe","topics":"room"}',
      '{"type":"subscribe","topics":[1]}',
      '{"type":"publish"}',
      '{"type":"nope"}',
      '[]',
    ])
      good.send(shape);
    await roundTrip(good);
    expect(fixture.signaling.topics).toBe(0);
  });

  it('closes a client whose message is over the size limit', async () => {
    const { signalingUrl } = await start({ maxMessageBytes: 1024 });
    const client = await connect(signalingUrl);
    client.send({ type: 'ping', pad: 'x'.repeat(2048) });
    expect(await client.closed).toBe(1009);
  });

  it('closes a client that subscribes to too many topics or too long a name', async () => {
    const { signalingUrl } = await start({ maxTopicsPerClient: 4, maxTopicChars: 16 });
    const greedy = await connect(signalingUrl);
    greedy.send({ type: 'subscribe', topics: ['a', 'b', 'c', 'd', 'e'] });
    expect(await greedy.closed).toBe(1008);
    const long = await connect(signalingUrl);
    long.send({ type: 'subscribe', topics: ['x'.repeat(17)] });
    expect(await long.closed).toBe(1008);
    await expect.poll(() => fixture.signaling.topics).toBe(0);
  });

  it('closes a flooding client', async () => {
    const { signalingUrl } = await start({ maxMessagesPerWindow: 50, rateWindowMs: 60_000 });
    const flooder = await connect(signalingUrl);
    for (let i = 0; i < 60; i++) flooder.send({ type: 'ping' });
    expect(await flooder.closed).toBe(1008);
    expect(flooder.received.length).toBeLessThanOrEqual(50);
  });

  it('refuses clients beyond the limit, and admits one when another leaves', async () => {
    const { signalingUrl } = await start({ maxClients: 2 });
    const first = await connect(signalingUrl);
    await connect(signalingUrl);
    await expect(connect(signalingUrl)).rejects.toThrow(/503/);
    first.socket.close();
    await first.closed;
    await expect.poll(() => fixture.signaling.clients).toBe(1);
    await roundTrip(await connect(signalingUrl));
  });

  it('answers no WebSocket upgrade outside /signal', async () => {
    const { url } = await start();
    await expect(connect(url.replace('http', 'ws'))).rejects.toThrow(/404/);
  });
});
