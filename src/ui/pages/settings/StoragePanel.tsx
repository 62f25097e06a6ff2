/**
 * Settings → Storage: whether the browser keeps patchtrail's data or may clear it when the
 * device runs short of space (persistent storage), what that means, and how much of its quota
 * the app uses.
 */
import { Match, Show, Switch } from 'solid-js';
import { useServices } from '../../../app/context.ts';
import { formatBytes } from '../../components/format.ts';

export function StoragePanel() {
  const { persistence } = useServices();
  const ask = () => void persistence.request().then(() => persistence.measure());
  return (
    <section class="panel stack" aria-labelledby="storage-title" data-testid="storage">
      <h2 id="storage-title">Storage on this device</h2>
      <div data-testid="persistence" data-state={persistence.persistence()}>
        <Switch>
          <Match when={persistence.persistence() === 'granted'}>
            <p>
              <strong>Kept.</strong> The browser agreed not to clear patchtrail’s data on its own
              (persistent storage is granted). Clearing this site’s data by hand still deletes it.
            </p>
          </Match>
          <Match when={persistence.persistence() === 'not-granted'}>
            <p>
              <strong>Not guaranteed.</strong> The browser did not grant persistent storage: it may
              clear patchtrail’s data — this device’s key, team ledgers, workspaces — when the
              device runs short of space. Installing the app makes browsers more willing to keep it.
            </p>
            <button type="button" class="button button-quiet" onClick={ask}>
              Ask the browser again
            </button>
          </Match>
          <Match when={persistence.persistence() === 'checking'}>
            <p class="muted">Asking the browser whether it keeps this data…</p>
          </Match>
          <Match when={persistence.persistence() === 'unsupported'}>
            <p>This browser does not say whether it keeps site data.</p>
          </Match>
        </Switch>
      </div>
      <Show when={persistence.use()}>
        {(use) => (
          <p class="muted small" data-testid="storage-use">
            patchtrail uses {formatBytes(use().usage)} of the {formatBytes(use().quota)} this
            browser allows it. When that is full, saving stops with a message and nothing saved
            before is lost.
          </p>
        )}
      </Show>
    </section>
  );
}
