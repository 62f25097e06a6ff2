/**
 * Says, above every page, when the browser withholds what patchtrail needs (not a secure
 * context: plain http from another machine's address), so nothing fails without a word.
 */
import { Show } from 'solid-js';
import { insecureContext } from '../../app/secure-context.ts';

export function InsecureBanner() {
  const problem = insecureContext();
  return (
    <Show when={problem}>
      {(said) => (
        <div
          class="notice notice-denied insecure-banner"
          role="alert"
          data-testid="insecure-banner"
        >
          <p>
            <strong>patchtrail cannot work on this page.</strong>
          </p>
          <p>{said()}</p>
        </div>
      )}
    </Show>
  );
}
