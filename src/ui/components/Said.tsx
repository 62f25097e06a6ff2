/** What an action just did, in a status line: plain when it worked, as a refusal when not. */
import { Show } from 'solid-js';

export interface Saying {
  ok: boolean;
  text: string;
}

export function Said(props: { said: Saying | undefined; testid: string }) {
  return (
    <Show when={props.said}>
      {(s) => (
        <p
          class={s().ok ? 'notice' : 'notice notice-denied'}
          role="status"
          data-testid={props.testid}
        >
          {s().text}
        </p>
      )}
    </Show>
  );
}
