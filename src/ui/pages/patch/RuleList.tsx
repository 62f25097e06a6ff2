/**
 * Every rule of the policy in force, as it judged this patch: outcome, the reason in the
 * engine's words, and observed beside expected, in words where rule-words.ts has them (the
 * JSON the engine recorded folded beneath). Then the codes and hashes support asks for.
 */
import { For, Show, type JSX } from 'solid-js';
import type { PatchVerdict, RuleRow } from '../../../app/workflow.ts';
import { TickedText } from '../../components/TickedText.tsx';
import { Did } from '../../components/CopyButton.tsx';

const OUTCOME_TEXT: Record<RuleRow['outcome'], string> = {
  pass: 'passes',
  fail: 'fails',
  warn: 'warning',
};

/** The did:key a rule observed (the `authors` rule's creator): JSON text of one did, or undefined. */
const observedDid = (observed: string): string | undefined =>
  /^"did:key:z[1-9A-HJ-NP-Za-km-z]{40,60}"$/.test(observed) ? observed.slice(1, -1) : undefined;

/** A value as JSON text, or a did:key shortened (the name is in the rule's message). */
function Value(props: { json: string }) {
  return (
    <Show when={observedDid(props.json)} fallback={<code>{props.json}</code>}>
      {(did) => <Did did={did()} />}
    </Show>
  );
}

/** Observed beside expected. */
function ValuePair(props: { testid: string; observed: JSX.Element; expected: JSX.Element }) {
  return (
    <dl class="rule-values small" data-testid={props.testid}>
      <div>
        <dt>Observed</dt>
        <dd>{props.observed}</dd>
      </div>
      <div>
        <dt>Expected</dt>
        <dd>{props.expected}</dd>
      </div>
    </dl>
  );
}

/** Observed and expected as the engine recorded them (JSON). */
function RawValues(props: { rule: RuleRow }) {
  return (
    <ValuePair
      testid="rule-raw"
      observed={<Value json={props.rule.observed} />}
      expected={<code>{props.rule.expected}</code>}
    />
  );
}

function RuleItem(props: { rule: RuleRow }) {
  return (
    <li
      class={`rule rule-${props.rule.outcome}`}
      data-testid="rule"
      data-rule={props.rule.id}
      data-outcome={props.rule.outcome}
    >
      <div class="rule-head">
        <span
          class={`chip chip-${props.rule.outcome === 'fail' ? 'denied' : props.rule.outcome === 'warn' ? 'review' : 'neutral'}`}
        >
          {OUTCOME_TEXT[props.rule.outcome]}
        </span>{' '}
        <code>{props.rule.id}</code>{' '}
        <span class="muted small">
          ({props.rule.kind}
          {props.rule.mode === 'warn' ? ', warn only' : ''})
        </span>
      </div>
      <p class="rule-message prose">
        <TickedText text={props.rule.message} />
      </p>
      <Show when={props.rule.words} fallback={<RawValues rule={props.rule} />}>
        {(words) => (
          <>
            <ValuePair
              testid="rule-words"
              observed={<TickedText text={words().observed} />}
              expected={<TickedText text={words().expected} />}
            />
            {/* The values as the engine recorded them, for an auditor comparing with the CLI. */}
            <details class="rule-raw small">
              <summary>As recorded</summary>
              <RawValues rule={props.rule} />
            </details>
          </>
        )}
      </Show>
    </li>
  );
}

export function RuleList(props: { verdict: PatchVerdict }) {
  const failing = () => props.verdict.rules.filter((r) => r.outcome !== 'pass').length;
  // The engine adds a rule the policy does not write (a registered reviewer's `fail` denies,
  // id "implicit:…"): counted apart, so the count matches the rules the policy lists.
  const builtIn = () => props.verdict.rules.filter((r) => r.id.startsWith('implicit:')).length;
  const count = () => {
    const written = props.verdict.rules.length - builtIn();
    return builtIn() > 0 ? `${written}, and ${builtIn()} built in` : `${written}`;
  };
  return (
    <>
      <Show when={props.verdict.rules.length > 0}>
        <details class="rules" open={failing() > 0}>
          <summary>
            Every rule of the policy ({count()}; {failing()} not passing)
          </summary>
          <ul class="rule-list">
            <For each={props.verdict.rules}>{(rule) => <RuleItem rule={rule} />}</For>
          </ul>
        </details>
      </Show>
      <Show when={props.verdict.warnings.length > 0}>
        <ul class="plain-list small" data-testid="verdict-warnings">
          <For each={props.verdict.warnings}>{(warning) => <li class="prose">{warning}</li>}</For>
        </ul>
      </Show>
      <details class="support">
        <summary>For support</summary>
        <dl class="rule-values small">
          <div>
            <dt>Codes</dt>
            <dd data-testid="verdict-codes">
              <Show when={props.verdict.codes.length > 0} fallback="none">
                <For each={props.verdict.codes}>{(code) => <code class="code">{code}</code>}</For>
              </Show>
            </dd>
          </div>
          <Show when={props.verdict.policy}>
            {(policy) => (
              <div>
                <dt>Policy</dt>
                <dd>
                  {policy().name === '' ? 'unnamed' : policy().name}, version {policy().version}{' '}
                  <code class="digest">{policy().hash}</code>
                </dd>
              </div>
            )}
          </Show>
          <Show when={props.verdict.decisionHash}>
            {(hash) => (
              <div>
                <dt>Decision</dt>
                <dd>
                  <code class="digest">{hash()}</code>
                </dd>
              </div>
            )}
          </Show>
          <div>
            <dt>Steps</dt>
            <dd>
              <ol class="plain-list">
                <For each={props.verdict.steps}>
                  {(step) => (
                    <li class="prose">
                      {step.step}: {step.ok ? 'ok' : step.code} — <TickedText text={step.message} />
                    </li>
                  )}
                </For>
              </ol>
            </dd>
          </div>
        </dl>
      </details>
    </>
  );
}
