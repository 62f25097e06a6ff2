/**
 * The gate in front of y-webrtc's and y-websocket's message readers: which message types a
 * remote peer (attacker-controlled bytes, for anyone holding the room secret) may send, and
 * what happens when reading one throws.
 *
 * y-webrtc reads every message the same way whatever carried it, so a peer could send over its
 * data channel the message meant only for tabs of one browser over the BroadcastChannel
 * (`messageBcPeerId`, type 4): each made-up id became a "tab" (the top bar counted it as a
 * connected peer, for good), y-webrtc emitted `peers` with the whole set on each (10,000 of
 * them cost about 26 s of main-thread time), and it ignores signaling from any id it holds as a
 * tab, so an insider could stop a real pair from handshaking again. And y-protocols' awareness
 * reader throws on bytes that are not UTF-8 JSON (lib0's fatal TextDecoder), out of the data
 * channel's event handler, uncaught, on every honest page. Here a message of a type the
 * transport does not take is dropped before the reader sees it, and an exception from the
 * reader drops that message; so is an awareness update past its bounds (MAX_AWARENESS_STATES);
 * each is counted, and logged once per kind and connection.
 */
import * as decoding from 'lib0/decoding';

/** y-protocols' message types, as y-webrtc and y-websocket number them. */
export const MESSAGE_SYNC = 0;
export const MESSAGE_AWARENESS = 1;
/** y-websocket only: the server refusing access ("permission denied"). */
export const MESSAGE_AUTH = 2;
export const MESSAGE_QUERY_AWARENESS = 3;
/** y-webrtc only: a tab of this browser announcing (or withdrawing) its peer id. */
export const MESSAGE_BC_PEER_ID = 4;

/** What a WebRTC peer may send: never `MESSAGE_BC_PEER_ID`, which only the BroadcastChannel carries. */
export const WEBRTC_MESSAGES: ReadonlySet<number> = new Set([
  MESSAGE_SYNC,
  MESSAGE_AWARENESS,
  MESSAGE_QUERY_AWARENESS,
]);

/** What a y-websocket relay may send. */
export const RELAY_MESSAGES: ReadonlySet<number> = new Set([
  MESSAGE_SYNC,
  MESSAGE_AWARENESS,
  MESSAGE_AUTH,
  MESSAGE_QUERY_AWARENESS,
]);

/**
 * Why a peer's message was dropped: `tab-only` (the BroadcastChannel's message over a
 * connection), `unknown-type` (a type this transport does not take, or no type at all),
 * `unreadable` (the reader threw on it), `too-many` (an awareness update past the bounds).
 */
export type RefusalKind = 'tab-only' | 'unknown-type' | 'unreadable' | 'too-many';

export type RefusalCounts = Record<RefusalKind, number>;

export const noRefusals = (): RefusalCounts => ({
  'tab-only': 0,
  'unknown-type': 0,
  unreadable: 0,
  'too-many': 0,
});

/**
 * Awareness bounds. y-protocols keeps every client state an update names (for 30 s, renewed by
 * each update) and the app reads them all at each change: one message of 100,000 made-up
 * clients (12 MB, under the 128 MiB message bound) took y-protocols 439 ms to apply in Node
 * before the app read them, and a stream of them would hold the page. A mesh holds up to about
 * 35 peers and a relay room 1,024 clients, each with one presence claim of under 1 KB.
 */
export const MAX_AWARENESS_STATES = 1024;
export const MAX_AWARENESS_BYTES = 1 << 20;
/** Client states known at most: an update naming new clients past it is dropped. */
export const MAX_KNOWN_STATES = 2048;

/**
 * The client ids an awareness message (type, then the update: a count, then id, clock and
 * state for each) names, or only their count when past MAX_AWARENESS_STATES; undefined when
 * it cannot be read that far (the reader then refuses it).
 */
export function awarenessClients(
  message: Uint8Array,
): { count: number; ids: number[] } | undefined {
  try {
    const decoder = decoding.createDecoder(message);
    decoding.readVarUint(decoder);
    const update = decoding.createDecoder(decoding.readVarUint8Array(decoder));
    const count = decoding.readVarUint(update);
    if (count > MAX_AWARENESS_STATES) return { count, ids: [] };
    const ids: number[] = [];
    for (let i = 0; i < count; i++) {
      ids.push(decoding.readVarUint(update));
      decoding.readVarUint(update); // its clock
      decoding.readVarUint8Array(update); // its state, as JSON text
    }
    return { count, ids };
  } catch {
    return undefined;
  }
}

/** Why an awareness message goes past the bounds, or undefined when it does not. */
function awarenessPastBounds(
  message: Uint8Array,
  known: ReadonlyMap<number, unknown> | undefined,
): string | undefined {
  if (message.length > MAX_AWARENESS_BYTES) return `${message.length} bytes of awareness`;
  const named = awarenessClients(message);
  if (named === undefined) return undefined;
  if (named.count > MAX_AWARENESS_STATES) return `${named.count} awareness states in one message`;
  if (known === undefined) return undefined;
  const fresh = new Set(named.ids.filter((id) => !known.has(id))).size;
  if (known.size + fresh > MAX_KNOWN_STATES)
    return `${fresh} new awareness states beside the ${known.size} known`;
  return undefined;
}

/** The message type a peer's message starts with, or undefined when it has none. */
export function messageTypeOf(message: Uint8Array): number | undefined {
  if (message.length === 0) return undefined;
  try {
    return decoding.readVarUint(decoding.createDecoder(message));
  } catch {
    return undefined; // a varuint running past the end, or past 2^53
  }
}

export interface GateOptions {
  /** The message types this transport takes. */
  accepts: ReadonlySet<number>;
  /** Counts shared by the gates of one transport (each kind added to). */
  counts: RefusalCounts;
  /** Names the connection in the log line. */
  label: string;
  /** Default: console.warn. */
  log?: (line: string, error?: unknown) => void;
  /** The awareness states the reader adds to, when the transport knows them (MAX_KNOWN_STATES). */
  known?: () => ReadonlyMap<number, unknown>;
}

/**
 * `read` (the transport's own reader) given only messages of an accepted type, and guarded: a
 * message it throws on is dropped. The first refusal of each kind is logged.
 */
export function gatePeerMessages(
  read: (message: Uint8Array) => void,
  options: GateOptions,
): (message: Uint8Array) => void {
  const log = options.log ?? ((line, error) => console.warn(line, error ?? ''));
  const logged = new Set<RefusalKind>();
  const refuse = (kind: RefusalKind, detail: string, error?: unknown) => {
    options.counts[kind]++;
    if (logged.has(kind)) return;
    logged.add(kind);
    log(
      `patchtrail: dropped a message from ${options.label} (${kind}: ${detail}); further ones are only counted`,
      error,
    );
  };
  return (message) => {
    const type = messageTypeOf(message);
    if (type === MESSAGE_BC_PEER_ID && !options.accepts.has(type))
      return refuse('tab-only', 'a tab announcement, which only the BroadcastChannel carries');
    if (type === undefined || !options.accepts.has(type))
      return refuse('unknown-type', `type ${type ?? 'none'}`);
    const past =
      type === MESSAGE_AWARENESS ? awarenessPastBounds(message, options.known?.()) : undefined;
    if (past !== undefined) return refuse('too-many', past);
    try {
      read(message);
    } catch (error) {
      refuse('unreadable', `type ${type}`, error);
    }
  };
}
