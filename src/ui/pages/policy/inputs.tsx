/**
 * The form's inputs, each bound to one path of the draft: it shows the draft's value, writes
 * every keystroke back (a value that does not convert is written as typed, so the engine names
 * the problem at this field and the JSON view shows the same), keeps what the user typed while
 * the field has focus, and lists the problems at its path under it.
 */
import { createSignal, For, Show, type JSX } from 'solid-js';
import { getAt, pathText, type JsonPath } from '../../../app/policy-edit.ts';
import { problemsAt, type DraftProblem } from '../../../app/policy-problems.ts';
import type { PolicyDraft } from '../../../app/policy-draft.ts';

export interface Bound {
  draft: PolicyDraft;
  problems: readonly DraftProblem[];
}

export const fieldId = (path: JsonPath): string => `pf${pathText(path).replace(/\//g, '-')}`;

/** The problems at a path, for its field (errors and warnings). */
export function FieldProblems(props: {
  problems: readonly DraftProblem[];
  path: JsonPath;
  exact?: boolean;
}) {
  const here = () => {
    const at = pathText(props.path);
    return props.exact === true
      ? props.problems.filter((p) => p.path === at)
      : problemsAt(props.problems, at);
  };
  return (
    <Show when={here().length > 0}>
      <ul class="field-problems" id={`${fieldId(props.path)}-problems`}>
        <For each={here()}>
          {(p) => (
            <li
              class={`field-problem field-${p.severity}`}
              data-testid="field-problem"
              data-path={p.path}
            >
              {p.severity === 'warning' ? 'Warning: ' : ''}
              {p.message}
            </li>
          )}
        </For>
      </ul>
    </Show>
  );
}

export interface TextFieldProps {
  bound: Bound;
  path: JsonPath;
  label: string;
  hint?: string;
  /** How the stored value reads in the field (default: as text). */
  show?: (value: unknown) => string;
  /** The value to store for what was typed; undefined removes an optional member. */
  read?: (text: string) => unknown;
  multiline?: boolean;
  code?: boolean;
  unit?: JSX.Element;
  inputMode?: 'numeric' | 'decimal' | 'text';
}

const plain = (value: unknown): string =>
  value === undefined ? '' : typeof value === 'string' ? value : JSON.stringify(value);

export function TextField(props: TextFieldProps) {
  const [typed, setTyped] = createSignal<string>();
  const id = () => fieldId(props.path);
  const stored = () => getAt(props.bound.draft.value(), props.path);
  const shown = () => typed() ?? (props.show ?? plain)(stored());
  const invalid = () =>
    problemsAt(props.bound.problems, pathText(props.path)).some((p) => p.severity === 'error');
  const hasProblems = () => problemsAt(props.bound.problems, pathText(props.path)).length > 0;
  const onInput = (text: string) => {
    setTyped(text);
    props.bound.draft.edit(props.path, (props.read ?? ((t: string) => t))(text));
  };
  const common = () => ({
    id: id(),
    disabled: !props.bound.draft.editable(),
    'aria-invalid': invalid(),
    'aria-describedby':
      [props.hint === undefined ? '' : `${id()}-hint`, hasProblems() ? `${id()}-problems` : '']
        .join(' ')
        .trim() || undefined,
    onBlur: () => setTyped(undefined),
    class: props.code === true ? 'code-input' : undefined,
  });
  return (
    <div class="pfield">
      <label for={id()}>{props.label}</label>
      <div class="pfield-input">
        <Show
          when={props.multiline}
          fallback={
            <input
              {...common()}
              inputMode={props.inputMode}
              value={shown()}
              onInput={(e) => onInput(e.currentTarget.value)}
            />
          }
        >
          <textarea
            {...common()}
            rows={3}
            value={shown()}
            onInput={(e) => onInput(e.currentTarget.value)}
          />
        </Show>
        {props.unit}
      </div>
      <Show when={props.hint}>
        <p class="muted small pfield-hint" id={`${id()}-hint`}>
          {props.hint}
        </p>
      </Show>
      <FieldProblems problems={props.bound.problems} path={props.path} />
    </div>
  );
}

/** A whole number: stored as a number when it is one, as typed otherwise. */
export const readInteger = (optional: boolean) => (text: string) => {
  if (optional && text.trim() === '') return undefined;
  return /^\s*-?\d{1,15}\s*$/.test(text) ? Number(text) : text;
};

/** One item a line: lists of components, reasons, tree hashes. */
export const showLines = (value: unknown): string =>
  Array.isArray(value) ? value.map(plain).join('\n') : plain(value);
export const readLines = (optional: boolean) => (text: string) => {
  const items = text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '');
  return optional && items.length === 0 ? undefined : items;
};

export function CheckField(props: { bound: Bound; path: JsonPath; label: string }) {
  const id = () => fieldId(props.path);
  return (
    <div class="pfield pfield-check">
      <input
        type="checkbox"
        id={id()}
        disabled={!props.bound.draft.editable()}
        checked={getAt(props.bound.draft.value(), props.path) === true}
        onChange={(e) => props.bound.draft.edit(props.path, e.currentTarget.checked)}
      />
      <label for={id()}>{props.label}</label>
      <FieldProblems problems={props.bound.problems} path={props.path} />
    </div>
  );
}

export function SelectField(props: {
  bound: Bound;
  path: JsonPath;
  label: string;
  options: readonly { value: string; label: string }[];
}) {
  const id = () => fieldId(props.path);
  return (
    <div class="pfield">
      <label for={id()}>{props.label}</label>
      <select
        id={id()}
        disabled={!props.bound.draft.editable()}
        value={plain(getAt(props.bound.draft.value(), props.path))}
        onChange={(e) => props.bound.draft.edit(props.path, e.currentTarget.value)}
      >
        <For each={props.options}>{(o) => <option value={o.value}>{o.label}</option>}</For>
      </select>
      <FieldProblems problems={props.bound.problems} path={props.path} />
    </div>
  );
}
