/**
 * Checks a `ReputationInput` before the engine trusts its shape: nodes in strict did order,
 * edges as Uint32Arrays in strict (to, from) order without self loops and within the weight
 * limit, penalties and posture reports about known nodes. The input comes from our own code
 * (reputationInputs, or a Worker message we built), so a problem is a RangeError listing what
 * is wrong, not a coded rejection.
 */
import { MAX_EDGE_WEIGHT, MAX_EDGES, MAX_NODES } from './integer.ts';
import {
  REPUTATION_INPUT_FORMAT,
  type EdgeList,
  type ReputationInput,
  type ReputationNode,
} from './types.ts';

/** The index of `did` in nodes sorted by did (binary search), or -1. */
export function nodeIndex(nodes: readonly ReputationNode[], did: string): number {
  let lo = 0;
  let hi = nodes.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const at = (nodes[mid] as ReputationNode).did;
    if (at === did) return mid;
    if (at < did) lo = mid + 1;
    else hi = mid - 1;
  }
  return -1;
}

/** Throws a RangeError listing what is wrong with an input (it comes from our own code). */
export function checkInput(input: ReputationInput): void {
  const bad: string[] = [];
  if (input.format !== REPUTATION_INPUT_FORMAT)
    bad.push(`format is not ${REPUTATION_INPUT_FORMAT}`);
  const { nodes, edges } = input;
  if (nodes.length > MAX_NODES) bad.push(`more than ${MAX_NODES} nodes`);
  const node = firstBadNode(nodes);
  if (node !== undefined) bad.push(node);
  const arrays = [edges.from, edges.to, edges.weight];
  if (!arrays.every((a) => a instanceof Uint32Array)) bad.push('edges are not Uint32Arrays');
  else if (!arrays.every((a) => a.length === edges.from.length))
    bad.push('edge arrays differ in length');
  else if (edges.from.length > MAX_EDGES) bad.push(`more than ${MAX_EDGES} edges`);
  else {
    const edge = firstBadEdge(edges, nodes.length);
    if (edge !== undefined) bad.push(edge);
  }
  for (const p of input.penalties)
    if (nodeIndex(nodes, p.did) < 0 || !PENALTY_KINDS.includes(p.kind))
      bad.push(`penalty ${p.kind} against ${p.did} does not fit the nodes`);
  for (const r of input.posture)
    if (
      nodeIndex(nodes, r.did) < 0 ||
      !(r.passed >= 0 && r.passed <= r.total && Number.isSafeInteger(r.total))
    )
      bad.push(`posture report ${r.entry} does not fit the nodes`);
  for (const p of input.pending ?? [])
    if (nodeIndex(nodes, p.did) < 0 || nodeIndex(nodes, p.from) < 0)
      bad.push(`pending credit ${p.entry} does not fit the nodes`);
  if (new Set(input.posture.map((r) => r.did)).size !== input.posture.length)
    bad.push('more than one posture report per system');
  if (bad.length > 0) throw new RangeError(`reputation input: ${bad.slice(0, 10).join('; ')}`);
}

const PENALTY_KINDS: readonly string[] = ['equivocation', 'compromised', 'kept', 'contradicted'];

/*
 * The loops below return an index, not a message: V8 compiles a hot loop that formats a
 * template string on its way out noticeably slower (2× and more, measured), even though that
 * exit is never taken on a good input. The message is made once, outside, for a bad input.
 */

/** The first node whose did is not a string after the previous one, or whose stake is not whole; −1. */
function badNodeAt(nodes: readonly ReputationNode[]): number {
  let previous = '';
  for (let i = 0; i < nodes.length; i++) {
    const { did, stake } = nodes[i] as ReputationNode;
    if (typeof did !== 'string' || (i > 0 && !(previous < did))) return i;
    if (!Number.isSafeInteger(stake) || stake < 0) return i;
    previous = did;
  }
  return -1;
}

function firstBadNode(nodes: readonly ReputationNode[]): string | undefined {
  const i = badNodeAt(nodes);
  if (i < 0) return undefined;
  const { did } = nodes[i] as ReputationNode;
  if (typeof did !== 'string' || (i > 0 && !((nodes[i - 1] as ReputationNode).did < did)))
    return `nodes[${i}].did is not a string after nodes[${i - 1}].did in did order`;
  return `nodes[${i}].stake is not whole`;
}

/**
 * The first edge naming a node out of range, a self loop, weighing more than 2^24, or not
 * after the one before in (to, from) order; −1.
 */
function badEdgeAt(edges: EdgeList, n: number): number {
  const { from, to, weight } = edges;
  let previousTo = -1;
  let previousFrom = -1;
  for (let e = 0; e < from.length; e++) {
    const f = from[e] as number;
    const t = to[e] as number;
    if (f >= n || t >= n || f === t || (weight[e] as number) > MAX_EDGE_WEIGHT) return e;
    if (t < previousTo || (t === previousTo && f <= previousFrom)) return e;
    previousTo = t;
    previousFrom = f;
  }
  return -1;
}

function firstBadEdge(edges: EdgeList, n: number): string | undefined {
  const e = badEdgeAt(edges, n);
  if (e < 0) return undefined;
  const f = edges.from[e] as number;
  const t = edges.to[e] as number;
  if (f >= n || t >= n) return `edge ${e} names a node out of range`;
  if (f === t) return `edge ${e} is a self loop`;
  if ((edges.weight[e] as number) > MAX_EDGE_WEIGHT) return `edge ${e} weighs more than 2^24`;
  return `edge ${e} is not after edge ${e - 1} in (to, from) order`;
}
