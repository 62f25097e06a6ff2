/**
 * A plain WebSocket client of the signaling server for tests (src/server/signaling.ts): it
 * keeps what arrives in order, hands it out with `next()`, and says how the connection closed.
 */
import type { Socket } from 'node:net';
import { afterEach } from 'vitest';
import WebSocket from 'ws';
import { startLocalServer, type LocalServer } from '../../src/server/local-server.ts';
import type { SignalingLimits } from '../../src/server/signaling.ts';
import { ROOT } from './cli.ts';

export interface SignalingClient {
  socket: WebSocket;
  /** The TCP socket under it (pause it to play a client that stops reading). */
  tcp: Socket;
  received: Record<string, unknown>[];
  /** The close code and reason. */
  closed: Promise<number>;
  reason: Promise<string>;
  send(message: unknown): void;
  next(): Promise<Record<string, unknown>>;
}

/**
 * Opens a client; `sockets` collects it for the test's clean-up. `from` plays a client at that
 * address behind a reverse proxy on this machine (an X-Forwarded-For header from loopback).
 */
export async function connectSignaling(
  url: string,
  sockets: WebSocket[],
  from?: string,
): Promise<SignalingClient> {
  const headers = from === undefined ? {} : { 'x-forwarded-for': from };
  const socket = new WebSocket(url, { headers });
  sockets.push(socket);
  let tcp: Socket | undefined;
  socket.once('upgrade', (response) => (tcp = response.socket));
  const received: Record<string, unknown>[] = [];
  const waiting: ((m: Record<string, unknown>) => void)[] = [];
  socket.on('message', (data) => {
    const message = JSON.parse(String(data)) as Record<string, unknown>;
    const waiter = waiting.shift();
    if (waiter !== undefined) waiter(message);
    else received.push(message);
  });
  const ended = new Promise<[number, string]>((done) =>
    socket.on('close', (code, reason) => done([code, String(reason)])),
  );
  await new Promise<void>((done, fail) => {
    socket.once('open', () => done());
    socket.once('error', fail);
  });
  if (tcp === undefined) throw new Error('connectSignaling: opened without an upgrade');
  return {
    socket,
    tcp,
    received,
    closed: ended.then(([code]) => code),
    reason: ended.then(([, reason]) => reason),
    send: (message) => socket.send(typeof message === 'string' ? message : JSON.stringify(message)),
    next: () => {
      const ready = received.shift();
      return ready !== undefined
        ? Promise.resolve(ready)
        : new Promise((done) => waiting.push(done));
    },
  };
}

/**
 * A round trip through the server: everything sent before it has been handled. Gives what
 * arrived before the pong.
 */
export async function roundTrip(client: SignalingClient): Promise<Record<string, unknown>[]> {
  client.send({ type: 'ping' });
  const before: Record<string, unknown>[] = [];
  for (;;) {
    const message = await client.next();
    if (message.type === 'pong') return before;
    before.push(message);
  }
}

/**
 * `npm start`'s server on a free loopback port (serving public/: the app is not needed) and
 * clients of it, all closed after each test.
 */
export function signalingFixture() {
  let server: LocalServer | undefined;
  const sockets: WebSocket[] = [];
  afterEach(async () => {
    for (const socket of sockets.splice(0)) socket.terminate();
    await server?.close();
    server = undefined;
  });
  return {
    async start(limits: Partial<SignalingLimits> = {}, log?: (line: string) => void) {
      server = await startLocalServer({
        root: `${ROOT}public`,
        host: '127.0.0.1',
        port: 0,
        signaling: limits,
        ...(log === undefined ? {} : { log }),
      });
      return server;
    },
    connect: (url: string, from?: string): Promise<SignalingClient> =>
      connectSignaling(url, sockets, from),
    /** The server the test started. */
    get signaling() {
      if (server === undefined) throw new Error('signalingFixture: no server started');
      return server.signaling;
    },
  };
}
