/**
 * "Act": what this device can do with the patch, each recorded on the team ledger with the
 * device key — attest in one step (reviewed, tested, analyzed, forwarded, rejected, with a
 * note), dry-run, apply, roll back — and what it has done with it so far.
 */
import { createSignal, For, Show } from 'solid-js';
import { useServices } from '../../../app/context.ts';
import type { ActOutcome, AttestChoice, PatchVerdict } from '../../../app/workflow.ts';
import { ActResult } from './ActResult.tsx';
import { ApplyPanel } from './ApplyPanel.tsx';
import { ledgerTime } from '../../components/format.ts';

const REASONS: { value: AttestChoice; label: string }[] = [
  { value: 'reviewed', label: 'Reviewed: I read it and it is right' },
  { value: 'tested', label: 'Tested: it passed our tests' },
  { value: 'analyzed', label: 'Analyzed: a scan or analysis found nothing wrong' },
  { value: 'forwarded', label: 'Forwarded: I passed it on' },
  { value: 'rejected', label: 'Rejected: it must not be applied' },
];

function AttestForm(props: { patchKey: string; roles: readonly string[] }) {
  const { workflow, passkeys, device } = useServices();
  const [reason, setReason] = createSignal<AttestChoice>('reviewed');
  const [withPasskey, setWithPasskey] = createSignal(false);
  const [note, setNote] = createSignal('');
  const [outcome, setOutcome] = createSignal<ActOutcome>();
  const submit = async (event: SubmitEvent) => {
    event.preventDefault();
    if (workflow.activity() !== undefined) return;
    setOutcome(undefined);
    const did = device.key()?.did;
    const passkey =
      withPasskey() && did !== undefined
        ? (challenge: Uint8Array) => passkeys.assertPasskey(did, challenge)
        : undefined;
    const done = await workflow.attest(props.patchKey, reason(), note(), passkey);
    setOutcome(done);
    if (done.ok) setNote('');
  };
  return (
    <form class="stack" data-testid="attest-form" onSubmit={(event) => void submit(event)}>
      <h3>Attest</h3>
      <div class="stack-tight">
        <label for="attest-reason">What you did</label>
        <select
          id="attest-reason"
          value={reason()}
          onChange={(e) => setReason(e.currentTarget.value as AttestChoice)}
        >
          <For each={REASONS}>{(r) => <option value={r.value}>{r.label}</option>}</For>
        </select>
      </div>
      <div class="stack-tight">
        <label for="attest-note">Note (optional)</label>
        <textarea
          id="attest-note"
          rows="2"
          maxLength={1024}
          value={note()}
          onInput={(e) => setNote(e.currentTarget.value)}
        />
      </div>
      <Show when={props.roles.length === 0}>
        <p class="muted small" data-testid="attest-no-role">
          This device holds no role in the team: what it records is kept and shown, but counts for
          no rule that asks for a role (a reviewer’s review, say). An admin gives roles on the Team
          page.
        </p>
      </Show>
      <Show when={passkeys.mine().length > 0}>
        <label class="check">
          <input
            type="checkbox"
            checked={withPasskey()}
            onChange={(e) => setWithPasskey(e.currentTarget.checked)}
          />{' '}
          Sign with my passkey too
        </label>
      </Show>
      <div>
        {/* Not disabled while busy: a disabled button loses the focus (to <body>). */}
        <button type="submit" class="button" aria-disabled={workflow.activity() !== undefined}>
          Sign and record
        </button>
      </div>
      <div role="status" data-testid="attest-live">
        <Show when={outcome()}>{(done) => <ActResult outcome={done()} />}</Show>
      </div>
    </form>
  );
}

function History(props: { verdict: PatchVerdict }) {
  return (
    <Show when={props.verdict.events.length > 0}>
      <div class="stack-tight act-history">
        <h3>What this device recorded</h3>
        <ol class="plain-list small" data-testid="device-history">
          <For each={props.verdict.events}>
            {(event) => (
              <li data-reason={event.reason}>
                {/* The ledger's `rejected` is an attempt refused here, as Audit says. */}
                <strong>{event.reason === 'rejected' ? 'refused' : event.reason}</strong>
                <Show when={event.target !== ''}>
                  {' '}
                  on {event.target.split(':').slice(-2).join(' ')}
                </Show>{' '}
                <time datetime={event.time}>{ledgerTime(event.time)}</time>
                <Show when={event.code}>
                  {(code) => (
                    <>
                      {' '}
                      · <code>{code()}</code>
                    </>
                  )}
                </Show>
              </li>
            )}
          </For>
        </ol>
      </div>
    </Show>
  );
}

export function ActPanel(props: { patchKey: string; verdict: PatchVerdict }) {
  return (
    <section class="panel act" data-testid="act" aria-labelledby="act-title">
      <h2 id="act-title">Act</h2>
      <Show
        when={props.verdict.deviceRegistered}
        fallback={
          <p class="notice" data-testid="act-unavailable">
            <Show
              when={props.verdict.deviceRevoked}
              fallback={
                <>
                  This device is not a registered member of a team, so it cannot attest or apply:
                  open the <a href="#/team">Team</a> page to found or join one.
                </>
              }
            >
              This device was revoked in this team, so it cannot attest or apply here, and what it
              signs no longer counts. An admin of the team can say why (the{' '}
              <a href="#/team">Team</a> page lists them).
            </Show>
          </p>
        }
      >
        <div class="act-grid">
          <ApplyPanel patchKey={props.patchKey} verdict={props.verdict} />
          <AttestForm patchKey={props.patchKey} roles={props.verdict.deviceRoles} />
        </div>
        <History verdict={props.verdict} />
      </Show>
    </section>
  );
}
