/**
 * Simulate: what the draft would decide for every patch on the team ledger, beside what the
 * policy in force decides. Changes come first and are highlighted with the rules that make the
 * difference; the run works in slices with progress, and a draft edited since is pointed out.
 */
import { For, Show } from 'solid-js';
import type { PolicyService, SimulationState } from '../../../app/policy-service.ts';
import type { SimulatedPatch, Simulation } from '../../../app/policy-simulate.ts';
import { counted, formatCount, formatDuration } from '../../components/format.ts';
import { TickedText } from '../../components/TickedText.tsx';

const WORD = { allow: 'allowed', deny: 'denied' } as const;
const SHOWN = 50;

/** Green only for what the policy in force allows; the draft's decisions are hypothetical. */
function Decision(props: { value: 'allow' | 'deny'; draft: boolean }) {
  const tone = () => (props.value === 'deny' ? 'denied' : props.draft ? 'neutral' : 'allowed');
  return (
    <span class={`chip chip-${tone()}`}>
      {props.draft ? `would be ${WORD[props.value]}` : WORD[props.value]}
    </span>
  );
}

function Row(props: { row: SimulatedPatch; compared: boolean }) {
  const changed = () => props.row.before !== props.row.after;
  return (
    <li
      class={`sim-row ${changed() ? 'sim-changed' : ''}`}
      data-testid="sim-row"
      data-changed={changed()}
    >
      <div class="sim-head">
        <span class="sim-reason">{props.row.reason}</span>
        <span class="muted small">by {props.row.publisher || 'an unregistered system'}</span>
      </div>
      <div class="sim-decisions">
        <Show when={props.compared}>
          <Decision value={props.row.before} draft={false} /> <span aria-hidden="true">→</span>
          <span class="visually-hidden">would become</span>
        </Show>
        <Decision value={props.row.after} draft />
      </div>
      <Show when={changed() && props.row.changes.length > 0}>
        <ul class="sim-rules small">
          <For each={props.row.changes}>
            {(c) => (
              <li>
                <code>{c.id}</code>: {c.before ?? 'not in force'} → {c.after ?? 'removed'}
                <Show when={c.after === 'fail'}>
                  {' ('}
                  <TickedText text={c.message} />)
                </Show>
              </li>
            )}
          </For>
        </ul>
      </Show>
    </li>
  );
}

function Result(props: { result: Simulation; stale: boolean; elapsed: number }) {
  const r = () => props.result;
  return (
    <div class="stack">
      <p data-testid="sim-summary" role="status">
        <strong>{counted(r().total, 'patch', 'patches')}</strong> judged in{' '}
        {formatDuration(props.elapsed)}.{' '}
        <Show when={r().compared} fallback="No policy is in force to compare with.">
          {formatCount(r().newlyDenied)} would become denied, {formatCount(r().newlyAllowed)} would
          become allowed, {formatCount(r().total - r().newlyDenied - r().newlyAllowed)} unchanged.
        </Show>
      </p>
      <Show when={props.stale}>
        <p class="notice notice-review">
          The draft has changed since: simulate again to see its effect.
        </p>
      </Show>
      <ul class="plain-list sim-rows" tabindex="0" aria-label="Patches, changes first">
        <For each={r().rows.slice(0, SHOWN)}>
          {(row) => <Row row={row} compared={r().compared} />}
        </For>
      </ul>
      <Show when={r().rows.length > SHOWN}>
        <p class="muted small">The first {SHOWN} are shown, changes first.</p>
      </Show>
    </div>
  );
}

export function SimulatePanel(props: { service: PolicyService }) {
  const state = () => props.service.simulation();
  const of = <K extends SimulationState['kind']>(kind: K) => {
    const s = state();
    return s.kind === kind ? (s as Extract<SimulationState, { kind: K }>) : undefined;
  };
  const running = () => of('running');
  const failed = () => of('failed');
  const done = () => of('done');
  const valid = () => {
    const c = props.service.check();
    return c?.kind === 'checked' ? c.valid : undefined;
  };
  return (
    <section class="panel stack" aria-labelledby="simulate-title">
      <h2 id="simulate-title">Simulate</h2>
      <p class="muted small">
        What this draft would decide for every patch on the team ledger, judged from the ledger as
        this device sees it, beside the policy in force.
      </p>
      <div class="form-row">
        <button
          type="button"
          class="button"
          disabled={valid() === undefined || state().kind === 'running'}
          onClick={() => void props.service.simulate()}
        >
          Simulate this draft
        </button>
      </div>
      <Show when={running()}>
        {(r) => (
          <p role="status">
            {r().step === 'scores' ? 'Computing trust scores…' : 'Judging patches…'}{' '}
            <progress max={r().total || 1} value={r().done} aria-label="Simulation progress" />
          </p>
        )}
      </Show>
      <Show when={failed()}>
        {(f) => <p class="notice notice-denied">Simulation failed: {f().message}</p>}
      </Show>
      <Show when={done()}>
        {(d) => (
          <Result result={d().result} elapsed={d().elapsedMs} stale={valid()?.hash !== d().hash} />
        )}
      </Show>
    </section>
  );
}
