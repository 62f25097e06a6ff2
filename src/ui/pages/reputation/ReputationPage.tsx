/**
 * Reputation: every system of the team with its roles, stake, standing and score (a share of
 * the team's trust), highest first; choosing one shows why it has its score, its score over
 * the ledger's history and the posture reports about it. Names before did:keys.
 */
import { A } from '@solidjs/router';
import { createResource, createSignal, For, Match, Show, Switch } from 'solid-js';
import { useServices } from '../../../app/context.ts';
import type { SystemRow } from '../../../app/reputation-service.ts';
import type { OpenTeam } from '../../../app/ledger-session.ts';
import { Did } from '../../components/CopyButton.tsx';
import { TeamGate } from '../../components/TeamGate.tsx';
import { percentOf } from '../../components/format.ts';
import { SystemDetail } from './SystemDetail.tsx';
import './reputation.css';

function rolesOf(row: SystemRow): string {
  const roles = row.roles.map((r) => `${r.role} (stake ${r.stake})`);
  if (row.admin) roles.unshift('admin');
  return roles.length === 0 ? 'no role' : roles.join(', ');
}

function SystemList(props: {
  rows: SystemRow[];
  chosen: string | undefined;
  onChoose: (did: string) => void;
}) {
  return (
    <ul class="rep-list" data-testid="rep-list">
      <For each={props.rows}>
        {(row) => (
          <li>
            <button
              type="button"
              class="rep-row"
              data-testid="rep-system"
              data-did={row.did}
              aria-pressed={props.chosen === row.did}
              onClick={() => props.onChoose(row.did)}
            >
              <span class="rep-name clamp-2">{row.name}</span>
              <span class="rep-score" data-testid="rep-score">
                {row.scorePpb === undefined ? '—' : percentOf(row.scorePpb)}
              </span>
              <span class="muted small">{rolesOf(row)}</span>
              <span class="muted small">{row.standingText}</span>
            </button>
            <Did did={row.did} owner={row.name} />
          </li>
        )}
      </For>
    </ul>
  );
}

function Systems(props: { team: OpenTeam }) {
  const { reputation } = useServices();
  const [rows] = createResource(
    () => ({ ledger: props.team.ledger, revision: props.team.revision() }),
    ({ ledger, revision }) => reputation.systems(ledger, revision),
  );
  // Read without suspending: a resource read under the shell's <Suspense> swapped the whole
  // page for "Loading…" while the scores were recomputed, and focus fell to <body>. The list
  // computed last stays while the next is computed.
  const list = () =>
    rows.state === 'ready' || rows.state === 'refreshing' ? rows.latest : undefined;
  const [chosen, setChosen] = createSignal<string>();
  const row = () => list()?.find((r) => r.did === chosen());
  return (
    <Switch>
      <Match when={rows.error !== undefined}>
        <p class="notice notice-denied" role="alert">
          Could not compute the scores: {String((rows.error as Error)?.message ?? rows.error)}
        </p>
      </Match>
      <Match when={list() === undefined}>
        <p role="status">Computing the team’s trust scores…</p>
      </Match>
      <Match when={list()?.length === 0}>
        <p class="notice" data-testid="rep-empty">
          No systems yet: register devices and have an admin endorse them with a role on the{' '}
          <A href="/team">Team</A> page; their scores appear here.
        </p>
      </Match>
      <Match when={list()}>
        {(systems) => (
          <div class="rep-layout">
            <SystemList rows={systems()} chosen={chosen()} onChoose={setChosen} />
            <Show
              when={row()}
              fallback={<p class="muted">Choose a system to see why it has its score.</p>}
            >
              {(r) => (
                <SystemDetail
                  team={props.team}
                  row={r()}
                  systems={systems().length}
                  nameOf={(did) => systems().find((x) => x.did === did)?.name ?? ''}
                />
              )}
            </Show>
          </div>
        )}
      </Match>
    </Switch>
  );
}

export default function ReputationPage() {
  const { teams } = useServices();
  return (
    <section class="page reputation" aria-labelledby="reputation-title">
      <h1 id="reputation-title">Reputation</h1>
      <p class="muted">
        Each system’s share of the team’s trust, from the ledger’s endorsements and attestations.
      </p>
      <TeamGate teams={teams}>{(team) => <Systems team={team()} />}</TeamGate>
    </section>
  );
}
