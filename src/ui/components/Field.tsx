/** One labelled value in a description list (`<dl>`). */
import { createSignal, For, Show, type JSX } from 'solid-js';
import { FIRST_ITEMS, moreItems } from './paging.ts';
import './field.css';

export function Field(props: { label: string; testid?: string; children: JSX.Element }) {
  return (
    <div class="field" data-testid={props.testid}>
      <dt>{props.label}</dt>
      <dd>{props.children}</dd>
    </div>
  );
}

/**
 * A list of short strings, or a muted "none". A bundle's file list is as long as its diff
 * makes it (tens of thousands of paths fit in 8 MiB), so the first FIRST_ITEMS are shown and
 * the rest MORE_ITEMS at a time on request: the page never builds them all in one task.
 */
export function ItemList(props: { items: readonly string[]; testid?: string; code?: boolean }) {
  const [shown, setShown] = createSignal(FIRST_ITEMS);
  const more = () => moreItems(shown(), props.items.length);
  return (
    <Show when={props.items.length > 0} fallback={<span class="muted">none</span>}>
      <ul class="items">
        <For each={props.items.slice(0, shown())}>
          {(item) => (
            <li data-testid={props.testid}>
              <Show when={props.code} fallback={item}>
                <code>{item}</code>
              </Show>
            </li>
          )}
        </For>
      </ul>
      <Show when={props.items.length > shown()}>
        <button
          type="button"
          class="button button-quiet items-more"
          onClick={() => setShown(more().next)}
        >
          {more().words}
        </button>
      </Show>
    </Show>
  );
}
