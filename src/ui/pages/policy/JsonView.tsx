/**
 * The JSON view of the draft: the text itself, editable, with a syntax error shown at its line
 * and column (and the caret taken there on request), and the policy's problems listed with the
 * line each one is at.
 */
import { For, Show } from 'solid-js';
import type { PolicyDraft } from '../../../app/policy-draft.ts';
import { positionOf, type TextPosition } from '../../../app/policy-json.ts';
import type { DraftCheck } from '../../../app/policy-check.ts';

export function JsonView(props: { draft: PolicyDraft; check: DraftCheck | undefined }) {
  let area: HTMLTextAreaElement | undefined;
  const goTo = (at: TextPosition) => {
    area?.focus();
    area?.setSelectionRange(at.offset, at.offset);
  };
  const syntax = () => (props.check?.kind === 'syntax' ? props.check : undefined);
  const located = () => {
    const check = props.check;
    const parsed = props.draft.parsed();
    if (check?.kind !== 'checked' || !parsed.ok) return [];
    return check.problems.map((p) => ({ ...p, at: positionOf(parsed.positions, p.path) }));
  };
  return (
    <div class="stack json-view">
      <label for="policy-json">Policy as JSON</label>
      <textarea
        id="policy-json"
        ref={(el) => (area = el)}
        class="code-input json-text"
        spellcheck={false}
        rows={20}
        aria-invalid={syntax() !== undefined}
        aria-describedby={syntax() === undefined ? undefined : 'policy-json-error'}
        value={props.draft.text()}
        onInput={(e) => props.draft.setText(e.currentTarget.value)}
      />
      <Show when={syntax()}>
        {(s) => (
          <p class="notice notice-denied" id="policy-json-error" data-testid="json-error">
            Line {s().at.line}, column {s().at.column}: {s().message}.{' '}
            <button
              type="button"
              class="button button-quiet button-small"
              onClick={() => goTo(s().at)}
            >
              Go there
            </button>
          </p>
        )}
      </Show>
      <Show when={located().length > 0}>
        <ul class="plain-list json-problems">
          <For each={located()}>
            {(p) => (
              <li class={`field-problem field-${p.severity}`} data-testid="json-problem">
                <Show when={p.at}>{(at) => <>Line {at().line}: </>}</Show>
                <code>{p.path || '(policy)'}</code> {p.message}
              </li>
            )}
          </For>
        </ul>
      </Show>
    </div>
  );
}
