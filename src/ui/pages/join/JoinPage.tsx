/**
 * Where an invitation link lands (`#/join?ledger=…&secret=…`). The link is untrusted input:
 * it is read strictly, and what it says about the team is shown as the invitation's words. An
 * invitation carries no trust: joining signs this device's own `register` entry, and an admin
 * must endorse it.
 */
import { useLocation, useNavigate } from '@solidjs/router';
import { createSignal, For, Match, Show, Switch } from 'solid-js';
import { useServices } from '../../../app/context.ts';
import { readInvitation, type Invitation } from '../../../core/ledger/invitation.ts';
import type { Membership } from '../../../app/team.ts';
import { DeviceNameForm } from '../../components/DeviceNameForm.tsx';
import { inlineName } from '../../components/format.ts';

function JoinForm(props: { invitation: Invitation }) {
  const { device, teams } = useServices();
  const navigate = useNavigate();
  const [problem, setProblem] = createSignal<string>();
  const named = () => (device.key()?.name ?? '') !== '';
  const join = async () => {
    const done = await teams.join(props.invitation);
    if (done.ok) navigate('/team');
    else setProblem(done.message);
  };
  return (
    <section class="panel stack" data-testid="invitation">
      <h2>Join {props.invitation.name === '' ? 'a team' : `“${props.invitation.name}”`}</h2>
      <p>
        This invitation lets this device find the team’s room. It carries no trust: this device will
        ask to be registered, and one of the team’s admins must endorse it before its work counts.
      </p>
      <p class="muted small">
        The team’s name above is what the invitation says; the team’s own ledger confirms it once it
        arrives.
      </p>
      {/* A link may name any server: joining connects to it, so the user sees which first. */}
      <Show when={props.invitation.signaling.length > 0}>
        <div class="stack-tight" data-testid="invitation-signaling">
          <p>
            Joining connects this device to the signaling server
            {props.invitation.signaling.length === 1 ? '' : 's'} the invitation names, which will
            learn when it is online and its network addresses:
          </p>
          <ul class="plain-list">
            <For each={props.invitation.signaling}>
              {(url) => (
                <li>
                  <code>{url}</code>
                </li>
              )}
            </For>
          </ul>
          <p class="muted small">Join only if you expect these from whoever sent you the link.</p>
        </div>
      </Show>
      <Show when={device.key()}>
        {(key) => (
          <DeviceNameForm
            name={key().name}
            label="Your device’s name (teammates see it)"
            onSave={(name) => device.rename(name)}
          />
        )}
      </Show>
      <Show when={problem()}>{(why) => <p class="notice notice-denied">{why()}</p>}</Show>
      <div>
        <button type="button" class="button" disabled={!named()} onClick={() => void join()}>
          Join this team
        </button>
        <Show when={!named()}>
          <p class="muted small">Name this device first.</p>
        </Show>
      </div>
    </section>
  );
}

/** A member opening its team's invitation again: nothing to join, the team to open instead. */
function AlreadyIn(props: { membership: Membership }) {
  const { teams } = useServices();
  const navigate = useNavigate();
  const open = async () => {
    await teams.choose(props.membership.ledgerId);
    navigate('/team');
  };
  const name = () =>
    props.membership.name === '' ? 'this team' : `“${inlineName(props.membership.name)}”`;
  return (
    <section class="panel stack" data-testid="invitation-member">
      <h2>This device is already in {name()}</h2>
      <p>
        The invitation is for a team this device joined or founded: there is nothing to join again.
      </p>
      <div>
        <button type="button" class="button" onClick={() => void open()}>
          Open {name()}
        </button>
      </div>
    </section>
  );
}

export default function JoinPage() {
  const location = useLocation();
  const { teams } = useServices();
  const held = (ledgerId: string) => teams.memberships().find((m) => m.ledgerId === ledgerId);
  const read = () => readInvitation(location.search);
  return (
    <section class="page" aria-labelledby="join-title">
      <h1 id="join-title" class="page-title">
        Invitation
      </h1>
      <Switch>
        <Match
          when={(() => {
            const r = read();
            return r.ok ? r.invitation : undefined;
          })()}
        >
          {(invitation) => (
            <Show
              when={held(invitation().ledgerId)}
              fallback={<JoinForm invitation={invitation()} />}
            >
              {(membership) => <AlreadyIn membership={membership()} />}
            </Show>
          )}
        </Match>
        <Match
          when={(() => {
            const r = read();
            return r.ok ? undefined : r;
          })()}
        >
          {(refused) => (
            <p class="notice notice-denied" data-testid="invitation-refused">
              This link is not a usable invitation: {refused().message}.{' '}
              <code>{refused().code}</code>
            </p>
          )}
        </Match>
      </Switch>
    </section>
  );
}
