/**
 * The outcome of a check: signed, or rejected with its error code and message. Integrity alone
 * is never green (UX.md): green is kept for "allowed by the policy in force on this device",
 * which the patch workflow adds; a bundle whose signatures verify is shown neutral.
 */
import { For, Match, Show, Switch } from 'solid-js';
import type { BundleCheck } from '../../../app/check.ts';
import { formatBytes, formatDuration } from '../../components/format.ts';

const TITLES: Record<BundleCheck['verdict'], string> = {
  verified: 'Signed, but not by anyone this team trusts',
  rejected: 'Rejected',
  error: 'Could not check this file',
};

/** The verdict's headline in plain words. */
export function verdictTitle(check: BundleCheck): string {
  if (check.verdict === 'verified' && check.report?.trustChecked === true)
    return 'Signed by a trusted author';
  return TITLES[check.verdict];
}

const ENGINES: Record<BundleCheck['engine'], string> = {
  worker: 'in a background worker',
  'main-thread': 'on the main thread',
  none: 'before reading it',
};

export function CheckingBanner(props: { fileName: string }) {
  return (
    <section class="verdict verdict-checking" data-testid="verdict" data-state="checking">
      <h2>Checking {props.fileName}…</h2>
    </section>
  );
}

export function VerdictBanner(props: { check: BundleCheck }) {
  const check = () => props.check;
  return (
    <section
      class={`verdict verdict-${check().verdict === 'verified' ? 'neutral' : check().verdict}`}
      data-testid="verdict"
      data-state={check().verdict}
      data-engine={check().engine}
      data-file={check().fileName}
      aria-labelledby="verdict-title"
    >
      <h2 id="verdict-title">
        <span class="verdict-icon" aria-hidden="true">
          {check().verdict === 'verified' ? '✓' : '✗'}
        </span>{' '}
        {verdictTitle(check())}
      </h2>
      <Switch>
        <Match when={check().problem}>
          {(problem) => (
            <>
              <p class="verdict-problem">
                <code class="code" data-testid="verdict-code">
                  {problem().code}
                </code>{' '}
                <span data-testid="verdict-message">{problem().message}</span>
              </p>
              <Show when={problem().details.length > 0}>
                <ul class="verdict-details">
                  <For each={problem().details}>{(detail) => <li>{detail}</li>}</For>
                </ul>
              </Show>
            </>
          )}
        </Match>
        <Match when={check().report?.trustChecked === false}>
          <p>
            The author's signature and every attestation verify, and the metadata matches the diff.
            Integrity only: no trusted keys are configured, so no signer's identity was checked
            against a list.
          </p>
        </Match>
        <Match when={check().verdict === 'verified'}>
          <p>Every signature verifies, and the author is trusted.</p>
        </Match>
      </Switch>
      <p class="verdict-meta">
        {check().fileName} · {formatBytes(check().fileSize)} · checked {ENGINES[check().engine]}
        <Show when={check().engine !== 'none'}> in {formatDuration(check().elapsedMs)}</Show>
      </p>
    </section>
  );
}
