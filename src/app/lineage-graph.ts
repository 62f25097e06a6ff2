/**
 * The lineage of a patch as a graph the screen draws: who wrote it, then who built, checked
 * (reviewed, tested, analyzed), forwarded and applied it, each system once per stage, from the
 * ledger's provenance and the attestations the bundle itself carries. Each node carries the
 * system's reputation (its band, and the engine's explanation), whether it is malicious or
 * flagged, and whether it lies on the path this device received the patch through: the
 * signatures the bundle carried when it arrived here, the ledger hops this device's own
 * entries descend from, and this device's own entries. Pure: the ledger is read in lineage.ts.
 */
import type { Provenance } from '../core/ledger/queries.ts';
import type { Penalty, ScoreExplanation } from '../core/reputation/types.ts';
import type { SignerRow } from './signer-rows.ts';

export const STAGES = ['author', 'built', 'checked', 'forwarded', 'applied'] as const;
export type Stage = (typeof STAGES)[number];

export const STAGE_TITLES: Record<Stage, string> = {
  author: 'Author',
  built: 'Built',
  checked: 'Reviewed, tested, analyzed',
  forwarded: 'Forwarded',
  applied: 'Applied, rolled back, refused',
};

/** How a score compares with an even share of the team's trust (1e9 / systems). */
export type Band = 'high' | 'medium' | 'low' | 'none' | 'unknown';

export interface LineageAct {
  reason: string;
  source: 'bundle' | 'ledger';
  entry?: string;
  time?: string;
  target?: string;
  verdict?: 'pass' | 'fail';
}

export interface LineageNode {
  /** `${stage} ${did}`. */
  id: string;
  stage: Stage;
  did: string;
  /** Registered name, '' when the ledger does not know the key. */
  name: string;
  acts: LineageAct[];
  /** Parts per billion; undefined when the key is not a system of this team. */
  scorePpb?: number;
  band: Band;
  explanation?: ScoreExplanation;
  malicious: boolean;
  /** Why the node is flagged, in words (empty when it is not). */
  flags: string[];
  onPath: boolean;
  isDevice: boolean;
}

export interface LineageEdge {
  from: string;
  to: string;
  onPath: boolean;
}

export interface LineageGraph {
  patch: string;
  nodes: LineageNode[];
  edges: LineageEdge[];
  /** Systems the team's reputation covers (for "rank 2 of 7"). */
  systems: number;
  /** Registered names of the systems the explanations name as contributors. */
  names: Record<string, string>;
}

export interface SystemFacts {
  name: string;
  malicious: boolean;
  scorePpb?: number;
  explanation?: ScoreExplanation;
}

export interface LineageInput {
  provenance: Provenance;
  /** The bundle's signatures (its author first) as the ledger sees them. */
  signers: SignerRow[];
  deviceDid: string | undefined;
  /** What the ledger and the reputation engine say of a did. */
  facts: (did: string) => SystemFacts;
  penalties: Penalty[];
  systems: number;
}

const HOP_STAGE: Record<string, Stage> = {
  built: 'built',
  reviewed: 'checked',
  tested: 'checked',
  analyzed: 'checked',
  forwarded: 'forwarded',
  applied: 'applied',
  'rolled-back': 'applied',
  rejected: 'applied',
};

/** The stage a signature in the bundle stands for, from the role it claims. */
function roleStage(role: string): Stage {
  if (/build/i.test(role)) return 'built';
  if (/forward/i.test(role)) return 'forwarded';
  if (/appl|kiosk|technician/i.test(role)) return 'applied';
  return 'checked';
}

export function bandOf(ppb: number | undefined, systems: number): Band {
  if (ppb === undefined || systems === 0) return 'unknown';
  const even = 1e9 / systems;
  if (ppb >= even) return 'high';
  if (ppb >= even / 4) return 'medium';
  return ppb > 0 ? 'low' : 'none';
}

const PENALTY_WORDS: Record<Penalty['kind'], string> = {
  equivocation: 'signed two different stories (equivocation)',
  compromised: 'vouched for a patch later flagged as compromised',
  kept: 'kept vouching for a patch after it was flagged',
  contradicted: 'its attestation was contradicted by evidence',
};

function flagsOf(did: string, input: LineageInput, extra: string[]): string[] {
  const words = input.penalties
    .filter((p) => p.did === did && p.kind !== 'equivocation')
    .map((p) => PENALTY_WORDS[p.kind]);
  return [...new Set([...words, ...extra])];
}

interface Draft {
  nodes: Map<string, LineageNode>;
  edges: Map<string, LineageEdge>;
  /** Ledger hop id → node id. */
  hopNode: Map<string, string>;
}

function nodeFor(draft: Draft, input: LineageInput, stage: Stage, did: string): LineageNode {
  const id = `${stage} ${did}`;
  const known = draft.nodes.get(id);
  if (known !== undefined) return known;
  const facts = input.facts(did);
  const node: LineageNode = {
    ...{ id, stage, did, name: facts.name, acts: [], malicious: facts.malicious },
    ...{ band: bandOf(facts.scorePpb, input.systems), flags: flagsOf(did, input, []) },
    ...{ onPath: false, isDevice: did === input.deviceDid },
  };
  if (input.penalties.some((p) => p.did === did && p.kind === 'equivocation'))
    node.malicious = true;
  if (facts.scorePpb !== undefined) node.scorePpb = facts.scorePpb;
  if (facts.explanation !== undefined) node.explanation = facts.explanation;
  draft.nodes.set(id, node);
  return node;
}

function link(draft: Draft, from: string, to: string): void {
  if (from !== to) draft.edges.set(`${from}>${to}`, { from, to, onPath: false });
}

function authorNode(draft: Draft, input: LineageInput): LineageNode | undefined {
  const { provenance } = input;
  const did = input.signers.find((s) => s.isAuthor)?.did ?? provenance.published?.creator;
  if (did === undefined) return undefined;
  const node = nodeFor(draft, input, 'author', did);
  if (provenance.published !== undefined)
    node.acts.push({ reason: 'published', source: 'ledger', entry: provenance.published.id });
  else node.acts.push({ reason: 'signed the bundle', source: 'bundle' });
  for (const flag of provenance.flags.filter((f) => f.compromised)) {
    const by = input.facts(flag.author).name || 'a team member';
    node.flags.push(`the patch is flagged as compromised by ${by}`);
  }
  return node;
}

function addBundleSigners(draft: Draft, input: LineageInput, author?: LineageNode): string[] {
  const path: string[] = [];
  for (const signer of input.signers.filter((s) => !s.isAuthor)) {
    const node = nodeFor(draft, input, roleStage(signer.claimedRole), signer.did);
    const act: LineageAct = { reason: signer.claimedRole, source: 'bundle' };
    if (signer.verdict !== undefined) act.verdict = signer.verdict;
    if (signer.timestamp !== undefined) act.time = signer.timestamp;
    node.acts.push(act);
    if (author !== undefined) link(draft, author.id, node.id);
    path.push(node.id);
  }
  return path;
}

function addHops(draft: Draft, input: LineageInput, author?: LineageNode): void {
  for (const hop of input.provenance.hops) {
    const node = nodeFor(draft, input, HOP_STAGE[hop.reason] ?? 'checked', hop.author);
    const act: LineageAct = { reason: hop.reason, source: 'ledger', entry: hop.id, time: hop.time };
    if (hop.target !== undefined) act.target = hop.target;
    node.acts.push(act);
    if (hop.outOfStanding !== undefined) node.flags.push(hop.outOfStanding);
    draft.hopNode.set(hop.id, node.id);
  }
  for (const hop of input.provenance.hops) {
    const to = draft.hopNode.get(hop.id) as string;
    const from = hop.parent === undefined ? undefined : draft.hopNode.get(hop.parent);
    if (from !== undefined) link(draft, from, to);
    else if (author !== undefined) link(draft, author.id, to);
  }
}

/** The nodes on the way here: the bundle's signers, and this device's hops and their parents. */
function markPath(
  draft: Draft,
  input: LineageInput,
  author: LineageNode | undefined,
  carried: string[],
) {
  const onPath = new Set<string>(carried);
  const byId = new Map(input.provenance.hops.map((h) => [h.id, h]));
  for (const hop of input.provenance.hops.filter((h) => h.author === input.deviceDid)) {
    for (let at: typeof hop | undefined = hop; at !== undefined;) {
      onPath.add(draft.hopNode.get(at.id) as string);
      at = at.parent === undefined ? undefined : byId.get(at.parent);
    }
  }
  if (onPath.size === 0) return;
  if (author !== undefined) onPath.add(author.id);
  for (const id of onPath) (draft.nodes.get(id) as LineageNode).onPath = true;
  for (const edge of draft.edges.values())
    edge.onPath = onPath.has(edge.from) && onPath.has(edge.to);
}

export function buildLineage(input: LineageInput): LineageGraph {
  const draft: Draft = { nodes: new Map(), edges: new Map(), hopNode: new Map() };
  const author = authorNode(draft, input);
  const carried = addBundleSigners(draft, input, author);
  addHops(draft, input, author);
  markPath(draft, input, author, carried);
  const order = (n: LineageNode) => STAGES.indexOf(n.stage);
  const nodes = [...draft.nodes.values()].sort((a, b) => order(a) - order(b));
  const names: Record<string, string> = {};
  for (const node of nodes)
    for (const c of node.explanation?.contributors ?? []) names[c.did] = input.facts(c.did).name;
  return {
    patch: input.provenance.patch,
    ...{ nodes, edges: [...draft.edges.values()], systems: input.systems, names },
  };
}
