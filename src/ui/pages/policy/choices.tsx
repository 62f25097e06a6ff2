/**
 * Choosing roles and systems for a rule: the roles held on the team ledger and its registered
 * systems by name (a did is a detail), ticked on or off, plus any role typed by hand. What a
 * rule names but the ledger does not know stays listed, so nothing is dropped by accident.
 */
import { createSignal, For, Show } from 'solid-js';
import { getAt, type JsonPath } from '../../../app/policy-edit.ts';
import type { Person } from '../../../app/policy-standing.ts';
import { inlineName } from '../../components/format.ts';
import { fieldId, FieldProblems, type Bound } from './inputs.tsx';

export interface Choice {
  value: string;
  label: string;
}

const strings = (value: unknown): string[] =>
  Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];

export function ChoiceList(props: {
  bound: Bound;
  path: JsonPath;
  legend: string;
  options: readonly Choice[];
  /** Remove the member when nothing is chosen (rather than keep an empty list). */
  optional: boolean;
  /** Offer a text box for a value not in the options (roles). */
  other?: string;
  /** An optional parent object to remove when this leaves it empty. */
  prune?: JsonPath | undefined;
}) {
  const chosen = () => strings(getAt(props.bound.draft.value(), props.path));
  const all = () => {
    const known = new Set(props.options.map((o) => o.value));
    const extra = chosen()
      .filter((v) => !known.has(v))
      .map((v) => ({
        value: v,
        label: v.startsWith('did:') ? `${v.slice(0, 16)}… (unknown)` : inlineName(v),
      }));
    return [...props.options, ...extra];
  };
  const set = (value: string, on: boolean) => {
    const now = chosen().filter((v) => v !== value);
    const next = on ? [...now, value] : now;
    const { draft } = props.bound;
    draft.edit(props.path, props.optional && next.length === 0 ? undefined : next);
    const parent = props.prune === undefined ? undefined : getAt(draft.value(), props.prune);
    if (props.prune !== undefined && parent !== null && typeof parent === 'object')
      if (Object.keys(parent).length === 0) draft.edit(props.prune, undefined);
  };
  const [typed, setTyped] = createSignal('');
  const id = () => fieldId(props.path);
  return (
    <fieldset class="choices" disabled={!props.bound.draft.editable()}>
      <legend>{props.legend}</legend>
      <Show when={all().length > 0} fallback={<p class="muted small">None on this ledger yet.</p>}>
        <ul class="choice-list">
          <For each={all()}>
            {(o, i) => (
              <li>
                <input
                  type="checkbox"
                  id={`${id()}-${i()}`}
                  checked={chosen().includes(o.value)}
                  onChange={(e) => set(o.value, e.currentTarget.checked)}
                />
                <label for={`${id()}-${i()}`}>{o.label}</label>
              </li>
            )}
          </For>
        </ul>
      </Show>
      <Show when={props.other}>
        <div class="form-row">
          <label class="visually-hidden" for={`${id()}-other`}>
            {props.other}
          </label>
          <input
            id={`${id()}-other`}
            placeholder={props.other}
            value={typed()}
            onInput={(e) => setTyped(e.currentTarget.value)}
          />
          <button
            type="button"
            class="button button-quiet button-small"
            disabled={typed().trim() === ''}
            onClick={() => {
              set(typed().trim(), true);
              setTyped('');
            }}
          >
            Add
          </button>
        </div>
      </Show>
      <FieldProblems problems={props.bound.problems} path={props.path} />
    </fieldset>
  );
}

export const roleChoices = (roles: readonly string[]): Choice[] =>
  roles.map((r) => ({ value: r, label: r }));
export const systemChoices = (systems: readonly Person[]): Choice[] =>
  systems.map((s) => ({
    value: s.did,
    label: s.name ? inlineName(s.name) : `${s.did.slice(0, 16)}…`,
  }));

/** A rule's `from`, `by` or `allow`: roles and systems. */
export function PrincipalsField(props: {
  bound: Bound;
  path: JsonPath;
  legend: string;
  roles: readonly string[];
  systems: readonly Person[];
  optional: boolean;
}) {
  return (
    <fieldset class="principals">
      <legend>{props.legend}</legend>
      <ChoiceList
        bound={props.bound}
        path={[...props.path, 'roles']}
        legend="Roles"
        options={roleChoices(props.roles)}
        optional
        other="Another role"
        prune={props.optional ? props.path : undefined}
      />
      <ChoiceList
        bound={props.bound}
        path={[...props.path, 'systems']}
        legend="Systems"
        options={systemChoices(props.systems)}
        optional
        prune={props.optional ? props.path : undefined}
      />
      <FieldProblems problems={props.bound.problems} path={props.path} exact />
    </fieldset>
  );
}
