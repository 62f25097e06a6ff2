/**
 * The verdict, first thing on the Patch detail (UX.md): the outcome in plain words, naming
 * people by their registered names; why; what is missing and who could supply it; how old the
 * evidence is; then every rule and the codes for support. Green only for "allowed by the policy
 * in force on this device"; a valid signature alone is neutral.
 */
import { For, Match, Show, Switch } from 'solid-js';
import type { BundleCheck } from '../../../app/check.ts';
import { deviceLine } from '../../../app/target-words.ts';
import type { PatchVerdict } from '../../../app/workflow.ts';
import { formatBytes, formatDuration } from '../../components/format.ts';
import { TickedText } from '../../components/TickedText.tsx';
import { RuleList } from './RuleList.tsx';

const ICONS: Record<PatchVerdict['state'], string> = {
  allowed: '✓',
  denied: '✗',
  'needs-review': '!',
  untrusted: '?',
  'no-team': '?',
  invalid: '✗',
};

const CLASSES: Record<PatchVerdict['state'], string> = {
  allowed: 'verdict-allowed',
  denied: 'verdict-denied',
  'needs-review': 'verdict-review',
  untrusted: 'verdict-neutral',
  'no-team': 'verdict-neutral',
  invalid: 'verdict-denied',
};

const ENGINES: Record<BundleCheck['engine'], string> = {
  worker: 'in a background worker',
  'main-thread': 'on the main thread',
  none: 'before reading it',
};

export function CheckingBanner(props: { fileName: string }) {
  return (
    <section class="verdict verdict-neutral" data-testid="verdict" data-state="checking">
      <h2>Checking {props.fileName}…</h2>
    </section>
  );
}

function Problem(props: { check: BundleCheck }) {
  return (
    <Show when={props.check.problem}>
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
    </Show>
  );
}

function Missing(props: { verdict: PatchVerdict }) {
  return (
    <Show when={props.verdict.missing.length > 0}>
      <ul class="missing" data-testid="verdict-missing">
        <For each={props.verdict.missing}>
          {(row) => (
            <li>
              <strong>{row.text}.</strong>{' '}
              <Show
                when={row.who.length > 0}
                fallback={
                  row.failedIt.length > 0
                    ? 'Nobody else in the team can supply it.'
                    : 'Nobody in the team can supply it yet: an admin must endorse someone for it.'
                }
              >
                Who could: <span data-testid="missing-who">{row.who.join(', ')}</span>.
              </Show>
              <Show when={row.failedIt.length > 0}>
                {' '}
                <span data-testid="missing-failed-it">
                  {row.failedIt.join(', ')} {row.failedIt.length === 1 ? 'has' : 'have'} marked it
                  as failing.
                </span>
              </Show>
            </li>
          )}
        </For>
      </ul>
    </Show>
  );
}

export function VerdictPanel(props: {
  check: BundleCheck;
  verdict: PatchVerdict | undefined;
  /** "Ledger last synced 3 days ago", when the device is not connected. */
  evidence: string | undefined;
}) {
  const state = () => props.verdict?.state ?? 'no-team';
  return (
    <section
      class={`verdict ${props.verdict === undefined ? 'verdict-neutral' : CLASSES[state()]}`}
      data-testid="verdict"
      data-state={props.verdict === undefined ? 'judging' : state()}
      data-check={props.check.verdict}
      data-engine={props.check.engine}
      data-file={props.check.fileName}
      aria-labelledby="verdict-title"
    >
      <Switch>
        <Match when={props.verdict}>
          {(verdict) => (
            <>
              <h2 id="verdict-title" data-testid="verdict-headline">
                <span class="verdict-icon" aria-hidden="true">
                  {ICONS[verdict().state]}
                </span>{' '}
                {verdict().headline}
              </h2>
              {/* Whether it may be applied, above; whether this device did, here. */}
              <Show when={deviceLine(verdict().events)}>
                {(line) => (
                  <p class="verdict-device" data-testid="verdict-device">
                    <strong>{line()}</strong>
                  </p>
                )}
              </Show>
              <For each={verdict().because}>
                {(line) => (
                  <p class="prose">
                    <TickedText text={line} />
                  </p>
                )}
              </For>
              <Missing verdict={verdict()} />
              <Problem check={props.check} />
              <Show when={props.evidence}>
                {(text) => (
                  <p class="verdict-evidence" data-testid="verdict-evidence">
                    {text()}
                  </p>
                )}
              </Show>
              <RuleList verdict={verdict()} />
            </>
          )}
        </Match>
        <Match when={props.verdict === undefined}>
          <h2 id="verdict-title">Checking against the team’s policy…</h2>
        </Match>
      </Switch>
      <p class="verdict-meta">
        {/* "Signatures" only when there was a bundle to find them in (not for a file that is not JSON). */}
        {props.check.fileName} · {formatBytes(props.check.fileSize)} ·{' '}
        {props.check.report === undefined ? 'checked' : 'signatures checked'}{' '}
        {ENGINES[props.check.engine]}
        <Show when={props.check.engine !== 'none'}>
          {' '}
          in {formatDuration(props.check.elapsedMs)}
        </Show>
      </p>
    </section>
  );
}
