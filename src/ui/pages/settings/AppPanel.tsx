/**
 * Settings → This app: the version running, whether it works offline (a service worker holds
 * every file it needs), and a check for a new version (which then shows the update banner).
 */
import { createSignal, Match, Show, Switch } from 'solid-js';
import { useServices } from '../../../app/context.ts';

export function AppPanel() {
  const { updates } = useServices();
  const [checked, setChecked] = createSignal<'reached' | 'unreachable'>();
  const check = async () => setChecked((await updates.check()) ? 'reached' : 'unreachable');
  const unavailable = () => {
    const state = updates.state();
    return state.kind === 'unavailable' ? state.message : undefined;
  };
  return (
    <section class="panel stack" aria-labelledby="app-title" data-testid="app-panel">
      <h2 id="app-title">This app</h2>
      <p>
        patchtrail <span data-testid="app-version">{updates.version}</span>
      </p>
      <Switch fallback={<p class="muted">Setting up the offline copy (first visit)…</p>}>
        <Match when={updates.state().kind === 'unsupported'}>
          <p>This browser keeps no offline copy here: checks need the page to stay open.</p>
        </Match>
        <Match when={unavailable()}>
          {(message) => <p class="notice notice-review">No offline copy: {message()}</p>}
        </Match>
        <Match when={updates.offlineReady()}>
          <p data-testid="offline-ready">
            Works offline: every screen and check is stored on this device.
          </p>
        </Match>
      </Switch>
      <Show when={updates.state().kind !== 'unsupported'}>
        <div class="form-row">
          <button type="button" class="button button-quiet" onClick={() => void check()}>
            Check for a new version
          </button>
          <span class="muted" role="status">
            <Show when={checked() === 'reached' && updates.state().kind === 'current'}>
              This is the newest version.
            </Show>
            <Show when={checked() === 'unreachable'}>
              Could not reach the server; the app looks again when the network is back.
            </Show>
          </span>
        </div>
      </Show>
    </section>
  );
}
