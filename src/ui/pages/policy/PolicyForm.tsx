/**
 * The form view of the draft: the policy's name, version and note, then its rules in order,
 * each with typed fields and its problems at the field, and a rule of any kind to add.
 */
import { createSignal, For, Index, Show } from 'solid-js';
import { getAt } from '../../../app/policy-edit.ts';
import { freshId, KIND_LABELS, KINDS, ruleTemplate } from '../../../app/policy-templates.ts';
import type { Person } from '../../../app/policy-standing.ts';
import type { RuleKind } from '../../../core/policy/types.ts';
import { FieldProblems, readInteger, TextField, type Bound } from './inputs.tsx';
import { RuleCard } from './RuleCard.tsx';

export interface PolicyFormProps {
  bound: Bound;
  roles: readonly string[];
  systems: readonly Person[];
}

function AddRule(props: { bound: Bound; rules: () => unknown[] }) {
  const [kind, setKind] = createSignal<RuleKind>('attestations');
  const add = () => {
    const taken = props.rules().map((r) => String((r as { id?: unknown } | null)?.id ?? ''));
    const rule = ruleTemplate(kind(), freshId(kind(), taken));
    props.bound.draft.edit(['rules', props.rules().length], rule);
  };
  return (
    <div class="form-row add-rule">
      <label for="pf-add-kind">New rule</label>
      <select
        id="pf-add-kind"
        value={kind()}
        onChange={(e) => setKind(e.currentTarget.value as RuleKind)}
      >
        <For each={KINDS}>{(k) => <option value={k}>{KIND_LABELS[k]}</option>}</For>
      </select>
      <button
        type="button"
        class="button button-quiet"
        disabled={!props.bound.draft.editable()}
        onClick={add}
      >
        Add the rule
      </button>
    </div>
  );
}

export function PolicyForm(props: PolicyFormProps) {
  const rules = (): unknown[] => {
    const r = getAt(props.bound.draft.value(), ['rules']);
    return Array.isArray(r) ? r : [];
  };
  const [said, setSaid] = createSignal('');
  return (
    <div class="stack policy-form">
      <Show when={!props.bound.draft.editable()}>
        <p class="notice notice-review" role="status">
          The JSON does not parse, so the form shows the last policy that did and takes no edits.
          Fix the JSON first.
        </p>
      </Show>
      <FieldProblems problems={props.bound.problems} path={[]} exact />
      <div class="policy-head-fields">
        <TextField
          bound={props.bound}
          path={['name']}
          label="Policy name"
          read={(t) => (t === '' ? undefined : t)}
        />
        <TextField
          bound={props.bound}
          path={['version']}
          label="Version"
          inputMode="numeric"
          read={readInteger(false)}
        />
        <TextField
          bound={props.bound}
          path={['description']}
          label="Note (optional)"
          read={(t) => (t === '' ? undefined : t)}
        />
      </div>
      <h3>Rules</h3>
      <p class="muted small">
        Every enforced rule must pass for a patch to be allowed; a warn-only rule is reported but
        never denies.
      </p>
      <FieldProblems problems={props.bound.problems} path={['rules']} exact />
      <p class="visually-hidden" role="status" data-testid="rule-said">
        {said()}
      </p>
      <ol class="rule-cards">
        <Index each={rules()}>
          {(rule, i) => (
            <RuleCard
              bound={props.bound}
              rule={rule}
              index={i}
              count={rules().length}
              roles={props.roles}
              systems={props.systems}
              announce={setSaid}
            />
          )}
        </Index>
      </ol>
      <AddRule bound={props.bound} rules={rules} />
    </div>
  );
}
