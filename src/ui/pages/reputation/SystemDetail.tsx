/**
 * One system on the Reputation screen: why it has its score (the engine's explanation, plain
 * words first), its score over the ledger's history, and the posture reports about it.
 */
import { createEffect, createResource, createSignal, For, on, onCleanup, Show } from 'solid-js';
import { useServices } from '../../../app/context.ts';
import type { SystemRow } from '../../../app/reputation-service.ts';
import type { OpenTeam } from '../../../app/ledger-session.ts';
import { Did } from '../../components/CopyButton.tsx';
import { counted, inlineName, ledgerTime, percentOf } from '../../components/format.ts';
import { ScoreReasons } from '../../components/ScoreReasons.tsx';
import { ScoreChart } from './ScoreChart.tsx';

function Why(props: { row: SystemRow; systems: number; nameOf: (did: string) => string }) {
  return (
    <Show
      when={props.row.explanation}
      fallback={<p>The reputation engine does not count this key as a system of the team.</p>}
    >
      {(e) => (
        <>
          <p data-testid="rep-why">
            {percentOf(e().ppb)} of the team’s trust, rank {e().rank} of {props.systems}.
          </p>
          <ScoreReasons why={e()} nameOf={props.nameOf} />
        </>
      )}
    </Show>
  );
}

function Postures(props: { row: SystemRow }) {
  return (
    <Show
      when={props.row.postures.length > 0}
      fallback={<p class="muted small">No posture reports about this system on the ledger.</p>}
    >
      <ul class="plain-list small" data-testid="rep-postures">
        <For each={props.row.postures}>
          {(p) => (
            <li>
              <time datetime={p.time}>{ledgerTime(p.time)}</time>, by {p.assessorName}:{' '}
              {p.checks.map(([check, outcome]) => `${check} ${outcome}`).join(', ')}
            </li>
          )}
        </For>
      </ul>
    </Show>
  );
}

/** In the chart's place while the history is computed: how many of its points are done. */
function HistoryProgress(props: {
  name: string;
  progress: { done: number; total: number } | undefined;
}) {
  return (
    <p role="status" data-testid="rep-history-progress">
      Working out {inlineName(props.name)}’s score over the ledger…
      <Show when={props.progress}>
        {(p) => ` ${p().done} of ${counted(p().total, 'point', 'points')}`}
      </Show>
    </p>
  );
}

export function SystemDetail(props: {
  team: OpenTeam;
  row: SystemRow;
  systems: number;
  nameOf: (did: string) => string;
}) {
  const { reputation } = useServices();
  const [progress, setProgress] = createSignal<{ did: string; done: number; total: number }>();
  // A later choice cancels this one in the service, and the resource keeps only the latest.
  // Leaving the screen (or the system) cancels it too: nobody would see its chart.
  let leave: AbortController | undefined;
  onCleanup(() => leave?.abort());
  const [history] = createResource(
    () => ({ ledger: props.team.ledger, revision: props.team.revision(), did: props.row.did }),
    ({ ledger, revision, did }) => {
      const before = leave;
      leave = new AbortController();
      const onProgress = (done: number, total: number) => setProgress({ did, done, total });
      const points = reputation.history(ledger, revision, did, onProgress, leave.signal);
      before?.abort(); // after asking: the same history asked again is not cancelled
      return points;
    },
  );
  const progressOf = () => {
    const now = progress();
    return now?.did === props.row.did ? now : undefined;
  };
  let box: HTMLDivElement | undefined;
  // On a phone the detail sits under the list: bring it into view when a system is chosen.
  createEffect(
    on(
      () => props.row.did,
      () => box?.scrollIntoView({ block: 'nearest' }),
    ),
  );
  return (
    <div ref={box} class="rep-detail" data-testid="rep-detail" aria-live="polite">
      <h2 class="clamp-3">{props.row.name}</h2>
      <Did did={props.row.did} owner={props.row.name} />
      <h3>Why this score</h3>
      <Why row={props.row} systems={props.systems} nameOf={props.nameOf} />
      <h3>Score over the ledger’s history</h3>
      {/* Read without suspending (the shell's <Suspense> would swap the whole page). */}
      <Show
        when={history.state === 'errored' ? undefined : true}
        fallback={
          <p class="notice notice-denied" role="alert">
            Could not work out the past scores: {String((history.error as Error)?.message)}
          </p>
        }
      >
        <Show
          when={history.state === 'ready' ? history() : undefined}
          fallback={<HistoryProgress name={props.row.name} progress={progressOf()} />}
        >
          {(points) => <ScoreChart points={points()} name={props.row.name} />}
        </Show>
      </Show>
      <h3>Posture reports</h3>
      <Postures row={props.row} />
    </div>
  );
}
