/**
 * Applies and rollbacks that were cut short (a reload, a closed tab, a crash) and what became
 * of them: finished and recorded, nothing had changed, or what the person must do to finish
 * (app/unfinished.ts). On the Inbox every one; on a Patch detail those of its bundle. The
 * status region is always there, so a notice that appears in it is announced.
 */
import { A } from '@solidjs/router';
import { For, Show } from 'solid-js';
import { useServices } from '../../app/context.ts';

export function UnfinishedNotices(props: { patchKey?: string }) {
  const { workflow } = useServices();
  const shown = () =>
    workflow.unfinished().filter((n) => props.patchKey === undefined || n.key === props.patchKey);
  return (
    <div role="status" class="unfinished-notices">
      <For each={shown()}>
        {(notice) => (
          <div
            class={`notice${notice.tone === 'waiting' ? ' notice-review' : notice.tone === 'problem' ? ' notice-denied' : ''}`}
            data-testid="unfinished"
            data-tone={notice.tone}
          >
            <p>{notice.text}</p>
            <Show when={props.patchKey === undefined}>
              <A href={`/patch/${notice.key}`}>Open the patch</A>
            </Show>
            <button type="button" onClick={() => workflow.dismissUnfinished(notice.id)}>
              Dismiss
            </button>
          </div>
        )}
      </For>
    </div>
  );
}
