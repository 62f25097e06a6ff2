/**
 * How a peer's messages reach the shared doc, for every transport (y-webrtc's data channels,
 * the relay, a pasted pairing): reassembled messages are handed on in order, and a sync message
 * carrying more than `PART_BYTES` of update (a peer's whole state, for a fresh peer) is applied
 * in parts first, a task each (update-parts.ts), then handed on empty, so the transport's own
 * "synced" bookkeeping runs as before. Applied whole, a 10k-entry ledger's state held the page
 * for about a second.
 */
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import * as Y from 'yjs';
import { splitUpdateInTurns, UpdatePart, type SplitUpdate } from './update-parts.ts';
import { nextTask } from './yielding.ts';

/** Message bytes a peer may send us in one (reassembled) message: a whole ledger's state. */
export const MAX_MESSAGE_BYTES = 256 * 1024 * 1024;

/** A sync message with a larger update is applied in parts of about this size, a task each. */
export const PART_BYTES = 128 * 1024;

/** The message type for Yjs sync (y-webrtc's and y-websocket's); y-protocols' step 2 and update. */
const MESSAGE_SYNC = 0;
const SYNC_STEP_2 = 1;
const SYNC_UPDATE = 2;
/** A Yjs v1 update with no structs and no deletions. */
const EMPTY_UPDATE = new Uint8Array([0, 0]);

/** The update in a sync message (step 2 or update), if it is one. */
export function syncUpdateOf(
  message: Uint8Array,
): { type: number; update: Uint8Array } | undefined {
  try {
    const decoder = decoding.createDecoder(message);
    if (decoding.readVarUint(decoder) !== MESSAGE_SYNC) return undefined;
    const type = decoding.readVarUint(decoder);
    if (type !== SYNC_STEP_2 && type !== SYNC_UPDATE) return undefined;
    const update = decoding.readVarUint8Array(decoder);
    return decoder.pos <= message.length ? { type, update } : undefined;
  } catch {
    return undefined;
  }
}

/** The update of a sync message longer than `partBytes`: one worth cutting into parts. */
function largeUpdateOf(message: Uint8Array, partBytes: number) {
  return message.length <= partBytes ? undefined : syncUpdateOf(message);
}

/**
 * A sync message's update cut into parts (update-parts.ts), when it is one worth cutting; read
 * a slice per task (`turn` between them), so a whole state is never read in one go.
 */
export async function partsOf(
  message: Uint8Array,
  options: { partBytes?: number; turn?: () => Promise<void> } = {},
): Promise<{ type: number; parts: SplitUpdate } | undefined> {
  const partBytes = options.partBytes ?? PART_BYTES;
  const sync = largeUpdateOf(message, partBytes);
  if (sync === undefined) return undefined;
  const parts = await splitUpdateInTurns(sync.update, partBytes, options.turn ?? nextTask);
  return parts === undefined ? undefined : { type: sync.type, parts };
}

/** A sync message of `type` (step 2 or update) carrying `update`. */
export function syncMessage(type: number, update: Uint8Array): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, MESSAGE_SYNC);
  encoding.writeVarUint(encoder, type);
  encoding.writeVarUint8Array(encoder, update);
  return encoding.toUint8Array(encoder);
}

/**
 * Applies `parts` of one update in order, a task each (the first after a turn too: the split
 * before it had the task), with `UpdatePart` origins.
 */
export async function applyParts(
  doc: Y.Doc,
  parts: SplitUpdate,
  options: { turn?: () => Promise<void>; via?: unknown } = {},
): Promise<void> {
  const turn = options.turn ?? nextTask;
  const update = {};
  for (let i = 0; i < parts.count; i++) {
    await turn();
    try {
      Y.applyUpdate(doc, parts.part(i), new UpdatePart(i === parts.count - 1, update, options.via));
    } catch (error) {
      // As y-protocols does for a whole update: a broken one is reported, not thrown.
      console.error('patchtrail: a peer sent an update Yjs could not apply', error);
    }
  }
}

/**
 * Hands a peer's messages to the transport (`emit`) in order, applying a large update in parts
 * first (`PART_BYTES`); the parts' transactions carry an `UpdatePart` origin. Once begun, the
 * parts are all applied even if the connection closes meanwhile (the binding admits what they
 * brought after the last one); only what would go to the transport after the close is dropped.
 */
export function makeDelivery(
  doc: Y.Doc,
  emit: (message: Uint8Array) => void,
  options: {
    partBytes?: number;
    closed?: () => boolean;
    turn?: () => Promise<void>;
    /** Carried by each part's origin (`UpdatePart.via`). */
    via?: unknown;
    /** Bytes of later messages kept in order while parts apply (default MAX_MESSAGE_BYTES). */
    maxBacklogBytes?: number;
  } = {},
): (message: Uint8Array) => void {
  const partBytes = options.partBytes ?? PART_BYTES;
  const closed = options.closed ?? (() => false);
  const turn = options.turn ?? nextTask;
  const maxBacklog = options.maxBacklogBytes ?? MAX_MESSAGE_BYTES;
  const backlog: Uint8Array[] = [];
  let backlogBytes = 0;
  let busy = false;

  /** Splits and applies a large sync message, or hands it on whole when it cannot be split. */
  const applyAll = async (message: Uint8Array) => {
    const cut = await partsOf(message, { partBytes, turn });
    if (cut === undefined) {
      if (!closed()) emit(message);
      return;
    }
    await applyParts(doc, cut.parts, { turn, via: options.via });
    if (!closed()) emit(syncMessage(cut.type, EMPTY_UPDATE));
  };

  const deliver = (message: Uint8Array): void => {
    if (busy && backlogBytes + message.length <= maxBacklog) {
      backlog.push(message);
      backlogBytes += message.length;
      return;
    }
    if (busy) {
      // A peer sending more than a whole state while the parts apply: the rest goes on at
      // once, out of order (harmless to a CRDT), rather than piling up in memory.
      emit(message);
      return;
    }
    if (largeUpdateOf(message, partBytes) === undefined) {
      emit(message);
      return;
    }
    busy = true;
    void applyAll(message).finally(() => {
      busy = false;
      while (!busy && backlog.length > 0 && !closed()) {
        const next = backlog.shift() as Uint8Array;
        backlogBytes -= next.length;
        deliver(next);
      }
    });
  };
  return deliver;
}

/** The bytes of a message event's data, whatever view it came as (empty for anything else). */
export function bytesOf(data: unknown): Uint8Array {
  if (data instanceof Uint8Array) return data;
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  if (ArrayBuffer.isView(data))
    return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  return new Uint8Array(0);
}
