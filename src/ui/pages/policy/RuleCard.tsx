/**
 * One rule in the form: what it is (kind, id, enforce or warn only, a note), its typed fields,
 * and moving or removing it. Changing the kind starts the rule again from that kind's template,
 * keeping its id, mode and note.
 */
import { For, Show, type Accessor } from 'solid-js';
import { pathText } from '../../../app/policy-edit.ts';
import { KIND_LABELS, KINDS, ruleTemplate } from '../../../app/policy-templates.ts';
import type { Person } from '../../../app/policy-standing.ts';
import type { RuleKind } from '../../../core/policy/types.ts';
import { FieldProblems, fieldId, SelectField, TextField, type Bound } from './inputs.tsx';
import { RuleFields } from './RuleFields.tsx';

type Rule = Record<string, unknown>;

export interface RuleCardProps {
  bound: Bound;
  rule: Accessor<unknown>;
  index: number;
  count: number;
  roles: readonly string[];
  systems: readonly Person[];
  /** Says a move or a removal in the form's status line (a screen reader hears it). */
  announce: (words: string) => void;
}

/**
 * After the list renders again: focus on the card now at `index`, on its button labelled
 * `first` if it can be pressed, else on its `second` (the moved rule's card at the end of the
 * list has no way further down).
 */
function focusCard(list: Element | null, index: number, first: string, second: string) {
  requestAnimationFrame(() => {
    const card = list?.querySelector(`[data-rule-index="${index}"]`);
    const button = (name: string) =>
      card?.querySelector<HTMLButtonElement>(`button[data-action="${name}"]:not(:disabled)`);
    (button(first) ?? button(second))?.focus();
  });
}

const MODES = [
  { value: 'enforce', label: 'Enforce: a failure denies' },
  { value: 'warn', label: 'Warn only: a failure is reported' },
];

export function RuleCard(props: RuleCardProps) {
  const path = () => ['rules', props.index] as const;
  const rule = (): Rule => {
    const r = props.rule();
    return r !== null && typeof r === 'object' && !Array.isArray(r) ? (r as Rule) : {};
  };
  const kind = () => (typeof rule().kind === 'string' ? (rule().kind as string) : '');
  const draft = () => props.bound.draft;
  const errors = () =>
    props.bound.problems.filter(
      (p) =>
        p.severity === 'error' &&
        (p.path === pathText(path()) || p.path.startsWith(`${pathText(path())}/`)),
    ).length;
  const title = () =>
    typeof rule().id === 'string' && rule().id !== ''
      ? (rule().id as string)
      : `rule ${props.index + 1}`;
  // Indexed cards: after a move the card under the button shows the other rule, so focus goes
  // with the moved rule to its new place (it stayed, and a second press moved the wrong rule).
  const move = (event: MouseEvent, by: -1 | 1) => {
    const list = (event.currentTarget as Element).closest('ol');
    const to = props.index + by;
    const name = title();
    draft().swap(['rules'], props.index, to);
    props.announce(
      `Moved ${name} ${by < 0 ? 'up' : 'down'}: now rule ${to + 1} of ${props.count}.`,
    );
    const [first, second] = by < 0 ? ['up', 'down'] : ['down', 'up'];
    focusCard(list, to, first, second);
  };
  const remove = (event: MouseEvent) => {
    const list = (event.currentTarget as Element).closest('ol');
    const name = title();
    const next = props.index < props.count - 1 ? props.index : props.index - 1;
    draft().edit(path(), undefined);
    props.announce(`Removed ${name}.`);
    focusCard(list, next, 'remove', 'remove');
  };
  return (
    <li
      class="rule-card panel"
      data-testid="rule-card"
      data-rule-index={props.index}
      data-invalid={errors() > 0}
    >
      <div class="rule-card-head">
        <h3 id={`${fieldId(path())}-title`}>
          {props.index + 1}. {KIND_LABELS[kind() as RuleKind] ?? kind()}
        </h3>
        <Show when={errors() > 0}>
          <span class="chip chip-denied">
            {errors()} problem{errors() === 1 ? '' : 's'}
          </span>
        </Show>
        <div class="rule-card-actions">
          <button
            type="button"
            class="button button-quiet button-small"
            aria-label={`Move ${title()} up`}
            data-action="up"
            disabled={props.index === 0 || !draft().editable()}
            onClick={(event) => move(event, -1)}
          >
            ↑
          </button>
          <button
            type="button"
            class="button button-quiet button-small"
            aria-label={`Move ${title()} down`}
            data-action="down"
            disabled={props.index === props.count - 1 || !draft().editable()}
            onClick={(event) => move(event, 1)}
          >
            ↓
          </button>
          <button
            type="button"
            class="button button-danger button-small"
            aria-label={`Remove ${title()}`}
            data-action="remove"
            disabled={!draft().editable()}
            onClick={remove}
          >
            Remove
          </button>
        </div>
      </div>
      <div class="rule-card-grid">
        <div class="pfield">
          <label for={`${fieldId(path())}-kind`}>Kind</label>
          <select
            id={`${fieldId(path())}-kind`}
            disabled={!draft().editable()}
            value={kind()}
            onChange={(e) =>
              draft().edit(
                path(),
                ruleTemplate(e.currentTarget.value as RuleKind, String(rule().id ?? ''), rule()),
              )
            }
          >
            <For each={KINDS}>{(k) => <option value={k}>{`${KIND_LABELS[k]} (${k})`}</option>}</For>
          </select>
        </div>
        <TextField bound={props.bound} path={[...path(), 'id']} label="Id" code />
        <SelectField bound={props.bound} path={[...path(), 'mode']} label="Mode" options={MODES} />
        <TextField
          bound={props.bound}
          path={[...path(), 'description']}
          label="Note (optional)"
          read={(t) => (t === '' ? undefined : t)}
        />
      </div>
      <div class="rule-card-fields">
        <RuleFields
          bound={props.bound}
          path={path()}
          kind={kind()}
          roles={props.roles}
          systems={props.systems}
        />
      </div>
      <FieldProblems problems={props.bound.problems} path={path()} exact />
    </li>
  );
}
