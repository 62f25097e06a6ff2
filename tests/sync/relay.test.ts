/**
 * The relay for big teams (src/server/relay.ts, @y/websocket-server) with real y-websocket
 * clients on loopback, each bound to its own verified ledger: honest clients converge through
 * it; a hostile client's forged, overwritten and deleted entries change nothing they believe;
 * and a hostile relay that injects forged entries and deletes honest ones from its own copy of
 * the room changes nothing either. The relay refuses bad room names and too many rooms.
 */
import { afterEach, describe, expect, it } from 'vitest';
import * as encoding from 'lib0/encoding';
import WebSocket from 'ws';
import * as Y from 'yjs';
import { getYDoc } from '@y/websocket-server/utils';
import { Ledger, makeSeedSigner, signEntry, type Signer } from '../../src/core/index.ts';
import { startRelay, type Relay } from '../../src/server/relay.ts';
import { bindLedgerDoc, ENTRIES_MAP } from '../../src/sync/ledger-doc.ts';
import { MAX_AWARENESS_STATES, MAX_KNOWN_STATES } from '../../src/sync/peer-messages.ts';
import { connectRelay, type RelayTransport } from '../../src/sync/relay.ts';
import { UpdatePart } from '../../src/sync/update-parts.ts';
import { roomNameFor } from '../../src/sync/webrtc.ts';

const T = '2026-12-06T10:00:00Z';
const PATCH = `sha256:${'ab'.repeat(32)}`;
const signer = (b: number): Promise<Signer> => makeSeedSigner(new Uint8Array(32).fill(b));
const WS = WebSocket as unknown as typeof globalThis.WebSocket;

let relay: Relay | undefined;
const cleanups: (() => void)[] = [];
afterEach(async () => {
  for (const clean of cleanups.splice(0)) clean();
  await relay?.close();
  relay = undefined;
});

interface Client {
  ledger: Ledger;
  doc: Y.Doc;
  transport: RelayTransport;
  settled(): Promise<void>;
}

async function honest(
  genesis: Uint8Array,
  url: string,
  room: string,
  watch?: (doc: Y.Doc) => void,
): Promise<Client> {
  const ledger = await Ledger.open(genesis);
  const doc = new Y.Doc();
  watch?.(doc);
  const binding = bindLedgerDoc(doc, ledger);
  const transport = connectRelay(doc, { url, room, WebSocket: WS });
  cleanups.push(() => {
    transport.destroy();
    binding.destroy();
  });
  return { ledger, doc, transport, settled: () => binding.settled() };
}

async function founded() {
  const admin = await signer(1);
  const ledger = await Ledger.found(
    admin,
    { name: 'relay team', admins: [admin.did], threshold: 1 },
    T,
  );
  return { genesis: ledger.genesis.bytes, id: ledger.id };
}

async function write(client: Client, byte: number, count: number): Promise<string[]> {
  const who = await signer(byte);
  const ids: string[] = [];
  for (let i = 0; i < count; i++) {
    const entry =
      client.ledger.head(who.did) === undefined
        ? await client.ledger.append(who, 'register', { name: `device ${byte}` }, T)
        : await client.ledger.append(who, 'attest', { patch: PATCH, reason: 'built', score: i }, T);
    ids.push(entry.id);
  }
  return ids;
}

async function forged(
  ledgerId: string,
  count: number,
): Promise<{ id: string; bytes: Uint8Array }[]> {
  const victim = await signer(2);
  const forger = await signer(99);
  const liar: Signer = { did: victim.did, publicKey: victim.publicKey, sign: forger.sign };
  const out = [];
  for (let i = 0; i < count; i++) {
    const fields = { ledger: ledgerId, seq: 0, prev: null, refs: [], time: T };
    out.push(await signEntry(liar, { ...fields, kind: 'register', body: { name: `forged ${i}` } }));
  }
  return out;
}

async function converged(clients: Client[], ids: string[]): Promise<void> {
  await expect
    .poll(
      async () => {
        await Promise.all(clients.map((c) => c.settled()));
        return clients.every((c) => ids.every((id) => c.ledger.get(id) !== undefined));
      },
      { timeout: 10_000, interval: 50 },
    )
    .toBe(true);
}

describe('the relay is a transport, not an authority', () => {
  it('hands a late client the whole state in parts, and it admits all of it', async () => {
    relay = await startRelay({ host: '127.0.0.1', port: 0 });
    const { genesis, id } = await founded();
    const room = await roomNameFor(id);
    const a = await honest(genesis, relay.url, room);
    const written = [...(await write(a, 2, 400)), ...(await write(a, 3, 300))];
    const seen = await honest(genesis, relay.url, room); // the relay's copy is complete
    await converged([seen], written);
    const parts: UpdatePart[] = [];
    const late = await honest(genesis, relay.url, room, (doc) =>
      doc.on('afterTransaction', (t: Y.Transaction) => {
        if (t.origin instanceof UpdatePart) parts.push(t.origin);
      }),
    );
    await converged([late], written);
    expect(parts.length).toBeGreaterThan(1);
    expect(parts.filter((p) => p.last)).toHaveLength(1);
    expect(await late.ledger.digest()).toBe(await a.ledger.digest());
    await expect.poll(() => late.transport.status().synced).toBe(true);
  }, 30_000);

  it('carries entries between three clients, one of them hostile', async () => {
    relay = await startRelay({ host: '127.0.0.1', port: 0 });
    const { genesis, id } = await founded();
    const room = await roomNameFor(id);
    const [a, b] = await Promise.all([
      honest(genesis, relay.url, room),
      honest(genesis, relay.url, room),
    ]);
    const hostileDoc = new Y.Doc();
    const hostile = connectRelay(hostileDoc, { url: relay.url, room, WebSocket: WS });
    cleanups.push(() => hostile.destroy());

    const written = [...(await write(a, 2, 3)), ...(await write(b, 3, 3))];
    await converged([a, b], written);
    await expect.poll(() => hostileDoc.getMap(ENTRIES_MAP).size).toBe(7);
    const fakes = await forged(id, 4);
    const map = hostileDoc.getMap<Uint8Array>(ENTRIES_MAP);
    hostileDoc.transact(() => {
      for (const key of [...map.keys()]) map.set(key, new TextEncoder().encode('{}'));
      for (const fake of fakes) map.set(fake.id, fake.bytes);
    });
    hostileDoc.transact(() => {
      for (const key of written.slice(0, 3)) map.delete(key);
    });
    const more = await write(b, 3, 2);
    await converged([a, b], [...written, ...more]);

    for (const client of [a, b]) {
      expect(client.ledger.size).toBe(9);
      for (const fake of fakes) expect(client.ledger.get(fake.id)).toBeUndefined();
      const codes = new Map(client.ledger.quarantined().map((q) => [q.key, q.code]));
      for (const fake of fakes) expect(codes.get(fake.id)).toBe('INVALID_SIGNATURE');
    }
    expect(await a.ledger.digest()).toBe(await b.ledger.digest());
    // The honest clients repaired the room: every entry back, every forgery gone.
    await expect
      .poll(() => [...map.keys()].sort())
      .toEqual([...a.ledger.all()].map((e) => e.id).sort());
    expect(a.transport.status()).toMatchObject({ connected: true, synced: true });
  });

  it('changes nothing a client believes when the relay itself injects and deletes', async () => {
    relay = await startRelay({ host: '127.0.0.1', port: 0 });
    const { genesis, id } = await founded();
    const room = await roomNameFor(id);
    const a = await honest(genesis, relay.url, room);
    const written = await write(a, 2, 4);
    const roomDoc = getYDoc(room);
    const roomMap = roomDoc.getMap<Uint8Array>(ENTRIES_MAP);
    await expect.poll(() => roomMap.size).toBe(5);

    // The relay drops two honest entries from its copy and injects forgeries.
    const fakes = await forged(id, 3);
    roomDoc.transact(() => {
      for (const key of written.slice(0, 2)) roomMap.delete(key);
      for (const fake of fakes) roomMap.set(fake.id, fake.bytes);
    });
    const b = await honest(genesis, relay.url, room);
    await b.settled();
    await converged([a, b], written);
    for (const client of [a, b]) {
      for (const fake of fakes) expect(client.ledger.get(fake.id)).toBeUndefined();
      expect(client.ledger.size).toBe(5);
    }
    expect(await b.ledger.digest()).toBe(await a.ledger.digest());
  });

  it('drops an awareness message from the relay that y-websocket cannot read', async () => {
    relay = await startRelay({ host: '127.0.0.1', port: 0 });
    const { genesis, id } = await founded();
    const room = await roomNameFor(id);
    const a = await honest(genesis, relay.url, room);
    await expect.poll(() => a.transport.status().synced).toBe(true);
    const roomDoc = getYDoc(room);
    // An awareness update for one client whose state is not UTF-8: y-protocols' reader throws,
    // and y-websocket threw it out of the socket's message handler (an uncaught error, which
    // fails this run).
    const update = encoding.createEncoder();
    for (const n of [1, 4242, 1]) encoding.writeVarUint(update, n);
    encoding.writeVarUint8Array(update, new Uint8Array([0xff, 0xfe, 0x80]));
    const garbage = encoding.createEncoder();
    encoding.writeVarUint(garbage, 1);
    encoding.writeVarUint8Array(garbage, encoding.toUint8Array(update));
    const { conns } = roomDoc as unknown as { conns: Map<{ send(b: Uint8Array): void }, unknown> };
    for (const conn of conns.keys()) conn.send(encoding.toUint8Array(garbage));
    // The connection goes on: what is written next still arrives.
    const b = await honest(genesis, relay.url, room);
    const written = await write(b, 2, 2);
    await converged([a, b], written);
    expect(a.transport.status()).toMatchObject({ connected: true, synced: true });
  });

  it('keeps the awareness it holds bounded when the relay names made-up clients by the thousand', async () => {
    relay = await startRelay({ host: '127.0.0.1', port: 0 });
    const { genesis, id } = await founded();
    const room = await roomNameFor(id);
    const a = await honest(genesis, relay.url, room);
    await expect.poll(() => a.transport.status().synced).toBe(true);
    const { conns } = getYDoc(room) as unknown as {
      conns: Map<{ send(b: Uint8Array): void }, unknown>;
    };
    for (let m = 0; m < 10; m++) {
      const update = encoding.createEncoder();
      encoding.writeVarUint(update, MAX_AWARENESS_STATES);
      for (let c = 0; c < MAX_AWARENESS_STATES; c++) {
        for (const n of [1_000_000 + m * MAX_AWARENESS_STATES + c, 1])
          encoding.writeVarUint(update, n);
        encoding.writeVarString(update, '{}');
      }
      const message = encoding.createEncoder();
      encoding.writeVarUint(message, 1);
      encoding.writeVarUint8Array(message, encoding.toUint8Array(update));
      for (const conn of conns.keys()) conn.send(encoding.toUint8Array(message));
    }
    const b = await honest(genesis, relay.url, room);
    await converged([a, b], await write(b, 2, 2)); // after the flood, in order
    expect(a.transport.awareness.getStates().size).toBeGreaterThan(MAX_AWARENESS_STATES);
    expect(a.transport.awareness.getStates().size).toBeLessThanOrEqual(MAX_KNOWN_STATES);
  });

  it('refuses bad room names and rooms beyond its limit', async () => {
    relay = await startRelay({ host: '127.0.0.1', port: 0 }, { maxRooms: 1 });
    const open = (path: string, stay = false) =>
      new Promise<string>((done) => {
        const socket = new WebSocket(`${relay?.url}/${path}`);
        socket.on('open', () => {
          if (stay) cleanups.push(() => socket.close());
          else socket.close();
          done('open');
        });
        socket.on('error', (error) => done(error.message));
      });
    // Someone stays in room-a: an empty room would give its place to a new one.
    expect(await open('room-a', true)).toBe('open');
    expect(await open('room-a')).toBe('open');
    expect(await open('room-b')).toMatch(/503/);
    expect(await open('..%2f..')).toMatch(/400/);
    expect(await open('x'.repeat(200))).toMatch(/400/);
  });
});
