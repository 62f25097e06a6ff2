/**
 * A large Yjs update in parts, so a fresh peer applies a peer's whole state a slice at a time
 * instead of in one call that holds the page (measured on the bench's 10k-entry ledger: one
 * task of about 1.1 s, most of it Yjs reading and integrating 8 MB of values).
 *
 * `splitUpdate` reads an update in Yjs's v1 encoding only as far as needed to find where each
 * struct ends (the same lib0 readers Yjs uses, so a struct is read exactly as Yjs reads it) and
 * cuts the list of structs into parts of about `maxBytes`: each part is a v1 update holding
 * whole structs, each client's in its order, and no deletions; the last part holds the
 * update's delete set. Applied in order, the parts leave a doc exactly as the whole update
 * does: Yjs integrates any struct whose dependencies it has, and holds the others until
 * they come (a CRDT: the result does not depend on the order). So that holding stays rare,
 * an update where more than `MAX_FORWARD_DEPENDENCIES` structs depend on a struct in a later
 * part is not split.
 *
 * The bytes are a peer's, untrusted: anything this reader does not understand (a truncated
 * update, an unknown content type, values nested beyond reason, a client named twice) returns
 * `undefined`, and the caller hands the update to Yjs whole, as before. It never throws.
 */
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';

/** Structs that may wait for a later part before an update is kept whole. */
export const MAX_FORWARD_DEPENDENCIES = 64;
/** Nesting of `any` values this reader follows (Yjs itself recurses without a limit). */
const MAX_DEPTH = 256;

/** Yjs's struct and content reference numbers (the low 5 bits of a struct's info byte). */
const GC = 0;
const SKIP = 10;
const BIT_ORIGIN = 0x80;
const BIT_RIGHT_ORIGIN = 0x40;
const BIT_PARENT_SUB = 0x20;

class Unreadable extends Error {}

function skipAny(decoder: decoding.Decoder, depth: number): void {
  if (depth > MAX_DEPTH) throw new Unreadable('nested too deep');
  const type = decoding.readUint8(decoder);
  switch (type) {
    case 127: // undefined
    case 126: // null
    case 121: // false
    case 120: // true
      return;
    case 125:
      decoding.readVarInt(decoder);
      return;
    case 124:
      skipBytes(decoder, 4);
      return;
    case 123:
    case 122:
      skipBytes(decoder, 8);
      return;
    case 119:
      decoding.readVarString(decoder);
      return;
    case 118: {
      const keys = decoding.readVarUint(decoder);
      for (let i = 0; i < keys; i++) {
        decoding.readVarString(decoder);
        skipAny(decoder, depth + 1);
      }
      return;
    }
    case 117: {
      const length = decoding.readVarUint(decoder);
      for (let i = 0; i < length; i++) skipAny(decoder, depth + 1);
      return;
    }
    case 116:
      decoding.readVarUint8Array(decoder);
      return;
    default:
      throw new Unreadable(`unknown value type ${type}`);
  }
}

function skipBytes(decoder: decoding.Decoder, n: number): void {
  if (decoder.pos + n > decoder.arr.length) throw new Unreadable('truncated');
  decoder.pos += n;
}

/** Reads an item's content and returns its length in clock ticks, as Yjs counts it. */
function skipContent(decoder: decoding.Decoder, ref: number): number {
  switch (ref) {
    case 1: // deleted
      return decoding.readVarUint(decoder);
    case 2: {
      // JSON: one string per element
      const length = decoding.readVarUint(decoder);
      for (let i = 0; i < length; i++) decoding.readVarString(decoder);
      return length;
    }
    case 3: // binary
      decoding.readVarUint8Array(decoder);
      return 1;
    case 4: // string: its length in UTF-16 code units
      return decoding.readVarString(decoder).length;
    case 5: // embed
      decoding.readVarString(decoder);
      return 1;
    case 6: // format: key, JSON value
      decoding.readVarString(decoder);
      decoding.readVarString(decoder);
      return 1;
    case 7: {
      // type: XmlElement (3) and XmlHook (5) carry a name
      const typeRef = decoding.readVarUint(decoder);
      if (typeRef === 3 || typeRef === 5) decoding.readVarString(decoder);
      else if (typeRef > 6) throw new Unreadable(`unknown type ${typeRef}`);
      return 1;
    }
    case 8: {
      // any
      const length = decoding.readVarUint(decoder);
      for (let i = 0; i < length; i++) skipAny(decoder, 0);
      return length;
    }
    case 9: // subdocument: guid, options
      decoding.readVarString(decoder);
      skipAny(decoder, 0);
      return 1;
    default:
      throw new Unreadable(`unknown content ${ref}`);
  }
}

interface Struct {
  start: number;
  end: number;
  clock: number;
  /** Clock ticks: an item's content length, a GC's or a skip's length. */
  length: number;
}

interface Block {
  client: number;
  structs: Struct[];
}

/** A dependency of a struct: the item it was inserted after/before, or its parent item. */
interface Dependency {
  /** Where the dependent struct is: block index and struct index. */
  block: number;
  index: number;
  client: number;
  clock: number;
}

function readBlocks(decoder: decoding.Decoder): { blocks: Block[]; dependencies: Dependency[] } {
  const blocks: Block[] = [];
  const dependencies: Dependency[] = [];
  const clients = decoding.readVarUint(decoder);
  const seen = new Set<number>();
  for (let b = 0; b < clients; b++) {
    const count = decoding.readVarUint(decoder);
    const client = decoding.readVarUint(decoder);
    // Yjs keeps only the last block of a client named twice; parts would apply both.
    if (seen.has(client)) throw new Unreadable('a client named twice');
    seen.add(client);
    let clock = decoding.readVarUint(decoder);
    const structs: Struct[] = [];
    for (let i = 0; i < count; i++) {
      const start = decoder.pos;
      const info = decoding.readUint8(decoder);
      const ref = info & 31;
      let length: number;
      if (ref === GC || ref === SKIP) {
        length = decoding.readVarUint(decoder);
      } else {
        const depend = () => {
          const on = decoding.readVarUint(decoder);
          dependencies.push({
            block: blocks.length,
            index: i,
            client: on,
            clock: decoding.readVarUint(decoder),
          });
        };
        if ((info & BIT_ORIGIN) !== 0) depend();
        if ((info & BIT_RIGHT_ORIGIN) !== 0) depend();
        if ((info & (BIT_ORIGIN | BIT_RIGHT_ORIGIN)) === 0) {
          if (decoding.readVarUint(decoder) === 1) decoding.readVarString(decoder);
          else depend();
          if ((info & BIT_PARENT_SUB) !== 0) decoding.readVarString(decoder);
        }
        length = skipContent(decoder, ref);
      }
      if (decoder.pos > decoder.arr.length) throw new Unreadable('truncated');
      structs.push({ start, end: decoder.pos, clock, length });
      clock += length;
    }
    blocks.push({ client, structs });
  }
  return { blocks, dependencies };
}

/** A run of one client's structs in a part. */
interface Run {
  client: number;
  structs: Struct[];
}

function encodePart(update: Uint8Array, runs: readonly Run[], rest: Uint8Array): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, runs.length);
  for (const run of runs) {
    const first = run.structs[0] as Struct;
    const last = run.structs[run.structs.length - 1] as Struct;
    encoding.writeVarUint(encoder, run.structs.length);
    encoding.writeVarUint(encoder, run.client);
    encoding.writeVarUint(encoder, first.clock);
    encoding.writeUint8Array(encoder, update.subarray(first.start, last.end));
  }
  encoding.writeUint8Array(encoder, rest);
  return encoding.toUint8Array(encoder);
}

/**
 * `update` (Yjs v1) as parts of about `maxBytes` each, to apply in order; `undefined` when it
 * cannot or need not be split (one part, unreadable, or too entangled: see the module).
 */
export function splitUpdate(update: Uint8Array, maxBytes: number): Uint8Array[] | undefined {
  if (update.length <= maxBytes) return undefined;
  let blocks: Block[];
  let dependencies: Dependency[];
  let deleteSet: Uint8Array;
  try {
    const decoder = decoding.createDecoder(update);
    ({ blocks, dependencies } = readBlocks(decoder));
    deleteSet = update.subarray(decoder.pos);
  } catch {
    return undefined; // lib0's readers throw on truncated input; ours on the unknown
  }
  // Cut into parts, and note which part holds each struct.
  const partOf: number[][] = blocks.map(() => []);
  const parts: Run[][] = [[]];
  let size = 0;
  blocks.forEach((block, b) => {
    let run: Run | undefined;
    block.structs.forEach((struct, i) => {
      const bytes = struct.end - struct.start;
      if (size > 0 && size + bytes > maxBytes) {
        parts.push([]);
        size = 0;
        run = undefined;
      }
      if (run === undefined) {
        run = { client: block.client, structs: [] };
        (parts[parts.length - 1] as Run[]).push(run);
      }
      run.structs.push(struct);
      size += bytes;
      (partOf[b] as number[])[i] = parts.length - 1;
    });
  });
  if (parts.length < 2) return undefined;
  if (countForward(blocks, dependencies, partOf) > MAX_FORWARD_DEPENDENCIES) return undefined;
  const none = new Uint8Array([0]); // an empty delete set
  return parts.map((runs, p) =>
    encodePart(update, runs, p === parts.length - 1 ? deleteSet : none),
  );
}

/** Dependencies on a struct of this update that comes in a later part than the dependent. */
function countForward(
  blocks: readonly Block[],
  dependencies: readonly Dependency[],
  partOf: readonly (readonly number[])[],
): number {
  const byClient = new Map<number, number>();
  blocks.forEach((block, b) => byClient.set(block.client, b));
  let forward = 0;
  for (const dependency of dependencies) {
    const b = byClient.get(dependency.client);
    if (b === undefined) continue; // not in this update: the doc has it, or both wait alike
    const structs = (blocks[b] as Block).structs;
    const at = structAt(structs, dependency.clock);
    if (at === undefined) continue;
    const mine = (partOf[dependency.block] as number[])[dependency.index] as number;
    if (((partOf[b] as number[])[at] as number) > mine) forward++;
  }
  return forward;
}

/** The index of the struct holding `clock` (binary search), if any. */
function structAt(structs: readonly Struct[], clock: number): number | undefined {
  let lo = 0;
  let hi = structs.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const struct = structs[mid] as Struct;
    if (clock < struct.clock) hi = mid - 1;
    else if (clock >= struct.clock + struct.length) lo = mid + 1;
    else return mid;
  }
  return undefined;
}

/**
 * The transaction origin of one part of a split update. The ledger binding gathers what the
 * parts change and admits it all after the last (in admission order, as one change), so a
 * split does not change what is held or dropped.
 */
export class UpdatePart {
  constructor(
    readonly last: boolean,
    /** Which update this is a part of: the same object for all its parts. */
    readonly update: object,
    /** The transport's own origin for what the peer sent, if it has one. */
    readonly via?: unknown,
  ) {}
}
