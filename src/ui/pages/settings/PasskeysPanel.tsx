/**
 * Passkeys in Settings: the passkeys bound to this device's identity on the open team's
 * ledger, and "Add a passkey", which asks this device's authenticator (fingerprint, face,
 * PIN, security key) to make one and records it on the ledger.
 */
import { createSignal, For, Show } from 'solid-js';
import { useServices } from '../../../app/context.ts';
import type { PasskeyOutcome } from '../../../app/passkeys.ts';
import { ledgerTime, sentence } from '../../components/format.ts';

function shortId(id: string): string {
  return id.length <= 16 ? id : `${id.slice(0, 8)}…${id.slice(-6)}`;
}

export function PasskeysPanel() {
  const { passkeys, teams } = useServices();
  const [name, setName] = createSignal('');
  const [busy, setBusy] = createSignal(false);
  const [outcome, setOutcome] = createSignal<PasskeyOutcome>();
  const open = () => teams.phase().kind === 'open';
  const submit = async (event: SubmitEvent) => {
    event.preventDefault();
    setBusy(true);
    setOutcome(undefined);
    const done = await passkeys.add(name());
    setOutcome(done);
    if (done.ok) setName('');
    setBusy(false);
  };
  return (
    <section class="panel stack" aria-labelledby="passkeys-title" data-testid="passkeys">
      <h2 id="passkeys-title">Passkeys</h2>
      <p class="prose">
        A passkey shows that you, in person, signed: your fingerprint, face, PIN or security key
        vouches for an attestation as well as this device’s key. A team’s policy can count a review
        only when it is signed with a passkey.
      </p>
      <Show
        when={passkeys.mine().length > 0}
        fallback={<p class="muted">No passkey is bound to this device’s identity yet.</p>}
      >
        <ul class="plain-list" data-testid="passkey-list">
          <For each={passkeys.mine()}>
            {(p) => (
              <li data-testid="passkey-row">
                <strong>{p.name ?? 'Passkey'}</strong>{' '}
                <span class="muted small">
                  bound {ledgerTime(p.time)} for {p.origin} · attestation “{p.format}” ·{' '}
                  <code>{shortId(p.credential)}</code>
                </span>
              </li>
            )}
          </For>
        </ul>
      </Show>
      <Show
        when={open() && passkeys.supported}
        fallback={
          <p class="notice">
            {open()
              ? 'This browser cannot make passkeys on this page (it needs a secure origin, such as https or localhost).'
              : 'Open or join a team first: a passkey is bound on the team’s ledger.'}
          </p>
        }
      >
        <form class="stack-tight" onSubmit={(event) => void submit(event)}>
          <label for="passkey-name">Passkey name (optional)</label>
          <input
            id="passkey-name"
            maxLength={200}
            placeholder="e.g. laptop fingerprint reader"
            value={name()}
            onInput={(e) => setName(e.currentTarget.value)}
          />
          <div>
            <button type="submit" class="button" disabled={busy()}>
              Add a passkey
            </button>
          </div>
        </form>
      </Show>
      <Show when={outcome()}>
        {(done) => (
          <p
            class={`notice ${done().ok ? '' : 'notice-denied'}`}
            role="status"
            data-testid="passkey-outcome"
          >
            {sentence(done().message)}
          </p>
        )}
      </Show>
    </section>
  );
}
