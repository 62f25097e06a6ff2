/**
 * The kiosk's status board, readable from a metre away: which kiosk it is, one large state, the version it runs
 * now, its last update and where it came from, what waits and why, how old its evidence is,
 * what a restart found; and, small at the bottom, leaving kiosk mode (an admin's job).
 */
import { createSignal, For, Show } from 'solid-js';
import { useServices } from '../../../app/context.ts';
import { PERMISSION_WORDS, type KioskStatus } from '../../../app/kiosk.ts';
import { formatAgo, formatSpan, inlineName } from '../../components/format.ts';
import { KioskHistory, KioskVersion } from './KioskVersion.tsx';
import { STATE_WORDS, waitingWords } from './kiosk-words.ts';
import { TickedText } from '../../components/TickedText.tsx';

/** "The update folder needs permission again." when a picked folder lost its permission. */
function permissionLine(status: KioskStatus): string | undefined {
  const words = (status.permissions ?? []).map((n) => PERMISSION_WORDS[n.role]);
  if (words.length === 0) return undefined;
  const text = words.join(', and ');
  return `${text.charAt(0).toUpperCase()}${text.slice(1)}.`;
}

/** An admin's click gives the picked folders back their permission (the browser asks). */
function AllowFolders(props: { status: KioskStatus }) {
  const { kiosk } = useServices();
  return (
    <Show when={(props.status.permissions ?? []).length > 0}>
      <section class="panel stack" data-testid="kiosk-permission">
        <p>
          The browser no longer lets this kiosk use a folder an admin chose for it. Until an admin
          allows it again, nothing is read from it or applied.
        </p>
        <button class="button" type="button" onClick={() => void kiosk.allowFoldersAgain()}>
          Allow the folders again (admin)
        </button>
      </section>
    </Show>
  );
}

function StateBanner(props: { status: KioskStatus }) {
  const words = () => STATE_WORDS[props.status.state];
  return (
    <section
      class="kiosk-state"
      data-state={props.status.state}
      data-testid="kiosk-state"
      role="status"
      aria-live="polite"
    >
      <h1 class="kiosk-state-title">{words().title}</h1>
      <p class="kiosk-state-line">
        <Show when={props.status.activity} fallback={permissionLine(props.status) ?? words().line}>
          {(a) => `${a().kind === 'apply' ? 'Applying' : 'Rolling back'} “${a().name}”.`}
        </Show>
      </p>
    </section>
  );
}

function Waiting(props: { rows: KioskStatus['waiting'] }) {
  return (
    <section class="panel stack" aria-labelledby="kiosk-waiting-title">
      <h2 id="kiosk-waiting-title">Waiting</h2>
      <Show when={props.rows.length > 0} fallback={<p class="muted">Nothing is waiting.</p>}>
        <ul class="kiosk-waiting" data-testid="kiosk-waiting">
          <For each={props.rows}>
            {(row) => (
              <li data-state={row.state} data-testid="kiosk-waiting-row">
                <strong>{row.name}</strong> — {waitingWords(row)}
                <ul>
                  <For each={row.why}>
                    {(why) => (
                      <li>
                        <TickedText text={why} />
                      </li>
                    )}
                  </For>
                </ul>
                <Show when={row.code}>{(code) => <code class="small">{code()}</code>}</Show>
              </li>
            )}
          </For>
        </ul>
      </Show>
    </section>
  );
}

function Evidence(props: { status: KioskStatus; now: number }) {
  return (
    <Show when={props.status.freshness}>
      {(f) => (
        <p
          class={f().stale ? 'notice notice-denied' : 'muted'}
          data-testid="kiosk-freshness"
          data-stale={f().stale ? 'yes' : 'no'}
        >
          Ledger last synced {formatAgo(f().newest, props.now)}
          <Show when={f().budgetSeconds}>
            {(budget) => <> (the policy allows {formatSpan(budget())})</>}
          </Show>
          <Show when={f().stale}>: nothing that needs fresher evidence is applied.</Show>
        </p>
      )}
    </Show>
  );
}

function Recovered(props: { status: KioskStatus }) {
  return (
    <Show when={props.status.recovery}>
      {(r) => (
        <p class="notice" data-testid="kiosk-recovery" data-outcome={r().outcome}>
          <Show
            when={r().kind === 'rollback'}
            fallback={
              <>
                After a restart: the update “{r().name}” had been interrupted.{' '}
                {r().outcome === 'all-new'
                  ? 'It was finished: every file is new.'
                  : 'It was undone: every file is as before.'}
              </>
            }
          >
            After a restart: the rollback of “{r().name}” had been interrupted.{' '}
            {r().outcome === 'all-new'
              ? 'It was finished: every file is as before the update.'
              : 'It was undone: the update is still in place, and is rolled back again.'}
          </Show>
        </p>
      )}
    </Show>
  );
}

function Leave() {
  const { kiosk } = useServices();
  const [answer, setAnswer] = createSignal<string>();
  const leave = async () => {
    const result = await kiosk.leave();
    setAnswer(result.ok ? undefined : result.reason);
  };
  return (
    <footer class="kiosk-footer">
      <button class="button button-quiet button-small" type="button" onClick={() => void leave()}>
        Leave kiosk mode (admin)
      </button>
      <Show when={answer()}>
        {(why) => (
          <p class="notice notice-denied" role="alert" data-testid="kiosk-leave-refused">
            {why()}
          </p>
        )}
      </Show>
    </footer>
  );
}

/** Which kiosk this is, and whose: what a passer-by reports, and an admin with several checks. */
function Identity() {
  const { device, teams } = useServices();
  const text = () => {
    const phase = teams.phase();
    const team = phase.kind === 'open' ? phase.membership.name : '';
    const name = device.key()?.name ?? '';
    const parts = [
      name === '' ? 'This kiosk has no name' : `Kiosk “${inlineName(name)}”`,
      team === '' ? undefined : `team “${inlineName(team)}”`,
    ];
    return parts.filter((p) => p !== undefined).join(', of ');
  };
  return (
    <p class="muted kiosk-identity" data-testid="kiosk-identity">
      {text()}
    </p>
  );
}

export function KioskBoard() {
  const { kiosk } = useServices();
  const status = () => kiosk.status();
  const now = () => Date.now();
  return (
    <main class="kiosk" data-testid="kiosk">
      <Identity />
      <StateBanner status={status()} />
      <div class="kiosk-grid">
        <div class="stack">
          <KioskVersion status={status()} now={now()} />
          <KioskHistory status={status()} now={now()} />
        </div>
        <div class="stack">
          <Evidence status={status()} now={now()} />
          <Recovered status={status()} />
          <AllowFolders status={status()} />
          <For each={status().problems}>{(p) => <p class="notice notice-review">{p}</p>}</For>
          <Waiting rows={status().waiting} />
        </div>
      </div>
      <Leave />
    </main>
  );
}
