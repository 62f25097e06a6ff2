/**
 * Witnessing, for a device the team endorsed with the witness role: cosign the newest
 * checkpoint this device has verified. The cosignature is a ledger entry and travels with the
 * ledger. A checkpoint commits to its keeper's order of entries; when this device holds them in
 * another order (synced over the network), it asks for the keeper's ledger file to check the
 * root against.
 */
import { createMemo, createSignal, Match, Show, Switch } from 'solid-js';
import type { OpenTeam } from '../../../app/ledger-session.ts';
import type { WitnessOutcome } from '../../../app/witness.ts';

type Shown = WitnessOutcome | { status: 'failed'; message: string };

const short = (id: string) => `${id.slice(0, 15)}…`;

function when<S extends Shown['status']>(o: Shown, status: S) {
  return o.status === status ? (o as Extract<Shown, { status: S }>) : undefined;
}

function Outcome(props: { outcome: Shown }) {
  const o = () => props.outcome;
  return (
    <Switch>
      <Match when={when(o(), 'cosigned')}>
        {(c) => (
          <p class="notice" role="status" data-testid="witness-outcome" data-status="cosigned">
            Cosigned checkpoint <code>{short(c().checkpoint)}</code>. The cosignature is entry{' '}
            <code>{short(c().entry.id)}</code> and travels with the ledger.
          </p>
        )}
      </Match>
      <Match when={when(o(), 'already')}>
        {(c) => (
          <p class="notice" role="status" data-testid="witness-outcome" data-status="already">
            This device already cosigned the newest checkpoint, <code>{short(c().checkpoint)}</code>
            .
          </p>
        )}
      </Match>
      <Match when={when(o(), 'nothing-to-cosign')}>
        <p class="notice" role="status" data-testid="witness-outcome" data-status="nothing">
          No checkpoint to cosign yet. A log keeper writes them (
          <code>patchtrail ledger checkpoint</code>); they arrive with the ledger.
        </p>
      </Match>
      <Match when={when(o(), 'needs-log')}>
        <p
          class="notice notice-review"
          role="status"
          data-testid="witness-outcome"
          data-status="needs-log"
        >
          The checkpoint’s root does not match this device’s order of entries: peers synced over the
          network hold the same entries in other orders. Import the log keeper’s ledger file below
          to check the checkpoint against it.
        </p>
      </Match>
      <Match when={when(o(), 'refused')}>
        {(r) => (
          <p
            class="notice notice-denied"
            role="alert"
            data-testid="witness-outcome"
            data-status="refused"
          >
            Not cosigned: {r().message} <code>{r().code}</code>
          </p>
        )}
      </Match>
      <Match when={when(o(), 'not-a-witness')}>
        <p class="notice" data-testid="witness-outcome">
          This device does not hold the witness role.
        </p>
      </Match>
      <Match when={when(o(), 'failed')}>
        {(f) => (
          <p class="notice notice-denied" role="alert" data-testid="witness-outcome">
            Not cosigned: {f().message}
          </p>
        )}
      </Match>
    </Switch>
  );
}

export function WitnessPanel(props: { team: OpenTeam; me: string }) {
  const witness = createMemo(() => {
    const me = props.team.members().find((m) => m.did === props.me);
    return me?.standing === 'active' && me.roles.some((r) => r.role === 'witness');
  });
  const [outcome, setOutcome] = createSignal<Shown>();
  const [busy, setBusy] = createSignal(false);
  const cosign = async (log?: File) => {
    setBusy(true);
    try {
      const bytes = log === undefined ? undefined : new Uint8Array(await log.arrayBuffer());
      setOutcome(await props.team.cosign(bytes));
    } catch (error) {
      setOutcome({
        status: 'failed',
        message: error instanceof Error ? error.message : String(error),
      });
    } finally {
      setBusy(false);
    }
  };
  return (
    <Show when={witness()}>
      <section class="panel stack" aria-labelledby="witness-title" data-testid="witness">
        <h2 id="witness-title">Witness</h2>
        <p class="muted">
          This device holds the witness role: it can cosign the newest checkpoint it has verified,
          so devices without the ledger can trust a proof that carries it.
        </p>
        <div>
          <button type="button" class="button" disabled={busy()} onClick={() => void cosign()}>
            Cosign the newest checkpoint
          </button>
        </div>
        <Show when={outcome()}>{(o) => <Outcome outcome={o()} />}</Show>
        <Show when={outcome()?.status === 'needs-log'}>
          <input
            id="witness-log"
            class="visually-hidden"
            type="file"
            data-testid="witness-log-input"
            onChange={(event) => {
              const file = event.currentTarget.files?.[0];
              event.currentTarget.value = '';
              if (file !== undefined) void cosign(file);
            }}
          />
          <label for="witness-log" class="button button-quiet">
            Import the keeper’s ledger file and cosign…
          </label>
        </Show>
      </section>
    </Show>
  );
}
