/**
 * The lineage graph: author → builders → reviewers → forwarders → appliers, one node per system
 * and stage, filled by reputation (darker is more of the team's trust; the score is written
 * too), malicious and flagged systems marked, the path this device received the patch through
 * drawn bold. Every node is a button (Tab, Enter or Space, click or tap) that explains its score
 * below the picture.
 */
import { createMemo, createSignal, For, Match, onCleanup, Show, Switch } from 'solid-js';
import { useServices } from '../../../app/context.ts';
import type { LineageGraph as Graph, LineageNode } from '../../../app/lineage.ts';
import { STAGE_TITLES } from '../../../app/lineage-graph.ts';
import {
  layoutLineage,
  NODE_H,
  NODE_W,
  TITLE_LINE,
  TITLE_TOP,
  type PlacedNode,
} from './lineage-layout.ts';
import { percentOf } from '../../components/format.ts';
import { LineageExplain } from './LineageExplain.tsx';
import { inlineName } from '../../components/format.ts';
import './lineage.css';

const nameOf = (node: LineageNode) =>
  node.name !== '' ? node.name : node.scorePpb === undefined ? 'Unknown key' : 'Unnamed system';

const clip = (text: string, max: number) =>
  text.length > max ? `${text.slice(0, max - 1)}…` : text;

/** The node's marks: malicious outranks flagged (the picture has room for one), then this device. */
function marks(node: LineageNode): string {
  const worst = node.malicious ? '⚠ malicious' : node.flags.length > 0 ? '⚑ flagged' : '';
  return [worst, node.isDevice ? 'this device' : ''].filter((w) => w !== '').join(' · ');
}

function label(node: LineageNode): string {
  const score =
    node.scorePpb === undefined ? 'not a system of this team' : `trust ${percentOf(node.scorePpb)}`;
  const path = node.onPath ? ', on the path this patch came to this device' : '';
  const mark = [node.malicious ? 'malicious' : '', node.flags.length > 0 ? 'flagged' : '']
    .concat(node.isDevice ? ['this device'] : [])
    .filter((w) => w !== '')
    .join(', ');
  return `${inlineName(nameOf(node))}, ${STAGE_TITLES[node.stage].toLowerCase()}, ${score}${mark === '' ? '' : `, ${mark}`}${path}. Explain the score.`;
}

function NodeBox(props: { placed: PlacedNode; selected: boolean; onSelect: () => void }) {
  const node = () => props.placed.node;
  const classes = () =>
    [
      'lineage-node',
      `band-${node().band}`,
      node().onPath ? 'on-path' : '',
      node().malicious ? 'is-malicious' : '',
      node().flags.length > 0 ? 'is-flagged' : '',
    ].join(' ');
  return (
    <g
      class={classes()}
      role="button"
      tabindex="0"
      aria-pressed={props.selected}
      aria-label={label(node())}
      data-testid="lineage-node"
      data-did={node().did}
      data-stage={node().stage}
      data-band={node().band}
      data-on-path={node().onPath ? 'yes' : 'no'}
      data-malicious={node().malicious ? 'yes' : 'no'}
      data-flagged={node().flags.length > 0 ? 'yes' : 'no'}
      transform={`translate(${props.placed.x},${props.placed.y})`}
      onClick={() => props.onSelect()}
      onKeyDown={(event) => {
        if (event.key !== 'Enter' && event.key !== ' ') return;
        event.preventDefault();
        props.onSelect();
      }}
    >
      {/* Focus is drawn outside the box (a light halo, then a dark ring): seen on every fill. */}
      <rect class="lineage-halo" x="-3" y="-3" width={NODE_W + 6} height={NODE_H + 6} rx="10" />
      <rect
        class="lineage-ring"
        x="-6.5"
        y="-6.5"
        width={NODE_W + 13}
        height={NODE_H + 13}
        rx="12"
      />
      <rect class="lineage-box" width={NODE_W} height={NODE_H} rx="8" />
      <text x="10" y="20" class="lineage-name">
        {clip(nameOf(node()), 17)}
      </text>
      <text x="10" y="38" class="lineage-score">
        {node().scorePpb === undefined ? 'not on the ledger' : percentOf(node().scorePpb ?? 0)}
      </text>
      <text x="10" y="55" class="lineage-marks">
        {clip(marks(node()), 22)}
      </text>
    </g>
  );
}

function Picture(props: { graph: Graph }) {
  const layout = createMemo(() => layoutLineage(props.graph));
  const [chosen, setChosen] = createSignal<string>();
  const selected = () => props.graph.nodes.find((n) => n.id === chosen());
  // On a phone the later stages (who applied it) lie past the edge: say so, as the cut-off box
  // alone does not.
  const [overflowing, setOverflowing] = createSignal(false);
  const watch = (scroller: HTMLDivElement) => {
    const measure = () => setOverflowing(scroller.scrollWidth > scroller.clientWidth + 1);
    const observer = new ResizeObserver(measure);
    observer.observe(scroller);
    // The picture grows with the chain while the box around it keeps its width.
    queueMicrotask(() => {
      const picture = scroller.firstElementChild;
      if (picture !== null) observer.observe(picture);
    });
    onCleanup(() => observer.disconnect());
  };
  return (
    <>
      <Show when={overflowing()}>
        <p class="muted small" data-testid="lineage-wider">
          The picture is wider than the screen: scroll it sideways to see every stage, through who
          applied it.
        </p>
      </Show>
      <div class="lineage-scroll" ref={watch}>
        <svg
          class="lineage-svg"
          width={layout().width}
          height={layout().height}
          viewBox={`0 0 ${layout().width} ${layout().height}`}
          aria-labelledby="lineage-title"
          data-testid="lineage-svg"
        >
          <For each={layout().columns}>
            {(column) => (
              <text x={column.x} y={TITLE_TOP} class="lineage-stage">
                <For each={column.title}>
                  {(line, i) => (
                    <tspan x={column.x} dy={i() === 0 ? 0 : TITLE_LINE}>
                      {line}
                    </tspan>
                  )}
                </For>
              </text>
            )}
          </For>
          <For each={layout().edges}>
            {(edge) => (
              <path
                d={edge.d}
                class={edge.onPath ? 'lineage-edge on-path' : 'lineage-edge'}
                data-testid="lineage-edge"
                data-on-path={edge.onPath ? 'yes' : 'no'}
                aria-hidden="true"
              />
            )}
          </For>
          <For each={layout().nodes}>
            {(placed) => (
              <NodeBox
                placed={placed}
                selected={chosen() === placed.node.id}
                onSelect={() => setChosen(placed.node.id)}
              />
            )}
          </For>
        </svg>
      </div>
      <Legend />
      <Show
        when={selected()}
        fallback={
          <p class="muted small">Choose a system in the picture to see why it has its score.</p>
        }
      >
        {(node) => <LineageExplain node={node()} graph={props.graph} />}
      </Show>
    </>
  );
}

function Legend() {
  return (
    <ul class="lineage-legend small" aria-label="How to read the picture">
      <li>
        <span class="swatch band-high" /> most trusted
      </li>
      <li>
        <span class="swatch band-medium" /> some trust
      </li>
      <li>
        <span class="swatch band-low" /> little or none
      </li>
      <li>
        <span class="swatch band-unknown" /> not on the ledger
      </li>
      <li>
        <span class="swatch swatch-path" /> how it came to this device
      </li>
    </ul>
  );
}

export function LineageGraph(props: { patchKey: string }) {
  const { lineage } = useServices();
  const state = lineage.createLineage(() => props.patchKey);
  return (
    <section class="panel lineage" aria-labelledby="lineage-title" data-testid="lineage">
      <h2 id="lineage-title">Lineage</h2>
      <Switch>
        <Match when={state().kind === 'loading'}>
          <p role="status" class="muted">
            Reading the ledger and the team’s trust scores… <progress class="progress" />
          </p>
        </Match>
        <Match when={state().kind === 'no-team'}>
          <p class="muted">
            Open or join a team to see who built, checked, forwarded and applied this patch.
          </p>
        </Match>
        <Match when={state().kind === 'failed' && state()}>
          {(failed) => (
            <p class="notice notice-denied" role="alert">
              Could not draw the lineage: {(failed() as { message: string }).message}
            </p>
          )}
        </Match>
        <Match when={state().kind === 'ready' && state()}>
          {(ready) => <Picture graph={(ready() as { graph: Graph }).graph} />}
        </Match>
      </Switch>
    </section>
  );
}
