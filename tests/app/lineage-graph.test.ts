/**
 * The lineage graph's assembly, on plain data: one node per system and stage, edges by parent
 * (a hop without one hangs from the author), the path this device received the patch through,
 * bands by an even share of the team's trust, malicious and flagged marks.
 */
import { describe, expect, it } from 'vitest';
import { bandOf, buildLineage, type LineageInput } from '../../src/app/lineage-graph.ts';
import type { Hop, Provenance } from '../../src/core/ledger/queries.ts';
import type { SignerRow } from '../../src/app/signer-rows.ts';

const T = '2026-11-22T11:00:00Z';
const hop = (id: string, author: string, reason: Hop['reason'], parent?: string): Hop => ({
  ...{ id, author, name: author, reason, time: T, children: [] },
  ...(parent === undefined ? {} : { parent }),
});
const signer = (did: string, isAuthor: boolean, claimedRole: string): SignerRow => ({
  ...{ did, isAuthor, claimedRole, name: did, signature: 'valid', roles: [] },
  ...{ standing: 'registered', counted: true },
});

function input(hops: Hop[], extra: Partial<LineageInput> = {}): LineageInput {
  const provenance: Provenance = { patch: 'p', hops, roots: [], flags: [], missingParents: [] };
  return {
    provenance,
    signers: [signer('ada', true, 'author'), signer('rita', false, 'reviewer')],
    deviceDid: 'me',
    facts: (did) => ({ name: did, malicious: false, scorePpb: did === 'eve' ? 0 : 250_000_000 }),
    penalties: [],
    systems: 4,
    ...extra,
  };
}

describe('buildLineage', () => {
  it('merges a system’s hops in one stage and links hops by parent, else from the author', () => {
    const graph = buildLineage(
      input([
        hop('t', 'sam', 'tested'),
        hop('a', 'sam', 'analyzed'),
        hop('f', 'sam', 'forwarded', 't'),
        hop('x', 'me', 'applied', 'f'),
      ]),
    );
    expect(graph.nodes.map((n) => n.id)).toEqual([
      'author ada',
      'checked rita',
      'checked sam',
      'forwarded sam',
      'applied me',
    ]);
    expect(graph.nodes.find((n) => n.id === 'checked sam')?.acts.map((a) => a.reason)).toEqual([
      'tested',
      'analyzed',
    ]);
    expect(graph.edges.map((e) => `${e.from} > ${e.to}`).sort()).toEqual([
      'author ada > checked rita',
      'author ada > checked sam',
      'checked sam > forwarded sam',
      'forwarded sam > applied me',
    ]);
  });

  it('highlights the bundle’s signers and this device’s hops with their ancestors, nothing else', () => {
    const graph = buildLineage(
      input([
        hop('b', 'ada', 'built'),
        hop('f', 'sam', 'forwarded'),
        hop('x', 'me', 'applied', 'f'),
      ]),
    );
    const off = graph.nodes.filter((n) => !n.onPath).map((n) => n.id);
    expect(off).toEqual(['built ada']);
    expect(
      graph.edges
        .filter((e) => e.onPath)
        .map((e) => e.to)
        .sort(),
    ).toEqual(['applied me', 'checked rita', 'forwarded sam']);
  });

  it('marks equivocators malicious and systems with penalties or flags flagged', () => {
    const graph = buildLineage({
      ...input([hop('r', 'eve', 'reviewed'), hop('k', 'kim', 'reviewed')]),
      penalties: [
        { did: 'eve', kind: 'equivocation', entries: ['e1', 'e2'] },
        { did: 'kim', kind: 'kept', patch: 'p', entries: ['k'] },
      ],
    });
    const eve = graph.nodes.find((n) => n.did === 'eve');
    const kim = graph.nodes.find((n) => n.did === 'kim');
    expect([eve?.malicious, eve?.band, kim?.malicious]).toEqual([true, 'none', false]);
    expect(kim?.flags).toEqual(['kept vouching for a patch after it was flagged']);
  });

  it('bands a score against an even share of the trust', () => {
    expect([1e9 / 4, 1e9 / 16, 1e9 / 17, 1, 0, undefined].map((s) => bandOf(s, 4))).toEqual([
      'high',
      'medium',
      'low',
      'low',
      'none',
      'unknown',
    ]);
  });
});
