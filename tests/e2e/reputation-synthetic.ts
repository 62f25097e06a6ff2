/**
 * Synthetic reputation inputs for the Node-vs-Chromium test and the bench: `nodes` systems with
 * `edgesPerNode` distinct out-edges each (fewer when the skewed draw keeps repeating), targets skewed towards low indexes (popular systems), 32 roots
 * with stakes, a few equivocators, compromised distributors and posture reports. Built from a
 * seeded integer PRNG (mulberry32), so Node and the page build the same input. Also the JSON
 * form of an input (typed arrays as number arrays) for page.evaluate.
 */
import {
  REPUTATION_INPUT_FORMAT,
  type Penalty,
  type PostureReport,
  type ReputationInput,
  type ReputationResult,
} from '../../src/core/reputation/index.ts';

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  };
}

export const syntheticDid = (i: number) => `did:example:sys${String(i).padStart(8, '0')}`;

export function syntheticInput(nodes: number, edgesPerNode: number, seed = 1): ReputationInput {
  const next = mulberry32(seed);
  const skewed = () => Math.floor((Math.min(next(), next()) / 2 ** 32) * nodes);
  const rows: number[][] = [];
  const row = new Set<number>();
  for (let j = 0; j < nodes; j++) {
    row.clear();
    for (let tries = 0; row.size < edgesPerNode && tries < edgesPerNode * 4; tries++) {
      const i = skewed();
      if (i !== j) row.add(i);
    }
    rows.push([...row]);
  }
  // Sorted by (to, from): a counting sort by target over sources in index order.
  const starts = new Uint32Array(nodes + 1);
  for (const targets of rows)
    for (const i of targets) starts[i + 1] = (starts[i + 1] as number) + 1;
  for (let i = 0; i < nodes; i++) starts[i + 1] = (starts[i + 1] as number) + (starts[i] as number);
  const m = starts[nodes] as number;
  const from = new Uint32Array(m);
  const to = new Uint32Array(m);
  const weight = new Uint32Array(m);
  rows.forEach((targets, j) => {
    for (const i of targets) {
      const slot = starts[i] as number;
      starts[i] = slot + 1;
      from[slot] = j;
      to[slot] = i;
      weight[slot] = 1 + (next() % 4096);
    }
  });
  const penalties: Penalty[] = [];
  const posture: PostureReport[] = [];
  for (let k = 0; k < 50 && 64 + k * 37 < nodes; k++) {
    const did = syntheticDid(64 + k * 37);
    if (k % 2 === 0) penalties.push({ did, kind: 'equivocation', entries: [`sha256:e${k}`] });
    else
      penalties.push({
        did,
        kind: 'compromised',
        patch: `sha256:p${k}`,
        entries: [`sha256:f${k}`],
      });
  }
  for (let k = 0; k < 100 && 65 + k * 29 < nodes; k++) {
    const did = syntheticDid(65 + k * 29);
    posture.push({
      did,
      assessor: syntheticDid(0),
      entry: `sha256:q${k}`,
      passed: k % 5,
      total: 4,
    });
  }
  const byDid = (a: { did: string }, b: { did: string }) =>
    a.did < b.did ? -1 : a.did > b.did ? 1 : 0;
  return {
    format: REPUTATION_INPUT_FORMAT,
    nodes: Array.from({ length: nodes }, (_, i) => ({
      did: syntheticDid(i),
      admin: i < 4,
      member: i < 32,
      stake: i < 32 ? 1 + (next() % 200) : 0,
    })),
    edges: { from, to, weight },
    penalties: penalties.sort(byDid),
    posture: posture.sort(byDid),
  };
}

export type JsonInput = Omit<ReputationInput, 'edges'> & {
  edges: { from: number[]; to: number[]; weight: number[] };
};

export function inputToJson(input: ReputationInput): JsonInput {
  const { from, to, weight } = input.edges;
  return { ...input, edges: { from: [...from], to: [...to], weight: [...weight] } };
}

export function inputFromJson(json: JsonInput): ReputationInput {
  const { from, to, weight } = json.edges;
  return {
    ...json,
    edges: {
      from: Uint32Array.from(from),
      to: Uint32Array.from(to),
      weight: Uint32Array.from(weight),
    },
  };
}

/** What Node and the page compare: every score, in did order, and the hashes. */
export interface ResultSummary {
  ppb: number[];
  scoreHash: string;
  paramsHash: string;
  iterations: number;
}

export function summarize(result: ReputationResult): ResultSummary {
  const { scoreHash, paramsHash, iterations } = result;
  return { ppb: [...result.ppb], scoreHash, paramsHash, iterations };
}
