/**
 * The policy situation as `patchtrail policy show` reports it: the version in force, who
 * published it and the admin threshold's progress; versions pending, superseded or in
 * conflict; policy entries that cannot count and why. Any version can be loaded into the draft.
 */
import { For, Show } from 'solid-js';
import { progressText, takesEffect } from '../../../app/policy-publish.ts';
import type { PolicyStanding, PolicyVersion, Person } from '../../../app/policy-standing.ts';
import { Did } from '../../components/CopyButton.tsx';
import { inlineName } from '../../components/format.ts';

function People(props: { people: readonly Person[] }) {
  return (
    <Show when={props.people.length > 0} fallback={<span class="muted">nobody</span>}>
      <ul class="people">
        <For each={props.people}>
          {(p) => (
            <li>
              <Show when={p.name} fallback={<Did did={p.did} />}>
                {inlineName(p.name)}
              </Show>
            </li>
          )}
        </For>
      </ul>
    </Show>
  );
}

function VersionRow(props: {
  version: PolicyVersion;
  threshold: number;
  onLoad: (v: PolicyVersion) => void;
}) {
  const v = () => props.version;
  return (
    <li class="version-row" data-testid="policy-version" data-state={v().state}>
      <div>
        <strong>Version {v().version}</strong> {v().title ? `“${inlineName(v().title)}”` : ''}{' '}
        <span class={`chip chip-${v().state === 'pending' ? 'review' : 'neutral'}`}>
          {v().state}
        </span>
      </div>
      <p class="small">{progressText(v().signers.length, props.threshold, v().version)}:</p>
      <People people={v().signers} />
      <Show when={v().document}>
        <button
          type="button"
          class="button button-quiet button-small"
          onClick={() => props.onLoad(v())}
        >
          Edit a copy of version {v().version}
        </button>
      </Show>
    </li>
  );
}

export function InForcePanel(props: {
  standing: PolicyStanding;
  onLoad: (v: PolicyVersion) => void;
}) {
  const s = () => props.standing;
  return (
    <section class="panel stack" aria-labelledby="in-force-title" data-testid="in-force">
      <h2 id="in-force-title">In force on this device</h2>
      <Show
        when={s().current}
        fallback={
          <p class="notice notice-review">
            No policy is in force: every patch is denied until{' '}
            {s().threshold === 1
              ? 'one of the team’s admins publishes a policy.'
              : `${s().threshold} of the team’s admins publish the same policy.`}
          </p>
        }
      >
        {(current) => (
          <div class="stack-tight">
            <p class="in-force-line">
              <strong>Version {current().version}</strong>
              {current().title ? ` — ${inlineName(current().title)}` : ''},{' '}
              {current().document?.rules.length ?? 0} rule
              {current().document?.rules.length === 1 ? '' : 's'}.
            </p>
            <p class="small" data-testid="in-force-progress">
              {progressText(current().signers.length, s().threshold, current().version)}:
            </p>
            <People people={current().signers} />
          </div>
        )}
      </Show>
      <p class="small muted">
        {takesEffect(s().threshold, s().admins.length)} Admin{s().admins.length === 1 ? '' : 's'}:{' '}
        {s()
          .admins.map((a) => (a.name ? inlineName(a.name) : `${a.did.slice(0, 14)}…`))
          .join(', ')}
        .
      </p>
      <Show when={s().pending.length + s().superseded.length > 0}>
        <h3>Other versions</h3>
        <ul class="plain-list versions">
          <For each={[...s().pending, ...s().superseded]}>
            {(v) => <VersionRow version={v} threshold={s().threshold} onLoad={props.onLoad} />}
          </For>
        </ul>
      </Show>
      <Show when={s().conflicts.length > 0}>
        <h3>Conflicts</h3>
        <ul class="plain-list">
          <For each={s().conflicts}>
            {(c) => (
              <li class="notice notice-review">
                Version {c.version} was published in {c.hashes.length} different forms; the one
                counted was chosen by this rule: {c.rule}.
              </li>
            )}
          </For>
        </ul>
      </Show>
      <Show when={s().rejected.length > 0}>
        <h3>Policy entries that do not count</h3>
        <ul class="plain-list">
          <For each={s().rejected}>
            {(r) => (
              <li class="small">
                By {r.author.name ? inlineName(r.author.name) : `${r.author.did.slice(0, 14)}…`}:{' '}
                {r.message}
                <code>{r.code}</code>
              </li>
            )}
          </For>
        </ul>
      </Show>
    </section>
  );
}
