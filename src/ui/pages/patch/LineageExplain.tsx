/**
 * Why one system in the lineage has its score, from the reputation engine's explanation: its
 * share of the team's trust and rank, how much came from pre-trust and from whom the rest
 * flowed, what held it back (posture, penalties, hard evidence), and what it did with this
 * patch. Plain words first, the numbers beside them.
 */
import { inlineName, ledgerTime } from '../../components/format.ts';
import { For, Show } from 'solid-js';
import type { LineageGraph, LineageNode } from '../../../app/lineage.ts';
import { STAGE_TITLES } from '../../../app/lineage-graph.ts';
import { Did } from '../../components/CopyButton.tsx';
import { percentOf } from '../../components/format.ts';
import { ScoreReasons } from '../../components/ScoreReasons.tsx';

const BAND_WORDS: Record<LineageNode['band'], string> = {
  high: 'holds at least an even share of the team’s trust',
  medium: 'holds some of the team’s trust, less than an even share',
  low: 'holds little of the team’s trust',
  none: 'holds none of the team’s trust',
  unknown: 'is not a system of this team: the ledger does not know its key',
};

function Score(props: { node: LineageNode; graph: LineageGraph }) {
  const why = () => props.node.explanation;
  return (
    <Show
      when={why()}
      fallback={
        <p>{`${props.node.name ? inlineName(props.node.name) : 'This key'} ${BAND_WORDS[props.node.band]}.`}</p>
      }
    >
      {(e) => (
        <>
          <p data-testid="lineage-score">
            {percentOf(e().ppb)} of the team’s trust, rank {e().rank} of {props.graph.systems}: it{' '}
            {BAND_WORDS[props.node.band]}.
          </p>
          <ScoreReasons why={e()} nameOf={(did) => props.graph.names[did] ?? ''} />
        </>
      )}
    </Show>
  );
}

export function LineageExplain(props: { node: LineageNode; graph: LineageGraph }) {
  const node = () => props.node;
  return (
    <div class="lineage-explain" data-testid="lineage-explain" aria-live="polite">
      <h3 class="clamp-3">
        {node().name || 'Unknown key'}{' '}
        <span class="muted small">· {STAGE_TITLES[node().stage]}</span>
      </h3>
      <Did did={node().did} owner={node().name} />
      <Show when={node().malicious}>
        <p class="notice notice-denied">
          Malicious: this key signed two different stories (equivocation). Nothing it signs counts.
        </p>
      </Show>
      <Show when={node().flags.length > 0}>
        <ul class="plain-list notice notice-review" data-testid="lineage-flags">
          <For each={node().flags}>{(flag) => <li>Flagged: {flag}</li>}</For>
        </ul>
      </Show>
      <Score node={node()} graph={props.graph} />
      <h4>What it did with this patch</h4>
      <ul class="plain-list small" data-testid="lineage-acts">
        <For each={node().acts}>
          {(act) => (
            <li>
              <strong>{act.reason}</strong>
              {act.verdict === undefined ? '' : ` (${act.verdict})`}
              {act.target === undefined ? '' : ` on ${act.target.split(':').slice(-2).join(' ')}`}
              {act.time === undefined ? '' : `, ${ledgerTime(act.time)}`} —{' '}
              {act.source === 'bundle' ? 'a signature in the bundle' : 'on the ledger'}
            </li>
          )}
        </For>
      </ul>
    </div>
  );
}
