/**
 * A large Yjs update in parts, so a fresh peer applies a peer's whole state a slice at a time
 * instead of in one call that holds the page (measured on the bench's 10k-entry ledger: one
 * task of about 1.1 s, most of it Yjs reading and integrating 8 MB of values).
 *
 * `splitUpdate` reads an update in Yjs's v1 encoding only as far as needed to find where each
 * struct ends (the same lib0 readers Yjs uses, so a struct is read exactly as Yjs reads it) and
 * cuts the structs into parts of about `maxBytes`: each part is a v1 update holding whole
 * structs, each client's in its order, and no deletions; the last part holds the update's
 * delete set. The structs are taken in an order where each comes after the structs of the
 * update it depends on (`dependencyOrder`), so no struct waits for a later part. Applied in
 * order, the parts leave a doc exactly as the whole update does (Yjs integrates any struct
 * whose dependencies it has and holds the others until they come: a CRDT).
 *
 * The bytes are a peer's, untrusted: anything this reader does not understand (a truncated
 * update, an unknown content type, values nested beyond reason, a client named twice,
 * dependencies that go round) returns `undefined`, and the caller hands the update to Yjs
 * whole, as before. It never throws. `splitUpdateInTurns` reads a slice per task.
 */
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import { concatAll } from '../core/encoding/bytes.ts';

/** Bytes of an update read between two pauses (`splitUpdateInTurns`). */
export const READ_SLICE = 512 * 1024;
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

/**
 * Reads the structs of an update; a generator that pauses (yields) after about `READ_SLICE`
 * bytes, so the caller may give the page a turn between slices of a large update.
 */
function* readBlocks(
  decoder: decoding.Decoder,
): Generator<void, { blocks: Block[]; dependencies: Dependency[] }> {
  const blocks: Block[] = [];
  const dependencies: Dependency[] = [];
  const clients = decoding.readVarUint(decoder);
  const seen = new Set<number>();
  let pauseAt = READ_SLICE;
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
      if (start >= pauseAt) {
        yield;
        pauseAt = start + READ_SLICE;
      }
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

/** Part `runs` as a v1 update: one allocation, the structs' bytes copied once. */
function encodePart(update: Uint8Array, runs: readonly Run[], rest: Uint8Array): Uint8Array {
  const head = encoding.createEncoder();
  encoding.writeVarUint(head, runs.length);
  const pieces: Uint8Array[] = [encoding.toUint8Array(head)];
  for (const run of runs) {
    const first = run.structs[0] as Struct;
    const last = run.structs[run.structs.length - 1] as Struct;
    const runHead = encoding.createEncoder();
    encoding.writeVarUint(runHead, run.structs.length);
    encoding.writeVarUint(runHead, run.client);
    encoding.writeVarUint(runHead, first.clock);
    pieces.push(encoding.toUint8Array(runHead), update.subarray(first.start, last.end));
  }
  pieces.push(rest);
  return concatAll(pieces);
}

/**
 * A split update: `count` parts, each encoded when asked for (`part(i)`, in any order), so
 * the copying is spread over the tasks that apply them.
 */
export interface SplitUpdate {
  readonly count: number;
  part(i: number): Uint8Array;
}

/** Consecutive structs of one block (`from` to before `to`), in the order they are cut. */
interface Span {
  block: number;
  from: number;
  to: number;
}

/**
 * The structs in an order where each comes after every struct of this update it depends on
 * (its origins and parent), each client's still in clock order: spans taken from the blocks in
 * turn, a block waiting whenever its next struct depends on one not taken yet. Yjs integrates
 * a struct only once its dependencies are in the doc; cut in the update's own order (clients by
 * descending id), a struct depending on a later part waits, with the rest of its client's
 * structs in its part, and Yjs merges what waits again at every part and integrates it all in
 * one call when the part it waits for comes (a task of 530 ms in Chromium for a 3 MB ledger
 * state). `undefined` when no such order is found within `budget` steps (dependencies that go
 * round, which Yjs's own updates never have, or too tangled to be worth it).
 */
function dependencyOrder(
  blocks: readonly Block[],
  dependencies: readonly Dependency[],
): Span[] | undefined {
  const byClient = new Map<number, number>();
  blocks.forEach((block, b) => byClient.set(block.client, b));
  // Struct i of block b depends on dependencies[starts[b][i]] up to before starts[b][i + 1]
  // (they were read in order: by block, then by struct).
  const starts = blocks.map((block) => new Uint32Array(block.structs.length + 1));
  let d = 0;
  blocks.forEach((block, b) => {
    const start = starts[b] as Uint32Array;
    for (let i = 0; i <= block.structs.length; i++) {
      for (; d < dependencies.length; d++) {
        const dependency = dependencies[d] as Dependency;
        if (dependency.block !== b || dependency.index >= i) break;
      }
      start[i] = d;
    }
  });
  const next = blocks.map(() => 0);
  const waiting: number[][] = blocks.map(() => []);
  /**
   * The block that must be taken further before a struct with this dependency may come, or
   * undefined when what it names is taken already or not in this update (in the doc, or
   * missing whole or split alike). A dependency on its own block is always on an earlier struct.
   */
  const unmetBy = (dependency: Dependency): number | undefined => {
    const c = byClient.get(dependency.client);
    if (c === undefined) return undefined;
    const structs = (blocks[c] as Block).structs;
    const taken = next[c] as number;
    if (taken >= structs.length) return undefined;
    const last = structs[structs.length - 1] as Struct;
    if (dependency.clock >= last.clock + last.length) return undefined;
    return dependency.clock >= (structs[taken] as Struct).clock ? c : undefined;
  };
  const spans: Span[] = [];
  const ready = blocks.map((_, b) => b);
  const queued = new Uint8Array(blocks.length).fill(1);
  let budget = 8 * (dependencies.length + blocks.length) + 1024;
  for (let r = 0; r < ready.length; r++) {
    const b = ready[r] as number;
    queued[b] = 0;
    const structs = (blocks[b] as Block).structs;
    const start = starts[b] as Uint32Array;
    const from = next[b] as number;
    let i = from;
    let blocked: number | undefined;
    for (; i < structs.length; i++) {
      for (let d = start[i] as number; d < (start[i + 1] as number); d++) {
        if (--budget < 0) return undefined;
        blocked = unmetBy(dependencies[d] as Dependency);
        if (blocked !== undefined) break;
      }
      if (blocked !== undefined) break;
      next[b] = i + 1;
    }
    if (blocked !== undefined) (waiting[blocked] as number[]).push(b);
    if (i === from) continue;
    spans.push({ block: b, from, to: i });
    for (const w of waiting[b] as number[])
      if (queued[w] === 0) {
        queued[w] = 1;
        ready.push(w);
      }
    (waiting[b] as number[]).length = 0;
  }
  return next.every((n, b) => n === (blocks[b] as Block).structs.length) ? spans : undefined;
}

/** A split in steps: reading (paused between slices), then cutting; see `splitUpdate`. */
function* planSplit(
  update: Uint8Array,
  maxBytes: number,
): Generator<void, SplitUpdate | undefined> {
  if (update.length <= maxBytes) return undefined;
  let blocks: Block[];
  let dependencies: Dependency[];
  let deleteSet: Uint8Array;
  try {
    const decoder = decoding.createDecoder(update);
    ({ blocks, dependencies } = yield* readBlocks(decoder));
    deleteSet = update.subarray(decoder.pos);
  } catch {
    return undefined; // lib0's readers throw on truncated input; ours on the unknown
  }
  const spans = dependencyOrder(blocks, dependencies);
  if (spans === undefined) return undefined;
  // Cut the spans into parts of about maxBytes, one run per client in a part (a client named
  // twice in an update would be read as its last block only).
  const parts: Run[][] = [];
  let runs = new Map<number, Run>();
  let size = maxBytes;
  for (const span of spans) {
    const block = blocks[span.block] as Block;
    for (let i = span.from; i < span.to; i++) {
      const struct = block.structs[i] as Struct;
      const bytes = struct.end - struct.start;
      if (size > 0 && size + bytes > maxBytes) {
        runs = new Map();
        parts.push([]);
        size = 0;
      }
      let run = runs.get(span.block);
      if (run === undefined) {
        run = { client: block.client, structs: [] };
        runs.set(span.block, run);
        (parts[parts.length - 1] as Run[]).push(run);
      }
      run.structs.push(struct);
      size += bytes;
    }
  }
  if (parts.length < 2) return undefined;
  const none = new Uint8Array([0]); // an empty delete set
  return {
    count: parts.length,
    part: (p) => encodePart(update, parts[p] as Run[], p === parts.length - 1 ? deleteSet : none),
  };
}

/**
 * `update` (Yjs v1) as parts of about `maxBytes` each, to apply in order; `undefined` when it
 * cannot or need not be split (one part, unreadable, or too entangled: see the module).
 */
export function splitUpdate(update: Uint8Array, maxBytes: number): Uint8Array[] | undefined {
  const plan = planSplit(update, maxBytes);
  let step = plan.next();
  while (step.done !== true) step = plan.next();
  const split = step.value;
  return split === undefined
    ? undefined
    : Array.from({ length: split.count }, (_, i) => split.part(i));
}

/**
 * `splitUpdate` read `READ_SLICE` bytes per task (`turn` between slices: a whole 8 MB state
 * read at once held the page for 60-120 ms), its parts encoded as they are asked for.
 */
export async function splitUpdateInTurns(
  update: Uint8Array,
  maxBytes: number,
  turn: () => Promise<void>,
): Promise<SplitUpdate | undefined> {
  const plan = planSplit(update, maxBytes);
  for (let step = plan.next(); ; step = plan.next()) {
    if (step.done === true) return step.value;
    await turn();
  }
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
