/**
 * Where bundle files opened from the operating system land (app/launch.ts): the Inbox while
 * they are checked, then the Patch detail of a single file, as if it had been chosen there.
 * Files the browser would not let the app read, and files that could not be opened (with why),
 * are named in a notice.
 */
import { useNavigate } from '@solidjs/router';
import { createEffect, For, on, Show } from 'solid-js';
import { useServices } from '../../app/context.ts';

export function LaunchedFiles() {
  const { launches } = useServices();
  const navigate = useNavigate();
  createEffect(
    on(launches.latest, (launch) => {
      if (launch === undefined) return;
      const only = launch.keys?.length === 1 && launch.files === 1 ? launch.keys[0] : undefined;
      navigate(only === undefined ? '/inbox' : `/patch/${only}`);
    }),
  );
  return (
    <>
      <Show when={launches.latest()?.unreadable.length}>
        <p class="notice notice-denied" role="alert" data-testid="launch-unreadable">
          The browser would not let patchtrail read {launches.latest()?.unreadable.join(', ')}. Open
          it from the Inbox instead.
        </p>
      </Show>
      <For each={launches.latest()?.failed ?? []}>
        {(failure) => (
          <p class="notice notice-denied" role="alert" data-testid="launch-failed">
            Could not open {failure.name}: {failure.why}
          </p>
        )}
      </For>
    </>
  );
}
