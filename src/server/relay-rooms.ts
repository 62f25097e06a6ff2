/**
 * The relay's rooms, kept within bounds around @y/websocket-server, which bounds none of them:
 * without persistence it never frees a room's doc (64 rooms opened and closed once locked every
 * other room out until a restart), a room grows with whatever is written to it (400 MB from one
 * client), and an awareness state nested deep enough throws out of its connection setup (the
 * process ended). Here a room is freed when its last connection has been gone a while, a room
 * past its size is emptied (the writer closed 1009, the others 1013 to come back and sync
 * again: the relay is a transport, each client holds its own verified ledger), an awareness
 * message nested too deep closes its sender, a client that does not read is closed, and
 * nothing the package throws leaves a handler.
 */
import * as decoding from 'lib0/decoding';
import { docs, setupWSConnection, type WSSharedDoc } from '@y/websocket-server/utils';
import type { IncomingMessage } from 'node:http';
import type { WebSocket } from 'ws';
import { nestsDeeperThan } from './bounds.ts';

export interface RoomLimits {
  maxRooms: number;
  /** Bytes of changes a room takes (what it was sent that was new to it, deletions included). */
  maxRoomBytes: number;
  /** Bytes waiting to be sent to one client (a whole room goes to each fresh client). */
  maxBufferedBytes: number;
  /** An awareness state's nesting (JSON; y-websocket's client sends a flat object or null). */
  maxDepth: number;
  /** A room with no connection is freed this long after its last one closed. */
  idleRoomMs: number;
}

export interface RoomKeeper {
  /** Whether a connection to `room` may be made now (a free slot, or the room exists). */
  admits(room: string): boolean;
  /** Serves a connection to `room`; its faults close it, never the process. */
  serve(room: string, ws: WebSocket, request: IncomingMessage): void;
  /** Bytes each room has taken, by name. */
  sizes(): Map<string, number>;
  close(): void;
}

const MESSAGE_AWARENESS = 1;
const POLICY_VIOLATION = 1008;
const TOO_BIG = 1009;
const INTERNAL_ERROR = 1011;
const TRY_AGAIN = 1013;

/** Whether an awareness message (y-protocols: states as JSON strings) nests too deep. */
function awarenessTooDeep(message: Uint8Array, limit: number): boolean {
  try {
    const outer = decoding.createDecoder(message);
    if (decoding.readVarUint(outer) !== MESSAGE_AWARENESS) return false;
    const update = decoding.createDecoder(decoding.readVarUint8Array(outer));
    const states = decoding.readVarUint(update);
    for (let i = 0; i < states; i++) {
      decoding.readVarUint(update); // client id
      decoding.readVarUint(update); // clock
      if (nestsDeeperThan(decoding.readVarString(update), limit)) return true;
    }
  } catch {
    return false; // unreadable: the package refuses it itself, inside its own try
  }
  return false;
}

export function makeRoomKeeper(limits: RoomLimits): RoomKeeper {
  const size = new WeakMap<WSSharedDoc, number>();
  const idle = new Map<string, NodeJS.Timeout>();

  const free = (room: string, doc: WSSharedDoc) => {
    clearTimeout(idle.get(room));
    idle.delete(room);
    if (docs.get(room) === doc) docs.delete(room);
    if (doc.conns.size === 0) doc.destroy();
  };
  /** A room past its size: emptied, its clients asked to come back and sync again. */
  const reset = (room: string, doc: WSSharedDoc, writer: WebSocket) => {
    if (docs.get(room) === doc) docs.delete(room);
    for (const conn of doc.conns.keys())
      if (conn === writer) conn.close(TOO_BIG, 'room too large');
      else conn.close(TRY_AGAIN, 'room reset');
  };
  const dropSlowReaders = (doc: WSSharedDoc) => {
    for (const conn of doc.conns.keys())
      if (conn.bufferedAmount > limits.maxBufferedBytes) {
        conn.close(POLICY_VIOLATION, 'reading too slowly');
        setTimeout(() => conn.terminate(), 2_000).unref();
      }
  };
  const watch = (doc: WSSharedDoc) => {
    if (size.has(doc)) return;
    size.set(doc, 0);
    doc.on('update', (update: Uint8Array) => size.set(doc, (size.get(doc) ?? 0) + update.length));
  };

  /** The package's message handler, behind the checks and a guard. */
  const guard = (room: string, doc: WSSharedDoc, ws: WebSocket) => {
    const handlers = ws.listeners('message') as ((data: ArrayBuffer) => void)[];
    ws.removeAllListeners('message');
    ws.on('message', (data: ArrayBuffer) => {
      if (docs.get(room) !== doc) return; // a room being reset: its connections are closing
      if (awarenessTooDeep(new Uint8Array(data), limits.maxDepth))
        return ws.close(POLICY_VIOLATION, 'nested too deep');
      try {
        for (const handler of handlers) handler.call(ws, data);
      } catch {
        return ws.close(INTERNAL_ERROR, 'server error');
      }
      if ((size.get(doc) ?? 0) > limits.maxRoomBytes) return reset(room, doc, ws);
      dropSlowReaders(doc);
    });
  };

  const left = (room: string, doc: WSSharedDoc) => {
    // The package forgets the connection in its own close handler, after this one.
    setImmediate(() => {
      if (doc.conns.size > 0) return;
      if (docs.get(room) !== doc) return free(room, doc);
      clearTimeout(idle.get(room));
      idle.set(
        room,
        setTimeout(() => {
          if (doc.conns.size === 0) free(room, doc);
        }, limits.idleRoomMs).unref(),
      );
    });
  };

  return {
    admits(room) {
      if (docs.has(room) || docs.size < limits.maxRooms) return true;
      // Rooms nobody is in give way first: an empty room is kept only while there is space.
      const [emptiest] = idle.keys();
      const doc = emptiest === undefined ? undefined : docs.get(emptiest);
      if (emptiest === undefined || doc === undefined) return false;
      free(emptiest, doc);
      return docs.size < limits.maxRooms;
    },
    serve(room, ws, request) {
      clearTimeout(idle.get(room));
      idle.delete(room);
      try {
        setupWSConnection(ws, request, { docName: room });
      } catch {
        ws.close(INTERNAL_ERROR, 'server error');
      }
      const doc = docs.get(room);
      if (doc === undefined) return;
      watch(doc);
      guard(room, doc, ws);
      ws.on('close', () => left(room, doc));
    },
    sizes() {
      return new Map([...docs].map(([room, doc]) => [room, size.get(doc) ?? 0]));
    },
    close() {
      for (const timer of idle.values()) clearTimeout(timer);
      idle.clear();
      // The package keeps rooms in one module-level map: one relay per process.
      for (const doc of docs.values()) doc.destroy();
      docs.clear();
    },
  };
}
