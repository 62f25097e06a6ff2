/** One labelled value in a description list (`<dl>`). */
import { For, Show, type JSX } from 'solid-js';
import './field.css';

export function Field(props: { label: string; testid?: string; children: JSX.Element }) {
  return (
    <div class="field" data-testid={props.testid}>
      <dt>{props.label}</dt>
      <dd>{props.children}</dd>
    </div>
  );
}

/** A list of short strings, or a muted "none". */
export function ItemList(props: { items: readonly string[]; testid?: string; code?: boolean }) {
  return (
    <Show when={props.items.length > 0} fallback={<span class="muted">none</span>}>
      <ul class="items">
        <For each={props.items}>
          {(item) => (
            <li data-testid={props.testid}>
              <Show when={props.code} fallback={item}>
                <code>{item}</code>
              </Show>
            </li>
          )}
        </For>
      </ul>
    </Show>
  );
}
