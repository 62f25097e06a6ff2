/**
 * Publish: the draft signed with this device's key into the team ledger. Only an admin in
 * standing can (anyone else sees why not), only a valid draft, never a version at or below
 * the one in force; afterwards, where the version stands against the admin threshold.
 */
import { Match, Show, Switch } from 'solid-js';
import { progressText, type PolicyService } from '../../../app/policy-service.ts';
import type { PublishOutcome } from '../../../app/policy-publish.ts';

function Outcome(props: { outcome: PublishOutcome }) {
  return (
    <Switch>
      <Match when={props.outcome.ok && props.outcome}>
        {(o) => (
          <div class="notice" data-testid="publish-outcome">
            <p>
              <strong>
                {o().appended ? 'Published.' : 'This device had already published this policy.'}
              </strong>{' '}
              {progressText(o().signers.length, o().threshold, o().version)}
              {o().state === 'in force'
                ? ': it is now in force.'
                : o().state === 'pending'
                  ? `: it takes effect when ${o().threshold - o().signers.length} more publish the same policy.`
                  : ': a newer version is already in force.'}
            </p>
          </div>
        )}
      </Match>
      <Match when={!props.outcome.ok && props.outcome}>
        {(o) => (
          <p class="notice notice-denied" data-testid="publish-outcome">
            Not published: {'message' in o() ? (o() as { message: string }).message : ''}{' '}
            <code>{'code' in o() ? (o() as { code: string }).code : ''}</code>
          </p>
        )}
      </Match>
    </Switch>
  );
}

export function PublishPanel(props: { service: PolicyService }) {
  const right = () => props.service.right();
  const check = () => props.service.check();
  const valid = () => {
    const c = check();
    return c?.kind === 'checked' ? c.valid : undefined;
  };
  const blocked = () => {
    const c = check();
    if (c === undefined) return 'Checking the draft…';
    if (c.kind === 'syntax') return 'The JSON does not parse.';
    if (c.celPending) return 'Checking the CEL conditions…';
    if (c.errors > 0)
      return `The draft has ${c.errors} problem${c.errors === 1 ? '' : 's'}: fix them first.`;
    if (inForce())
      return 'This draft is the policy in force: start from it to make the next version.';
    return undefined;
  };
  // Publishing the policy in force again would add nothing (it is in force already).
  const inForce = () => {
    const hash = valid()?.hash;
    return hash !== undefined && hash === props.service.standing()?.current?.hash;
  };
  const busy = () => props.service.publishing().kind === 'publishing';
  const last = () => {
    const p = props.service.publishing();
    return p.kind === 'done' ? p.outcome : undefined;
  };
  return (
    <section class="panel stack" aria-labelledby="publish-title">
      <h2 id="publish-title">Publish</h2>
      <Show when={right()?.allowed === false && right()}>
        {(r) => (
          <p class="notice notice-review" data-testid="publish-right">
            {'reason' in r() ? (r() as { reason: string }).reason : ''}
          </p>
        )}
      </Show>
      <Show when={right()?.allowed === true && blocked()}>
        {(why) => (
          <p class="muted" data-testid="publish-blocked">
            {why()}
          </p>
        )}
      </Show>
      <div class="form-row">
        <button
          type="button"
          class="button"
          disabled={right()?.allowed !== true || valid() === undefined || inForce() || busy()}
          onClick={() => void props.service.publish()}
        >
          {busy()
            ? 'Publishing…'
            : `Sign and publish version ${valid()?.document.version ?? ''}`.trim()}
        </button>
      </div>
      <p class="muted small">
        Signed with this device’s key and added to the team ledger; other devices get it when they
        sync.
      </p>
      <Show when={props.service.passkeyNeeded()}>
        <p class="notice" data-testid="publish-passkey">
          The policy in force counts a new policy only from admins who sign it with their passkey:
          publishing asks for yours.
        </p>
      </Show>
      {/* Always on the page, so a screen reader hears the outcome put in it. */}
      <div role="status">
        <Show when={last()}>{(o) => <Outcome outcome={o()} />}</Show>
      </div>
    </section>
  );
}
