/**
 * The relay (src/server/relay.ts) against clients that try to exhaust it, over real
 * WebSockets on loopback: made-up rooms opened and left, a room written past its size, a
 * client that does not read, an awareness state built to overflow the stack, and messages
 * begun and never finished. Each costs the sender its connection or frees what it held; honest
 * clients still sync through it.
 */
import * as encoding from 'lib0/encoding';
import type { Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import * as syncProtocol from 'y-protocols/sync';
import * as Y from 'yjs';
import { startRelay, type Relay, type RelayLimits } from '../../src/server/relay.ts';
import { connectRelay } from '../../src/sync/relay.ts';

let relay: Relay | undefined;
const sockets: WebSocket[] = [];
const cleanups: (() => void)[] = [];
afterEach(async () => {
  for (const clean of cleanups.splice(0)) clean();
  for (const socket of sockets.splice(0)) socket.terminate();
  await relay?.close();
  relay = undefined;
});

async function start(limits: Partial<RelayLimits>): Promise<Relay> {
  relay = await startRelay({ host: '127.0.0.1', port: 0 }, limits);
  return relay;
}

interface Raw {
  socket: WebSocket;
  closed: Promise<[number, string]>;
  /** The TCP socket under it (pause it to play a client that stops reading). */
  tcp?: Socket;
}

/** A plain WebSocket in a room, or the error that refused it. */
function open(room: string): Promise<Raw | Error> {
  return new Promise((done) => {
    const socket = new WebSocket(`${relay?.url}/${room}`);
    sockets.push(socket);
    const closed = new Promise<[number, string]>((ended) =>
      socket.on('close', (code, reason) => ended([code, String(reason)])),
    );
    let tcp: Socket | undefined;
    socket.once('upgrade', (response) => (tcp = response.socket));
    socket.on('open', () => done({ socket, closed, ...(tcp === undefined ? {} : { tcp }) }));
    socket.on('error', (error) => done(error));
  });
}

async function opened(room: string): Promise<Raw> {
  const raw = await open(room);
  if (raw instanceof Error) throw raw;
  return raw;
}

/** A y-websocket sync update (message type 0, sync step "update"). */
function syncUpdate(update: Uint8Array): Uint8Array {
  const e = encoding.createEncoder();
  encoding.writeVarUint(e, 0);
  syncProtocol.writeUpdate(e, update);
  return encoding.toUint8Array(e);
}

/** Two y-websocket clients of a room see each other's writes. */
async function honestPairSyncs(room: string): Promise<void> {
  const WS = WebSocket as unknown as typeof globalThis.WebSocket;
  const [a, b] = [new Y.Doc(), new Y.Doc()];
  for (const doc of [a, b]) {
    const t = connectRelay(doc, { url: relay?.url ?? '', room, WebSocket: WS });
    cleanups.push(() => t.destroy());
  }
  a.getMap('m').set('k', 'honest');
  await expect.poll(() => b.getMap('m').get('k'), { timeout: 10_000 }).toBe('honest');
}

describe('relay rooms are freed and bounded', () => {
  it('frees a room its last client left: 64 made-up rooms lock no one out', async () => {
    await start({ maxRooms: 64, idleRoomMs: 50 });
    for (let i = 0; i < 64; i++) (await opened(`junk-${i}`)).socket.close();
    await expect.poll(() => relay?.rooms().size).toBe(0);
    await honestPairSyncs('team-room');
  });

  it('gives an empty room’s place to a new room before its grace is over', async () => {
    await start({ maxRooms: 4, idleRoomMs: 60_000 });
    for (let i = 0; i < 4; i++) {
      const raw = await opened(`junk-${i}`);
      raw.socket.close();
      await raw.closed;
    }
    const held = await opened('held');
    expect(relay?.rooms().has('held')).toBe(true);
    await honestPairSyncs('team-room');
    // Rooms with someone in them are never taken: with all four in use, a fifth waits.
    const busy = await Promise.all(['a', 'b'].map((r) => opened(`busy-${r}`)));
    expect(busy).toHaveLength(2);
    expect(await open('fifth')).toBeInstanceOf(Error);
    held.socket.close();
  });

  it('empties a room written past its size, and honest clients sync in it after', async () => {
    await start({ maxRoomBytes: 1024 * 1024 });
    const writer = await opened('team-room');
    const doc = new Y.Doc();
    doc.on('update', (update: Uint8Array) => writer.socket.send(syncUpdate(update)));
    for (let i = 0; i < 4; i++) doc.getMap('m').set(`junk-${i}`, new Uint8Array(400 * 1024));
    expect(await writer.closed).toEqual([1009, 'room too large']);
    await expect.poll(() => relay?.rooms().get('team-room') ?? 0).toBeLessThan(1024 * 1024);
    await honestPairSyncs('team-room');
    expect(relay?.rooms().get('team-room')).toBeLessThan(1024);
  });
});

describe('the relay bounds what waits for a client', () => {
  it('closes a client that does not read once past the bound; the writer carries on', async () => {
    await start({ maxBufferedBytes: 512 * 1024 });
    const stalled = await opened('room');
    stalled.tcp?.pause();
    const writer = await opened('room');
    const doc = new Y.Doc();
    doc.on('update', (update: Uint8Array) => writer.socket.send(syncUpdate(update)));
    // 24 MB: past what loopback's kernel buffers take for the stalled client.
    for (let i = 0; i < 48; i++) {
      doc.getMap('m').set(`k${i % 4}`, new Uint8Array(512 * 1024).fill(i));
      await new Promise((done) => setTimeout(done, 5));
    }
    stalled.tcp?.resume();
    expect(await stalled.closed).toEqual([1008, 'reading too slowly']);
    expect(writer.socket.readyState).toBe(WebSocket.OPEN);
    await honestPairSyncs('room');
  });
});

describe('the relay survives messages built to crash or hold it', () => {
  it('closes a client whose awareness state nests 20,000 deep, and serves the next', async () => {
    await start({});
    const attacker = await opened('room');
    const depth = 20_000;
    const update = encoding.createEncoder();
    encoding.writeVarUint(update, 1); // one state
    encoding.writeVarUint(update, 12345); // its client id
    encoding.writeVarUint(update, 1); // clock
    encoding.writeVarString(update, '['.repeat(depth) + ']'.repeat(depth));
    const message = encoding.createEncoder();
    encoding.writeVarUint(message, 1); // awareness
    encoding.writeVarUint8Array(message, encoding.toUint8Array(update));
    attacker.socket.send(encoding.toUint8Array(message));
    expect(await attacker.closed).toEqual([1008, 'nested too deep']);
    await honestPairSyncs('room');
  });

  it('closes a connection whose message is not finished in time', async () => {
    await start({ messageTimeoutMs: 300 });
    const slow = await opened('room');
    slow.socket.send(new Uint8Array(300 * 1024), { binary: true, fin: false });
    expect(await slow.closed).toEqual([1008, 'message too slow']);
    await expect.poll(() => relay?.pending).toBe(0);
  });

  it('holds at most its budget of unfinished messages over all connections', async () => {
    await start({ maxPendingBytes: 1024 * 1024 });
    const doc = new Y.Doc();
    doc.getMap('m').set('k', new Uint8Array(600 * 1024));
    const whole = syncUpdate(Y.encodeStateAsUpdate(doc));
    const first = await opened('room');
    first.socket.send(whole.subarray(0, -16), { binary: true, fin: false });
    await expect.poll(() => relay?.pending).toBeGreaterThanOrEqual(600 * 1024);
    const second = await opened('room');
    second.socket.send(new Uint8Array(600 * 1024), { binary: true, fin: false });
    expect(await second.closed).toEqual([1009, 'too much unfinished']);
    expect(relay?.pending).toBeLessThanOrEqual(1024 * 1024);
    // The first finishes its message: it was not held against it, and the room took it. What
    // stays counted is at most the chunk that ended it (the budget counts whole chunks).
    first.socket.send(whole.subarray(-16), { binary: true, fin: true });
    await expect.poll(() => relay?.rooms().get('room') ?? 0).toBeGreaterThan(600 * 1024);
    expect(relay?.pending).toBeLessThan(1024);
    expect(first.socket.readyState).toBe(WebSocket.OPEN);
  });
});
