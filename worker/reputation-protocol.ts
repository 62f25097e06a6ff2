/**
 * The typed message protocol between the app and the reputation worker, a sibling of
 * protocol.ts (whose error half it shares): every request carries an id that its response
 * repeats, both sides check the shape of what arrives, and an exception in the worker comes
 * back as a serialised error. What crosses was chosen by measuring postMessage in Chromium (see
 * src/app/trust-scores.ts), because the sending and the reading happen on the main thread:
 *
 * - the edge arrays travel as transferred buffers, never structured-cloned (the caller's own,
 *   or copies that keep the caller's input whole: see `encodeInput`);
 * - the systems travel as columns: every did in one string beside their lengths, the flags and
 *   the stakes in typed arrays (transferred). Posting 100k node objects held the main thread
 *   for 70–120 ms; the columns take a few;
 * - the result comes back as its ppb vector and its ranking as node indexes (transferred). The
 *   `scores` Map and `order` are rebuilt on the main side from the dids it already holds, so
 *   no Map and no did crosses back.
 *
 * Both ends are our code, and the deep checks are core's (`checkInput`, `checkParams`, run by
 * `computeReputation` in the worker); the checks here keep a malformed message from being
 * taken for an answer.
 */
import type { ReputationParams } from '../src/core/reputation/params.ts';
import type {
  EdgeList,
  Penalty,
  PostureReport,
  ReputationInput,
  ReputationNode,
  ReputationResult,
} from '../src/core/reputation/types.ts';
import { isErrorResponse, type ErrorResponse } from './protocol.ts';

/** `ReputationInput.nodes` as columns, in node (did) order. */
export interface NodeColumns {
  /** Every did, concatenated; the i-th is `didLengths[i]` UTF-16 code units long. */
  dids: string;
  didLengths: Uint32Array;
  /** Bit 0: admin; bit 1: member. */
  flags: Uint8Array;
  stake: Float64Array;
}

export interface WireInput {
  format: string;
  nodes: NodeColumns;
  edges: EdgeList;
  penalties: Penalty[];
  posture: PostureReport[];
}

export interface ReputationRequest {
  kind: 'reputation';
  id: number;
  input: WireInput;
  params: ReputationParams;
}

/** A `ReputationResult` without `scores`, and with `order` as node indexes. */
export interface WireResult extends Omit<ReputationResult, 'scores' | 'order'> {
  rank: Uint32Array;
}

export interface ScoredResponse {
  kind: 'scored';
  id: number;
  result: WireResult;
}

export type ReputationResponse = ScoredResponse | ErrorResponse;

/** A message and the buffers to transfer with it. */
export interface Posted<T> {
  message: T;
  transfer: ArrayBuffer[];
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null;

/** The distinct (non-shared) buffers under some typed arrays: a buffer may be listed once. */
function buffersOf(...arrays: ArrayBufferView[]): ArrayBuffer[] {
  const buffers = new Set<ArrayBuffer>();
  for (const array of arrays) if (array.buffer instanceof ArrayBuffer) buffers.add(array.buffer);
  return [...buffers];
}

/**
 * Whether `encodeInput` carries this input exactly: edges in Uint32Arrays, string dids,
 * boolean flags, numeric stakes. Anything else is for the main thread, where core's checks
 * report it as they always do.
 */
export function canPost(input: ReputationInput): boolean {
  const { from, to, weight } = input.edges;
  if (![from, to, weight].every((a) => a instanceof Uint32Array)) return false;
  return input.nodes.every(
    (n) =>
      typeof n.did === 'string' &&
      typeof n.admin === 'boolean' &&
      typeof n.member === 'boolean' &&
      typeof n.stake === 'number',
  );
}

/**
 * The input as it crosses (for an input `canPost` accepts). With `copyEdges`, the worker gets
 * copies of the edge arrays and the caller's stay usable; without, the caller's own buffers are
 * transferred and its `input.edges` arrays are empty (detached) once posted.
 */
export function encodeInput(input: ReputationInput, copyEdges: boolean): Posted<WireInput> {
  const n = input.nodes.length;
  const didLengths = new Uint32Array(n);
  const flags = new Uint8Array(n);
  const stake = new Float64Array(n);
  const dids: string[] = [];
  for (let i = 0; i < n; i++) {
    const node = input.nodes[i] as ReputationNode;
    dids.push(node.did);
    didLengths[i] = node.did.length;
    flags[i] = (node.admin ? 1 : 0) | (node.member ? 2 : 0);
    stake[i] = node.stake;
  }
  const { from, to, weight } = input.edges;
  const edges = copyEdges
    ? { from: from.slice(), to: to.slice(), weight: weight.slice() }
    : input.edges;
  const nodes = { dids: dids.join(''), didLengths, flags, stake };
  const { format, penalties, posture } = input;
  return {
    message: { format, nodes, edges, penalties, posture },
    transfer: buffersOf(didLengths, flags, stake, edges.from, edges.to, edges.weight),
  };
}

/** The inverse of `encodeInput`, in the worker. Throws a RangeError for columns that disagree. */
export function decodeInput(wire: WireInput): ReputationInput {
  const { dids, didLengths, flags, stake } = wire.nodes;
  const nodes: ReputationNode[] = [];
  let at = 0;
  for (let i = 0; i < didLengths.length; i++) {
    const end = at + (didLengths[i] as number);
    const bits = flags[i] as number;
    const did = dids.slice(at, end);
    nodes.push({
      did,
      admin: (bits & 1) !== 0,
      member: (bits & 2) !== 0,
      stake: stake[i] as number,
    });
    at = end;
  }
  if (at !== dids.length) throw new RangeError('reputation request: did lengths do not add up');
  const { format, edges, penalties, posture } = wire;
  return { format: format as ReputationInput['format'], nodes, edges, penalties, posture };
}

/** The result as it crosses back, in the worker; ppb and the ranking are transferred. */
export function encodeResult(result: ReputationResult, input: ReputationInput): Posted<WireResult> {
  const index = new Map(input.nodes.map((node, i) => [node.did, i]));
  const rank = Uint32Array.from(result.order, (did) => index.get(did) as number);
  const { ppb, iterations, converged, delta, teleport, scoreHash, paramsHash, params } = result;
  const message = {
    ppb,
    rank,
    iterations,
    converged,
    delta,
    teleport,
    scoreHash,
    paramsHash,
    params,
  };
  return { message, transfer: buffersOf(ppb, rank) };
}

/**
 * The inverse of `encodeResult`, on the main thread, from the dids of the input that was
 * posted. Throws a TypeError when the answer does not fit them (not a score per system, or a
 * ranking that is not a permutation).
 */
export function decodeResult(wire: WireResult, dids: readonly string[]): ReputationResult {
  const n = dids.length;
  if (wire.ppb.length !== n || wire.rank.length !== n)
    throw new TypeError(`reputation worker answered for ${wire.ppb.length} systems, not ${n}`);
  const seen = new Uint8Array(n);
  const order: string[] = [];
  for (const i of wire.rank) {
    if (i >= n || seen[i] === 1)
      throw new TypeError('reputation worker ranking is not a permutation');
    seen[i] = 1;
    order.push(dids[i] as string);
  }
  const scores = new Map<string, number>();
  for (let i = 0; i < n; i++) scores.set(dids[i] as string, wire.ppb[i] as number);
  const { ppb, iterations, converged, delta, teleport, scoreHash, paramsHash, params } = wire;
  return {
    scores,
    ppb,
    order,
    iterations,
    converged,
    delta,
    teleport,
    scoreHash,
    paramsHash,
    params,
  };
}

function isNodeColumns(value: unknown): value is NodeColumns {
  if (!isRecord(value) || typeof value.dids !== 'string') return false;
  const { didLengths, flags, stake } = value;
  if (!(didLengths instanceof Uint32Array)) return false;
  if (!(flags instanceof Uint8Array) || !(stake instanceof Float64Array)) return false;
  return flags.length === didLengths.length && stake.length === didLengths.length;
}

function isWireInput(value: unknown): value is WireInput {
  if (!isRecord(value) || typeof value.format !== 'string' || !isNodeColumns(value.nodes))
    return false;
  const { edges } = value;
  if (!isRecord(edges)) return false;
  if (![edges.from, edges.to, edges.weight].every((a) => a instanceof Uint32Array)) return false;
  return Array.isArray(value.penalties) && Array.isArray(value.posture);
}

export function isReputationRequest(value: unknown): value is ReputationRequest {
  if (!isRecord(value) || value.kind !== 'reputation' || !Number.isSafeInteger(value.id))
    return false;
  return isWireInput(value.input) && isRecord(value.params);
}

function isWireResult(value: unknown): value is WireResult {
  if (!isRecord(value)) return false;
  if (!(value.ppb instanceof Uint32Array) || !(value.rank instanceof Uint32Array)) return false;
  const counts = [value.iterations, value.delta, value.teleport];
  if (!counts.every((c) => Number.isSafeInteger(c)) || typeof value.converged !== 'boolean')
    return false;
  const hashes = [value.scoreHash, value.paramsHash];
  return hashes.every((h) => typeof h === 'string') && isRecord(value.params);
}

export function isScoredResponse(value: unknown): value is ScoredResponse {
  if (!isRecord(value) || value.kind !== 'scored' || !Number.isSafeInteger(value.id)) return false;
  return isWireResult(value.result);
}

export function isReputationResponse(value: unknown): value is ReputationResponse {
  return isScoredResponse(value) || isErrorResponse(value);
}
