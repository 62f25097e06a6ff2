/**
 * The y-webrtc signaling server over real WebSockets on loopback: the protocol as y-webrtc
 * speaks it (a real y-webrtc provider announces through it), and every bound a hostile peer
 * could push against: message size, topics per client, topic length, clients, message rate,
 * malformed input. A misbehaving client is closed; the others carry on.
 */
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import * as Y from 'yjs';
import { startLocalServer, type LocalServer } from '../../src/server/local-server.ts';
import type { SignalingLimits } from '../../src/server/signaling.ts';
import { ROOT } from '../helpers/cli.ts';

let server: LocalServer | undefined;
const sockets: WebSocket[] = [];

afterEach(async () => {
  for (const socket of sockets.splice(0)) socket.terminate();
  await server?.close();
  server = undefined;
});

async function start(limits: Partial<SignalingLimits> = {}): Promise<LocalServer> {
  server = await startLocalServer({
    root: `${ROOT}public`,
    host: '127.0.0.1',
    port: 0,
    signaling: limits,
  });
  return server;
}

interface Client {
  socket: WebSocket;
  received: Record<string, unknown>[];
  closed: Promise<number>;
  send(message: unknown): void;
  next(): Promise<Record<string, unknown>>;
}

async function connect(url: string): Promise<Client> {
  const socket = new WebSocket(url);
  sockets.push(socket);
  const received: Record<string, unknown>[] = [];
  const waiting: ((m: Record<string, unknown>) => void)[] = [];
  socket.on('message', (data) => {
    const message = JSON.parse(String(data)) as Record<string, unknown>;
    const waiter = waiting.shift();
    if (waiter !== undefined) waiter(message);
    else received.push(message);
  });
  const closed = new Promise<number>((done) => socket.on('close', (code) => done(code)));
  await new Promise<void>((done, fail) => {
    socket.once('open', () => done());
    socket.once('error', fail);
  });
  return {
    socket,
    received,
    closed,
    send: (message) => socket.send(typeof message === 'string' ? message : JSON.stringify(message)),
    next: () => {
      const ready = received.shift();
      return ready !== undefined
        ? Promise.resolve(ready)
        : new Promise((done) => waiting.push(done));
    },
  };
}

/** A round trip through the server: everything sent before it has been handled. */
async function roundTrip(client: Client): Promise<void> {
  client.send({ type: 'ping' });
  for (;;) if ((await client.next()).type === 'pong') return;
}

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
    expect(server?.signaling.topics).toBe(0);
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
    expect(server?.signaling.topics).toBe(0);
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
    await expect.poll(() => server?.signaling.topics).toBe(0);
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
    await expect.poll(() => server?.signaling.clients).toBe(1);
    await roundTrip(await connect(signalingUrl));
  });

  it('answers no WebSocket upgrade outside /signal', async () => {
    const { url } = await start();
    await expect(connect(url.replace('http', 'ws'))).rejects.toThrow(/404/);
  });
});
