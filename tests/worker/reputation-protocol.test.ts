/** The reputation worker's message protocol and the job it runs, without a browser. */
import { describe, expect, it } from 'vitest';
import {
  computeReputation,
  defaultReputationParams,
  type ReputationInput,
} from '../../src/core/reputation/index.ts';
import { runReputationJob } from '../../worker/reputation-job.ts';
import {
  canPost,
  decodeInput,
  decodeResult,
  encodeInput,
  encodeResult,
  isReputationRequest,
  isReputationResponse,
  isScoredResponse,
  type ReputationRequest,
  type WireResult,
} from '../../worker/reputation-protocol.ts';
import { syntheticInput } from '../e2e/reputation-synthetic.ts';

const PARAMS = defaultReputationParams('2026-06-01T00:00:00Z');

/** What postMessage does to a message: a structured clone that moves the listed buffers. */
const post = <T>(message: T, transfer: ArrayBuffer[]): T => structuredClone(message, { transfer });

function request(input: ReputationInput, id = 1): { message: ReputationRequest; transfer: [] } {
  const encoded = encodeInput(input, true);
  return {
    message: { kind: 'reputation', id, input: encoded.message, params: PARAMS },
    transfer: [],
  };
}

function wireResult(input: ReputationInput): WireResult {
  return encodeResult(computeReputation(input, PARAMS), input).message;
}

describe('reputation protocol: the input', () => {
  it('carries an input through postMessage exactly, as columns and transferred buffers', () => {
    const input = syntheticInput(300, 6, 3);
    const before = structuredClone(input);
    const { message, transfer } = encodeInput(input, true);
    expect(transfer).toHaveLength(6); // three node columns, three edge arrays
    expect(decodeInput(post(message, transfer))).toEqual(before);
    expect(input).toEqual(before); // the worker got copies of the edges
  });

  it("moves the caller's own edge buffers without copyEdges", () => {
    const input = syntheticInput(300, 6, 3);
    const edges = input.edges.from.length;
    const { message, transfer } = encodeInput(input, false);
    const arrived = decodeInput(post(message, transfer));
    expect(arrived.edges.from).toHaveLength(edges);
    expect(input.edges.from).toHaveLength(0); // detached: it went with the message
    expect(input.edges.weight).toHaveLength(0);
  });

  it('lists a buffer once when the edge arrays share one', () => {
    const input = syntheticInput(50, 3, 1);
    const m = input.edges.from.length;
    const shared = new Uint32Array(3 * m);
    shared.set(input.edges.from, 0);
    shared.set(input.edges.to, m);
    shared.set(input.edges.weight, 2 * m);
    const edges = {
      from: shared.subarray(0, m),
      to: shared.subarray(m, 2 * m),
      weight: shared.subarray(2 * m),
    };
    const { message, transfer } = encodeInput({ ...input, edges }, false);
    expect(transfer.filter((b) => b === shared.buffer)).toHaveLength(1);
    expect(decodeInput(post(message, transfer))).toEqual(input);
  });

  it('accepts a well-formed request and rejects other shapes', () => {
    const { message } = request(syntheticInput(20, 3));
    expect(isReputationRequest(message)).toBe(true);
    const nodes = message.input.nodes;
    const edges = message.input.edges;
    const variants: unknown[] = [
      { ...message, kind: 'verify' },
      { ...message, id: 1.5 },
      { ...message, params: null },
      { ...message, input: { ...message.input, format: 7 } },
      { ...message, input: { ...message.input, penalties: undefined } },
      { ...message, input: { ...message.input, nodes: { ...nodes, flags: [...nodes.flags] } } },
      { ...message, input: { ...message.input, nodes: { ...nodes, stake: new Float64Array(1) } } },
      {
        ...message,
        input: { ...message.input, edges: { ...edges, to: Int32Array.from(edges.to) } },
      },
      null,
    ];
    for (const variant of variants) expect(isReputationRequest(variant)).toBe(false);
  });

  it('posts only inputs it carries exactly; the rest is for core to report', () => {
    const input = syntheticInput(20, 3);
    expect(canPost(input)).toBe(true);
    const plain = { ...input, edges: { ...input.edges, from: [...input.edges.from] } };
    expect(canPost(plain as unknown as ReputationInput)).toBe(false);
    const node = input.nodes[0];
    for (const odd of [{ did: 7 }, { stake: '1' }, { admin: 1 }]) {
      const nodes = [{ ...node, ...odd }, ...input.nodes.slice(1)];
      expect(canPost({ ...input, nodes } as unknown as ReputationInput)).toBe(false);
    }
  });
});

describe('reputation protocol: the result', () => {
  it('rebuilds the result core computed, Map and order included, from ppb and the ranking', () => {
    const input = syntheticInput(400, 8, 5);
    const result = computeReputation(input, PARAMS);
    const { message, transfer } = encodeResult(result, input);
    expect(transfer).toHaveLength(2);
    const dids = input.nodes.map((node) => node.did);
    const rebuilt = decodeResult(post(message, transfer), dids);
    expect(rebuilt).toEqual(computeReputation(input, PARAMS));
    expect(rebuilt.scores).toBeInstanceOf(Map);
    expect('scores' in message || 'order' in message).toBe(false); // neither crosses
  });

  it('refuses an answer that does not fit the input', () => {
    const input = syntheticInput(30, 3);
    const dids = input.nodes.map((node) => node.did);
    const wire = wireResult(input);
    expect(() => decodeResult(wire, dids.slice(1))).toThrow(/answered for 30 systems, not 29/);
    const repeated = Uint32Array.from(wire.rank);
    repeated[1] = repeated[0] as number;
    expect(() => decodeResult({ ...wire, rank: repeated }, dids)).toThrow(/not a permutation/);
    const outside = Uint32Array.from(wire.rank);
    outside[0] = 30;
    expect(() => decodeResult({ ...wire, rank: outside }, dids)).toThrow(/not a permutation/);
  });

  it('accepts the two response kinds and rejects other shapes', () => {
    const result = wireResult(syntheticInput(10, 2));
    expect(isScoredResponse({ kind: 'scored', id: 2, result })).toBe(true);
    const error = { kind: 'error', id: 2, error: { name: 'RangeError', message: 'bad' } };
    expect(isReputationResponse(error)).toBe(true);
    expect(isScoredResponse(error)).toBe(false);
    const variants: unknown[] = [
      { kind: 'scored', id: '2', result },
      { kind: 'scored', id: 2, result: { ...result, rank: undefined } },
      { kind: 'scored', id: 2, result: { ...result, ppb: [...result.ppb] } },
      { kind: 'scored', id: 2, result: { ...result, converged: 'yes' } },
      { kind: 'scored', id: 2, result: { ...result, iterations: 1.5 } },
      { kind: 'scored', id: 2, result: { ...result, scoreHash: null } },
      { kind: 'error', id: 2, error: { name: 'E' } },
    ];
    for (const variant of variants) expect(isReputationResponse(variant)).toBe(false);
  });
});

describe('reputation job', () => {
  it('answers with the score hash core computes, ppb and ranking transferred', () => {
    const input = syntheticInput(200, 5, 9);
    const { message } = request(input, 4);
    const answer = runReputationJob(post(message, []));
    expect(answer.message).toMatchObject({ kind: 'scored', id: 4 });
    expect(answer.transfer).toHaveLength(2);
    if (answer.message.kind !== 'scored') throw new Error('not scored');
    expect(answer.message.result.scoreHash).toBe(computeReputation(input, PARAMS).scoreHash);
  });

  it("serialises core's RangeError for bad parameters, under the request's id", () => {
    const { message } = request(syntheticInput(20, 3), 5);
    const bad = { ...message, params: { ...PARAMS, maxIterations: 0 } };
    expect(runReputationJob(bad).message).toMatchObject({
      kind: 'error',
      id: 5,
      error: { name: 'RangeError', message: expect.stringContaining('maxIterations') },
    });
  });

  it('refuses node columns whose lengths do not add up to the dids', () => {
    const { message } = request(syntheticInput(20, 3), 6);
    const nodes = { ...message.input.nodes, dids: `${message.input.nodes.dids}x` };
    const answer = runReputationJob({ ...message, input: { ...message.input, nodes } });
    expect(answer.message).toMatchObject({ kind: 'error', id: 6, error: { name: 'RangeError' } });
  });

  it('answers a malformed message with an error under its id, or -1', () => {
    expect(runReputationJob({ kind: 'reputation', id: 8 }).message).toMatchObject({
      kind: 'error',
      id: 8,
      error: { name: 'TypeError', message: 'reputation worker: malformed request' },
    });
    expect(runReputationJob('hello').message).toMatchObject({ kind: 'error', id: -1 });
  });
});
