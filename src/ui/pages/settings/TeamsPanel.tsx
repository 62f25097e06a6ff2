/**
 * The teams this device holds, each of which it can forget: a team joined by a mistyped
 * invitation (a room that never answers), or one left for good. Forgetting deletes this
 * device's copy of the ledger only; the dialog says so, and where a copy to keep comes from.
 */
import { createSignal, For, Show } from 'solid-js';
import { useServices } from '../../../app/context.ts';
import type { Membership } from '../../../app/team.ts';
import { ActionDialog } from '../../components/ActionDialog.tsx';
import { inlineName } from '../../components/format.ts';

const nameOf = (m: Membership) => (m.name === '' ? 'Unnamed team' : m.name);

function ForgetTeam(props: { membership: Membership; onDone: (said: string) => void }) {
  const { teams } = useServices();
  const [open, setOpen] = createSignal(false);
  const [waiting, setWaiting] = createSignal(false);
  const name = () => inlineName(nameOf(props.membership));
  // Cancel (or Escape) while it waits for work in progress withdraws it: nothing is forgotten.
  let cancel: AbortController | undefined;
  const forget = async (): Promise<string | undefined> => {
    cancel = new AbortController();
    const done = await teams.forget(
      props.membership.ledgerId,
      () => setWaiting(true),
      cancel.signal,
    );
    setWaiting(false);
    if (!done.ok && done.cancelled === true) return undefined; // the dialog is closed already
    if (!done.ok) return `Not forgotten: ${done.message}`;
    props.onDone(
      done.blocked === true
        ? `Forgot “${name()}”. Its ledger on this device is deleted once the app’s other tabs are closed.`
        : `Forgot “${name()}” on this device.`,
    );
    return undefined;
  };
  return (
    <>
      <button type="button" class="button button-quiet button-small" onClick={() => setOpen(true)}>
        Forget…
      </button>
      <ActionDialog
        open={open()}
        onOpenChange={(now) => {
          if (!now) cancel?.abort();
          setOpen(now);
        }}
        title={`Forget “${name()}” on this device?`}
        description="This device leaves the team’s room and deletes its copy of the team’s ledger. The team, its other devices and their ledgers stay as they are, and what this device signed still counts there."
        submitLabel="Forget the team"
        danger
        onSubmit={forget}
      >
        <p class="notice notice-review" data-testid="forget-warning">
          If no other device or file holds this ledger, it is gone for good: export it first (Ledger
          page) if you may need it. Joining again takes an invitation.
        </p>
        <Show when={waiting()}>
          <p class="notice" role="status" data-testid="forget-waiting">
            Waiting for the work in progress on this device (an apply, a sync or a ledger import,
            maybe in another tab) to finish: the team is forgotten right after. Cancel keeps it.
          </p>
        </Show>
      </ActionDialog>
    </>
  );
}

export function TeamsPanel() {
  const { teams } = useServices();
  const [said, setSaid] = createSignal<string>();
  return (
    <section class="panel stack" aria-labelledby="teams-title">
      <h2 id="teams-title">Teams on this device</h2>
      <Show
        when={teams.memberships().length > 0}
        fallback={<p class="muted">None yet: found or join one on the Team page.</p>}
      >
        <ul class="plain-list stack-tight" data-testid="teams-held">
          <For each={teams.memberships()}>
            {(m) => (
              <li class="form-row" data-testid="team-held">
                <span>
                  <strong class="clamp-2">{nameOf(m)}</strong>{' '}
                  <span class="muted small">
                    {m.origin === 'founder' ? 'founded here' : 'joined by invitation'} ·{' '}
                    <code title={m.ledgerId}>{m.ledgerId.slice(7, 19)}</code>
                  </span>
                </span>
                <ForgetTeam membership={m} onDone={setSaid} />
              </li>
            )}
          </For>
        </ul>
      </Show>
      <Show when={said()}>
        {(text) => (
          <p class="muted" role="status" data-testid="teams-said">
            {text()}
          </p>
        )}
      </Show>
    </section>
  );
}
