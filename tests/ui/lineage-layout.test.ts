/** The lineage picture's layout (src/ui/pages/patch/lineage-layout.ts). */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { STAGE_TITLES, STAGES } from '../../src/app/lineage-graph.ts';
import { layoutLineage, NODE_W, wrapTitle } from '../../src/ui/pages/patch/lineage-layout.ts';
import type { LineageGraph, LineageNode } from '../../src/app/lineage.ts';

const node = (stage: LineageNode['stage'], did: string): LineageNode => ({
  id: `${stage} ${did}`,
  stage,
  did,
  name: did,
  acts: [],
  band: 'none',
  malicious: false,
  flags: [],
  onPath: false,
  isDevice: false,
});

describe('wrapTitle', () => {
  it('wraps the long stage titles at spaces into lines that fit above a node', () => {
    expect(wrapTitle(STAGE_TITLES.checked)).toEqual(['Reviewed, tested,', 'analyzed']);
    expect(wrapTitle(STAGE_TITLES.applied)).toEqual(['Applied, rolled back,', 'refused']);
    expect(wrapTitle(STAGE_TITLES.author)).toEqual(['Author']);
    // About 7px a character of 12px bold: every line of every title fits in a node's width.
    for (const stage of STAGES)
      for (const line of wrapTitle(STAGE_TITLES[stage]))
        expect(line.length * 7).toBeLessThanOrEqual(NODE_W);
  });

  it('keeps every word, in order, and no line over the width unless one word is', () => {
    fc.assert(
      fc.property(fc.array(fc.stringMatching(/^[a-z,]{1,30}$/), { maxLength: 12 }), (words) => {
        const lines = wrapTitle(words.join(' '), 20);
        expect(lines.join(' ')).toBe(words.join(' '));
        for (const line of lines) expect(line.length <= 20 || !line.includes(' ')).toBe(true);
      }),
    );
  });
});

describe('layoutLineage', () => {
  it('puts the nodes below the tallest column title', () => {
    const graph = (nodes: LineageNode[]): LineageGraph => ({
      patch: 'p',
      nodes,
      edges: [],
      systems: nodes.length,
      names: {},
    });
    const one = graph([node('author', 'a')]);
    const two = graph([node('author', 'a'), node('applied', 'b')]);
    const short = layoutLineage(one);
    const wrapped = layoutLineage(two);
    expect(short.columns[0]?.title).toEqual(['Author']);
    expect(wrapped.columns[1]?.title).toHaveLength(2);
    // One more line of title (14px) above every node, and the picture that much taller.
    expect((wrapped.nodes[0]?.y ?? 0) - (short.nodes[0]?.y ?? 0)).toBe(14);
    expect(wrapped.height - short.height).toBe(14);
  });
});
