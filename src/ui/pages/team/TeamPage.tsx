/**
 * Team: onboarding when this device has no team; otherwise the team's members (roles, stake,
 * standing, endorse and revoke for admins, pending registrations), this device's own standing
 * and the invitation.
 */
import { createMemo, For, Match, Show, Switch } from 'solid-js';
import { useServices } from '../../../app/context.ts';
import { inPhase } from '../../../app/team.ts';
import { LoadingProgress } from '../../components/LoadingProgress.tsx';
import { inlineName } from '../../components/format.ts';
import type { OpenTeam } from '../../../app/ledger-session.ts';
import { LedgerFileImport } from '../../components/LedgerFileImport.tsx';
import { InvitePanel } from './InvitePanel.tsx';
import { MemberList } from './MemberList.tsx';
import { Onboarding } from './Onboarding.tsx';
import { WaitingCard } from './WaitingCard.tsx';
import './team.css';

function MyStanding(props: { team: OpenTeam; me: string }) {
  const mine = createMemo(() => props.team.members().find((m) => m.did === props.me));
  const text = () => {
    const m = mine();
    if (m === undefined) return 'This device is not registered in this team.';
    if (m.standing === 'pending')
      return 'Registered. Waiting for an admin to endorse this device: until then nothing it signs counts for the team.';
    if (m.standing !== 'active') return `This device is ${m.standingText} in this team.`;
    const roles = m.roles.map((r) => `${r.role} (stake ${r.stake})`).join(', ');
    if (m.admin)
      return `This device is an admin of this team${roles === '' ? '' : `, and ${roles}`}.`;
    return `This device is endorsed as ${roles}.`;
  };
  return (
    <p
      class={`notice ${mine()?.standing === 'pending' ? 'notice-review' : ''}`}
      data-testid="my-standing"
      data-standing={mine()?.standing ?? 'unregistered'}
    >
      {text()}
    </p>
  );
}

function TeamSwitcher() {
  const { teams } = useServices();
  const current = () => {
    const phase = teams.phase();
    return phase.kind === 'none' || phase.kind === 'starting' ? '' : phase.membership.ledgerId;
  };
  return (
    <Show when={teams.memberships().length > 1}>
      <div class="form-row">
        <label for="team-switch">Team</label>
        <select
          id="team-switch"
          value={current()}
          onChange={(event) => void teams.choose(event.currentTarget.value)}
        >
          <For each={teams.memberships()}>
            {(m) => (
              <option value={m.ledgerId}>
                {m.name === '' ? 'Unnamed team' : inlineName(m.name)}
              </option>
            )}
          </For>
        </select>
      </div>
    </Show>
  );
}

export default function TeamPage() {
  const { teams, device } = useServices();
  const me = () => device.key()?.did ?? '';
  const phase = teams.phase;
  return (
    <section class="page" aria-labelledby="team-title">
      <h1 id="team-title" class="page-title">
        Team
      </h1>
      <TeamSwitcher />
      <Switch>
        <Match when={phase().kind === 'starting'}>
          <p class="muted">Reading this device’s teams…</p>
        </Match>
        <Match when={phase().kind === 'none'}>
          <Onboarding />
        </Match>
        <Match when={inPhase(phase(), 'loading')}>
          {(p) => <LoadingProgress done={p().done} total={p().total} />}
        </Match>
        <Match when={inPhase(phase(), 'waiting')}>
          {(p) => <WaitingCard membership={p().membership} />}
        </Match>
        <Match when={inPhase(phase(), 'failed')}>
          {(p) => (
            <p class="notice notice-denied">Could not open this team’s ledger: {p().message}</p>
          )}
        </Match>
        <Match when={inPhase(phase(), 'open')?.team}>
          {(team) => (
            <>
              <h2 class="team-name clamp-3" data-testid="team-title">
                {team().name}
              </h2>
              <MyStanding team={team()} me={me()} />
              <LedgerFileImport label="Import a teammate’s ledger file…" />
              <MemberList team={team()} me={me()} myName={device.key()?.name ?? ''} />
              <InvitePanel />
            </>
          )}
        </Match>
      </Switch>
    </section>
  );
}
