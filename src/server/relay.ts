/**
 * The relay for teams beyond a WebRTC mesh: the Yjs ecosystem's own y-websocket server
 * (@y/websocket-server, sync and awareness per room, the room being the URL path), behind
 * bounds: message size, what connections hold of unfinished messages and for how long, clients,
 * rooms (freed when empty), a room's size, what waits for a client, and room-name length
 * (src/server/relay-rooms.ts, src/server/pending.ts). The relay is a transport, not an
 * authority: every client runs each entry through its own validator (src/sync/ledger-doc.ts),
 * so a relay that injects, alters or deletes entries changes nothing a client believes. It does
 * see the entries (they are signed, not encrypted): run it where the team may read its ledger.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import { makePendingBudget, type PendingLimits } from './pending.ts';
import { makeRoomKeeper, type RoomLimits } from './relay-rooms.ts';

export interface RelayLimits extends RoomLimits, PendingLimits {
  /**
   * One sync message carries a client's whole ledger to the relay (y-websocket's sync step 2):
   * with `maxRoomBytes`, this bounds the ledger a team can share through the relay.
   */
  maxMessageBytes: number;
  maxClients: number;
  maxRoomChars: number;
}

const MiB = 1024 * 1024;

export const DEFAULT_RELAY_LIMITS: RelayLimits = {
  maxMessageBytes: 128 * MiB, // a 100k-entry ledger is about 80 MB
  maxRoomBytes: 128 * MiB,
  maxBufferedBytes: 160 * MiB, // a whole room to a fresh client, and what follows it
  maxPendingBytes: 256 * MiB,
  messageTimeoutMs: 120_000,
  maxClients: 1024,
  maxRooms: 64,
  idleRoomMs: 30_000,
  maxDepth: 16,
  maxRoomChars: 128,
};

export interface Relay {
  /** e.g. ws://127.0.0.1:4455 */
  readonly url: string;
  readonly clients: number;
  /** Rooms held now, each with the bytes of changes it took. */
  rooms(): Map<string, number>;
  /** Bytes of unfinished messages held now. */
  readonly pending: number;
  close(): Promise<void>;
}

const ROOM_NAME = /^[A-Za-z0-9._:-]+$/;

function refuse(socket: Duplex, status: string): void {
  socket.end(`HTTP/1.1 ${status}\r\nconnection: close\r\n\r\n`);
}

/** The room a request names, or why it is refused. */
export function roomOf(request: IncomingMessage, limits: RelayLimits): string | undefined {
  const room = (request.url ?? '').slice(1).split('?', 1)[0] ?? '';
  if (room.length === 0 || room.length > limits.maxRoomChars || !ROOM_NAME.test(room))
    return undefined;
  return room;
}

export async function startRelay(
  options: { host: string; port: number },
  overrides: Partial<RelayLimits> = {},
): Promise<Relay> {
  const limits = { ...DEFAULT_RELAY_LIMITS, ...overrides };
  const wss = new WebSocketServer({ noServer: true, maxPayload: limits.maxMessageBytes });
  const rooms = makeRoomKeeper(limits);
  const budget = makePendingBudget(limits);
  let clients = 0;
  const server: Server = createServer((_request, response) => {
    response.writeHead(200, { 'content-type': 'text/plain' }).end('patchtrail relay\n');
  });
  server.on('upgrade', (request, socket, head) => {
    const room = roomOf(request, limits);
    if (room === undefined) return refuse(socket, '400 Bad Request');
    if (clients >= limits.maxClients) return refuse(socket, '503 Service Unavailable');
    if (!rooms.admits(room)) return refuse(socket, '503 Service Unavailable');
    wss.handleUpgrade(request, socket, head, (ws) => {
      clients++;
      ws.on('close', () => clients--);
      ws.on('error', () => ws.terminate());
      rooms.serve(room, ws, request);
      budget.watch(socket, ws); // after: its message listener must not be the room's to guard
    });
  });
  await new Promise<void>((done, fail) => {
    server.once('error', fail);
    server.listen(options.port, options.host, () => done());
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    url: `ws://${host}:${address.port}`,
    get clients() {
      return clients;
    },
    rooms: () => rooms.sizes(),
    get pending() {
      return budget.pending;
    },
    close: () =>
      new Promise<void>((done) => {
        for (const ws of wss.clients) ws.terminate();
        wss.close();
        rooms.close();
        budget.close();
        server.closeAllConnections();
        server.close(() => done());
      }),
  };
}
