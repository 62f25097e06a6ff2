/**
 * What a team screen shows before its team ledger is open: how far opening has got, that the
 * first sync is awaited, or that there is no team yet; then the screen itself.
 */
import { A } from '@solidjs/router';
import { Match, Switch, type JSX } from 'solid-js';
import type { OpenTeam } from '../../app/ledger-session.ts';
import { inPhase, type TeamService } from '../../app/team.ts';
import { LoadingProgress } from './LoadingProgress.tsx';

export function TeamGate(props: {
  teams: Pick<TeamService, 'phase'>;
  /** Shown under the waiting notice (a way to bring the ledger in by file). */
  waiting?: JSX.Element;
  children: (team: () => OpenTeam) => JSX.Element;
}) {
  const phase = () => props.teams.phase();
  return (
    <Switch
      fallback={
        <p class="notice">
          No team ledger on this device yet. <A href="/team">Found or join a team</A>.
        </p>
      }
    >
      <Match when={inPhase(phase(), 'loading')}>
        {(p) => <LoadingProgress done={p().done} total={p().total} />}
      </Match>
      <Match when={phase().kind === 'waiting'}>
        <p class="notice notice-review">
          Waiting for the first sync: this team’s ledger has not arrived yet.{' '}
          <A href="/team">Details</A>
        </p>
        {props.waiting}
      </Match>
      <Match when={inPhase(phase(), 'open')?.team}>{(team) => props.children(team)}</Match>
    </Switch>
  );
}
