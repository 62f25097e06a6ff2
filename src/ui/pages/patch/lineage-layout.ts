/**
 * Where each lineage node and edge goes in the SVG: one column per stage that has a node
 * (author, built, checked, forwarded, applied, left to right), nodes stacked in each column in
 * the graph's order; an edge is a curve from the right side of one node to the left side of
 * the next, or, inside one column, a bow on the right from one node to the one below. Pure.
 */
import type { LineageGraph, LineageNode, Stage } from '../../../app/lineage.ts';
import { STAGE_TITLES } from '../../../app/lineage-graph.ts';

export const NODE_W = 152;
export const NODE_H = 64;
const GAP_X = 40;
const GAP_Y = 16;
/** Above the nodes: one line of column title, and TITLE_LINE more for each further line. */
const HEAD = 32;
const PAD = 8;
/** The baseline of a title's first line, and the distance between its lines (12px type). */
export const TITLE_TOP = 18;
export const TITLE_LINE = 14;
/**
 * About how many characters of the 12px bold title fit above a node (152px, about 7px a
 * character): a longer title wraps at spaces, so it never runs into the next column or out of
 * the picture.
 */
const TITLE_CHARS = 21;

/** `title` in lines of at most `width` characters, cut at spaces (a longer word stands alone). */
export function wrapTitle(title: string, width = TITLE_CHARS): string[] {
  const lines: string[] = [];
  for (const word of title.split(' ').filter((w) => w !== '')) {
    const last = lines.length - 1;
    const joined = last < 0 ? word : `${lines[last]} ${word}`;
    if (last >= 0 && joined.length <= width) lines[last] = joined;
    else lines.push(word);
  }
  return lines;
}

export interface PlacedNode {
  node: LineageNode;
  x: number;
  y: number;
}

export interface PlacedColumn {
  stage: Stage;
  x: number;
  /** The stage's title, wrapped to the column's width. */
  title: string[];
}

export interface PlacedEdge {
  from: string;
  to: string;
  onPath: boolean;
  d: string;
}

export interface LineageLayout {
  width: number;
  height: number;
  columns: PlacedColumn[];
  nodes: PlacedNode[];
  edges: PlacedEdge[];
}

function curve(a: PlacedNode, b: PlacedNode): string {
  if (a.x === b.x) {
    const x = a.x + NODE_W;
    const [y1, y2] = [a.y + NODE_H / 2, b.y + NODE_H / 2];
    const bow = x + GAP_X / 2;
    return `M${x},${y1} C${bow},${y1} ${bow},${y2} ${x},${y2}`;
  }
  const [x1, y1] = [a.x + NODE_W, a.y + NODE_H / 2];
  const [x2, y2] = [b.x, b.y + NODE_H / 2];
  const mid = (x1 + x2) / 2;
  return `M${x1},${y1} C${mid},${y1} ${mid},${y2} ${x2},${y2}`;
}

export function layoutLineage(graph: LineageGraph): LineageLayout {
  const stages = [...new Set(graph.nodes.map((n) => n.stage))];
  const columns = stages.map((stage, i) => ({
    stage,
    x: PAD + i * (NODE_W + GAP_X),
    title: wrapTitle(STAGE_TITLES[stage]),
  }));
  const head = HEAD + TITLE_LINE * (Math.max(1, ...columns.map((c) => c.title.length)) - 1);
  const rows = new Map<Stage, number>();
  const placed = new Map<string, PlacedNode>();
  for (const node of graph.nodes) {
    const row = rows.get(node.stage) ?? 0;
    rows.set(node.stage, row + 1);
    const x = columns[stages.indexOf(node.stage)]?.x ?? PAD;
    placed.set(node.id, { node, x, y: head + row * (NODE_H + GAP_Y) });
  }
  const edges: PlacedEdge[] = [];
  for (const edge of graph.edges) {
    const [a, b] = [placed.get(edge.from), placed.get(edge.to)];
    if (a !== undefined && b !== undefined) edges.push({ ...edge, d: curve(a, b) });
  }
  // Highlighted edges last, so the path is drawn over the others.
  edges.sort((a, b) => Number(a.onPath) - Number(b.onPath));
  const tallest = Math.max(1, ...rows.values());
  return {
    width: PAD * 2 + stages.length * NODE_W + (stages.length - 1) * GAP_X + GAP_X / 2,
    height: head + tallest * (NODE_H + GAP_Y) + PAD,
    columns,
    nodes: [...placed.values()],
    edges,
  };
}
