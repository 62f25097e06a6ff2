/** What the kiosk runs now, its last update with where it came from, and its recent history. */
import { For, Show } from 'solid-js';
import type { KioskStatus, VersionRow } from '../../../app/kiosk.ts';
import { formatAgo } from '../../components/format.ts';
import { TickedText } from '../../components/TickedText.tsx';
import { eventWords, shortHash, sourceWords } from './kiosk-words.ts';

function When(props: { row: VersionRow; now: number }) {
  return (
    <span title={props.row.time}>
      {formatAgo(props.row.time, props.now)}
      <Show when={props.row.source}>{(s) => <> {sourceWords(s())}</>}</Show>
    </span>
  );
}

/**
 * A refusal whose bundle is still waiting: the waiting list says why, in plain words, so the
 * note the ledger recorded (the policy's own reasons) is not said a second time here.
 */
const saidBelow = (status: KioskStatus, last: VersionRow): boolean =>
  last.what === 'rejected' && status.waiting.some((row) => row.patch === last.patch);

export function KioskVersion(props: { status: KioskStatus; now: number }) {
  return (
    <section class="panel stack" aria-labelledby="kiosk-version-title">
      <h2 id="kiosk-version-title">Running now</h2>
      <Show
        when={props.status.current}
        fallback={<p data-testid="kiosk-current">No update applied yet: the original version.</p>}
      >
        {(current) => (
          <div class="stack-tight" data-testid="kiosk-current">
            <p class="kiosk-version-name">{current().name}</p>
            <p class="muted">
              Applied <When row={current()} now={props.now} />
            </p>
            <p class="small">
              Files: <code title={current().tree}>{shortHash(current().tree)}</code>
            </p>
          </div>
        )}
      </Show>
      <Show when={props.status.lastUpdate}>
        {(last) => (
          <div class="stack-tight" data-testid="kiosk-last" data-what={last().what}>
            <span class="label">Last update</span>
            <p>
              {eventWords[last().what]} “{last().name}” <When row={last()} now={props.now} />
              <Show when={last().code}>{(code) => <code class="small"> {code()}</code>}</Show>
            </p>
            <Show when={!saidBelow(props.status, last()) && last().note}>
              {(note) => (
                <p class="muted small" data-testid="kiosk-last-note">
                  <TickedText text={note()} />
                </p>
              )}
            </Show>
          </div>
        )}
      </Show>
    </section>
  );
}

/** The ledger's record of this kiosk's target, newest first: what support asks for. */
export function KioskHistory(props: { status: KioskStatus; now: number }) {
  return (
    <Show when={props.status.history.length > 0}>
      <section class="panel stack" aria-labelledby="kiosk-history-title">
        <h2 id="kiosk-history-title">Recorded on the team ledger</h2>
        <ul class="kiosk-history" data-testid="kiosk-history">
          <For each={props.status.history}>
            {(row) => (
              <li data-what={row.what}>
                {eventWords[row.what]} “{row.name}” <When row={row} now={props.now} />
                <Show when={row.code}>{(code) => <code class="small"> {code()}</code>}</Show>
              </li>
            )}
          </For>
        </ul>
      </section>
    </Show>
  );
}
