/**
 * The draft: a form and a JSON view of the same text (an edit in either shows in the other),
 * checked as it changes, with a count of what blocks publishing and the versions it can start
 * from.
 */
import { Tabs } from '@kobalte/core/tabs';
import { Show } from 'solid-js';
import type { DraftCheck } from '../../../app/policy-check.ts';
import type { PolicyService } from '../../../app/policy-service.ts';
import type { PolicyStanding } from '../../../app/policy-standing.ts';
import { JsonView } from './JsonView.tsx';
import { PolicyForm } from './PolicyForm.tsx';

function summary(check: DraftCheck | undefined): { chip: string; tone: string; text: string } {
  if (check === undefined)
    return { chip: 'Checking', tone: 'neutral', text: 'Reading the ledger…' };
  if (check.kind === 'syntax')
    return {
      chip: 'JSON error',
      tone: 'denied',
      text: 'The text does not parse: see the JSON view.',
    };
  if (check.celPending)
    return { chip: 'Checking', tone: 'neutral', text: 'Loading the CEL checker…' };
  if (check.errors > 0)
    return {
      chip: `${check.errors} problem${check.errors === 1 ? '' : 's'}`,
      tone: 'denied',
      text: 'Fix them before simulating or publishing; each is shown at its field.',
    };
  const warnings = check.problems.length;
  return {
    chip: 'Valid',
    tone: 'neutral',
    text: `The policy engine accepts this draft${warnings > 0 ? ` (${warnings} warning${warnings === 1 ? '' : 's'} about the ledger)` : ''}.`,
  };
}

function CheckSummary(props: { service: PolicyService }) {
  const now = () => summary(props.service.check());
  return (
    <p class="check-summary" role="status" data-testid="check-summary">
      <span class={`chip chip-${now().tone}`}>{now().chip}</span> {now().text}
    </p>
  );
}

export function PolicyEditor(props: { service: PolicyService; standing: PolicyStanding }) {
  const problems = () => {
    const c = props.service.check();
    return c?.kind === 'checked' ? c.problems : [];
  };
  return (
    <section class="panel stack" aria-labelledby="draft-title">
      <div class="draft-head">
        <h2 id="draft-title">Draft</h2>
        <div class="form-row">
          <Show when={props.standing.current}>
            <button
              type="button"
              class="button button-quiet button-small"
              onClick={() => props.service.load('next')}
            >
              Start from the policy in force
            </button>
          </Show>
          <button
            type="button"
            class="button button-quiet button-small"
            onClick={() => props.service.load('starter')}
          >
            Start from a template
          </button>
        </div>
      </div>
      <Show when={props.service.right()?.allowed === false}>
        <p class="muted small" data-testid="draft-only">
          This device cannot publish (see Publish below): a draft and its simulation stay here.
        </p>
      </Show>
      <Show when={props.service.draft()?.replaced() !== undefined}>
        <p class="notice" role="status" data-testid="draft-replaced">
          The draft started again, and your edits were set aside: they stay until you edit this
          draft.{' '}
          <button
            type="button"
            class="button button-quiet button-small"
            onClick={() => props.service.draft()?.restore()}
          >
            Bring back my edits
          </button>
        </p>
      </Show>
      <CheckSummary service={props.service} />
      <Show when={props.service.draft()}>
        {(draft) => (
          <Tabs class="tabs" defaultValue="form">
            <Tabs.List class="tab-list" aria-label="Draft views">
              <Tabs.Trigger class="tab" value="form">
                Form
              </Tabs.Trigger>
              <Tabs.Trigger class="tab" value="json">
                JSON
              </Tabs.Trigger>
            </Tabs.List>
            <Tabs.Content class="tab-panel" value="form">
              <PolicyForm
                bound={{ draft: draft(), problems: problems() }}
                roles={props.standing.roles}
                systems={props.standing.systems}
              />
            </Tabs.Content>
            <Tabs.Content class="tab-panel" value="json">
              <JsonView draft={draft()} check={props.service.check()} />
            </Tabs.Content>
          </Tabs>
        )}
      </Show>
    </section>
  );
}
