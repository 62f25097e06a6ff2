/**
 * The team's identities: name, did:key, roles with stake, standing; proven liars first, then pending registrations
 * and, for admins, the actions (endorse, revoke).
 */
import { createMemo, createSignal, For, Show } from 'solid-js';
import type { OpenTeam } from '../../../app/ledger-session.ts';
import type { MemberRow } from '../../../app/ledger-rows.ts';
import { Did } from '../../components/CopyButton.tsx';
import { EndorseDialog, RevokeDialog } from './MemberActions.tsx';

function Member(props: {
  team: OpenTeam;
  member: MemberRow;
  me: string;
  myName: string;
  admin: boolean;
}) {
  const [endorsing, setEndorsing] = createSignal(false);
  const [revoking, setRevoking] = createSignal(false);
  const m = () => props.member;
  const canAct = () => props.admin && m().did !== props.me && m().standing !== 'revoked';
  return (
    <li class="member" data-testid="member" data-did={m().did} data-standing={m().standing}>
      <div class="member-who">
        {/* A founder that never registered a name (teams founded before founders did) is
            "Founder" on the ledger: on its own device, say the device's name. */}
        <strong class="member-name clamp-2">
          {m().founder && m().did === props.me && props.myName !== '' ? props.myName : m().name}
        </strong>
        <Show when={m().founder}>
          <span class="chip">founder</span>
        </Show>
        <Show when={m().did === props.me}>
          <span class="chip">this device</span>
        </Show>
        <Show when={m().admin}>
          <span class="chip">admin</span>
        </Show>
        <Did did={m().did} owner={m().name} />
      </div>
      <div class="member-roles" data-testid="member-roles">
        <For each={m().roles} fallback={<span class="muted">no role</span>}>
          {(held) => (
            <span class="chip">
              {held.role} · stake {held.stake}
            </span>
          )}
        </For>
      </div>
      <div class={`member-standing standing-${m().standing}`} data-testid="member-standing">
        {m().standingText}
      </div>
      <Show when={canAct()}>
        <div class="member-actions">
          <button type="button" class="button button-small" onClick={() => setEndorsing(true)}>
            Endorse…
          </button>
          <button
            type="button"
            class="button button-small button-danger"
            onClick={() => setRevoking(true)}
          >
            Revoke…
          </button>
        </div>
        <EndorseDialog
          team={props.team}
          member={m()}
          open={endorsing()}
          onOpenChange={setEndorsing}
        />
        <RevokeDialog team={props.team} member={m()} open={revoking()} onOpenChange={setRevoking} />
      </Show>
    </li>
  );
}

export function MemberList(props: { team: OpenTeam; me: string; myName: string }) {
  const byDid = createMemo(() => new Map(props.team.members().map((m) => [m.did, m])));
  const admin = () => props.team.members().some((m) => m.did === props.me && m.admin);
  const pending = () => props.team.members().filter((m) => m.standing === 'pending').length;
  return (
    <section class="panel stack" aria-labelledby="members-title">
      <h2 id="members-title">
        Members <span class="muted">({props.team.members().length})</span>
      </h2>
      <Show when={admin() && pending() > 0}>
        <p class="notice notice-review" data-testid="pending-notice">
          {pending() === 1
            ? '1 device asks to join: check who it is, then endorse it with a role.'
            : `${pending()} devices ask to join: check who each one is, then endorse it with a role.`}
        </p>
      </Show>
      <ul class="members">
        {/* Keyed by did, not by row object: rows are rebuilt whenever the ledger changes, and
            a member rebuilt under an open dialog would close it. */}
        <For each={props.team.members().map((m) => m.did)}>
          {(did) => (
            <Show when={byDid().get(did)}>
              {(member) => (
                <Member
                  team={props.team}
                  member={member()}
                  me={props.me}
                  myName={props.myName}
                  admin={admin()}
                />
              )}
            </Show>
          )}
        </For>
      </ul>
    </section>
  );
}
