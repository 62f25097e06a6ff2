/** No team yet: name this device, then found a team or join one by its invitation link. */
import { useNavigate } from '@solidjs/router';
import { createSignal, Show } from 'solid-js';
import { useServices } from '../../../app/context.ts';
import { invitationQuery, readInvitationLink } from '../../../core/ledger/invitation.ts';
import { DeviceNameForm } from '../../components/DeviceNameForm.tsx';

function FoundForm(props: { named: boolean }) {
  const { teams } = useServices();
  const [name, setName] = createSignal('');
  const [problem, setProblem] = createSignal<string>();
  const [busy, setBusy] = createSignal(false);
  const found = async (event: SubmitEvent) => {
    event.preventDefault();
    setBusy(true);
    const done = await teams.found(name().trim());
    setBusy(false);
    if (!done.ok) setProblem(done.message);
  };
  return (
    <form class="panel stack" onSubmit={(event) => void found(event)} aria-labelledby="found-title">
      <h2 id="found-title">Found a team</h2>
      <p class="muted">
        This device writes the team’s first ledger entry and becomes its first admin. You can then
        invite other devices.
      </p>
      <label for="team-name">Team name</label>
      <input
        id="team-name"
        required
        maxLength={64}
        placeholder="e.g. Plant 4 maintenance"
        value={name()}
        onInput={(event) => setName(event.currentTarget.value)}
      />
      <Show when={problem()}>{(why) => <p class="notice notice-denied">{why()}</p>}</Show>
      <div>
        <button type="submit" class="button" disabled={!props.named || busy()}>
          Found this team
        </button>
      </div>
    </form>
  );
}

function JoinByLink() {
  const navigate = useNavigate();
  const [link, setLink] = createSignal('');
  const [problem, setProblem] = createSignal<string>();
  const go = (event: SubmitEvent) => {
    event.preventDefault();
    const read = readInvitationLink(link().trim());
    if (!read.ok) return void setProblem(read.message);
    navigate(`/join?${invitationQuery(read.invitation)}`);
  };
  return (
    <form class="panel stack" onSubmit={go} aria-labelledby="join-title">
      <h2 id="join-title">Join a team</h2>
      <p class="muted">
        Open the invitation link a teammate sent you, scan its QR code, or paste the link here.
      </p>
      <label for="invite-link">Invitation link</label>
      <input
        id="invite-link"
        required
        placeholder="https://…#/join?ledger=…"
        value={link()}
        onInput={(event) => setLink(event.currentTarget.value)}
      />
      <Show when={problem()}>{(why) => <p class="notice notice-denied">{why()}</p>}</Show>
      <div>
        <button type="submit" class="button button-quiet">
          Open the invitation
        </button>
      </div>
    </form>
  );
}

export function Onboarding() {
  const { device } = useServices();
  const named = () => (device.key()?.name ?? '') !== '';
  return (
    <div class="stack" data-testid="onboarding">
      <p>This device is not in a team yet.</p>
      <Show when={device.key()}>
        {(key) => (
          <section class="panel">
            <DeviceNameForm
              name={key().name}
              label="First, name this device (teammates see it)"
              onSave={(name) => device.rename(name)}
            />
          </section>
        )}
      </Show>
      <div class="onboarding-choices">
        <FoundForm named={named()} />
        <JoinByLink />
      </div>
    </div>
  );
}
