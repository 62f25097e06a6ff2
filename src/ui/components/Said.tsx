/**
 * What an action just did, in a status line: plain when it worked, as a refusal when not. The
 * status region is always on the page, so a screen reader hears each new text put in it.
 */
import { Show } from 'solid-js';

export interface Saying {
  ok: boolean;
  text: string;
}

export function Said(props: { said: Saying | undefined; testid: string }) {
  return (
    <div role="status">
      <Show when={props.said}>
        {(s) => (
          <p class={s().ok ? 'notice' : 'notice notice-denied'} data-testid={props.testid}>
            {s().text}
          </p>
        )}
      </Show>
    </div>
  );
}
