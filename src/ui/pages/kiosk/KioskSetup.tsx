/**
 * Making this device a kiosk: it must be a member of the team whose key an admin endorsed with
 * the `kiosk` role (that endorsement is the admin's say-so). The admin then enters kiosk mode
 * here, optionally naming the components this kiosk runs and picking real folders to watch and
 * to keep up to date (else this browser's private storage); the page asks for full screen.
 */
import { A } from '@solidjs/router';
import { createSignal, Show } from 'solid-js';
import { useServices } from '../../../app/context.ts';
import { KioskFolders, type PickedFolders } from './KioskFolders.tsx';

/** Full screen where the browser allows it; the layout works without it. */
function askFullScreen(): void {
  const root = document.documentElement;
  if (typeof root.requestFullscreen === 'function') root.requestFullscreen().catch(() => undefined);
}

export function KioskSetup() {
  const { kiosk, passkeys } = useServices();
  const [components, setComponents] = createSignal('');
  const [refusal, setRefusal] = createSignal<string>();
  const [folders, setFolders] = createSignal<PickedFolders>({});
  const enter = (event: SubmitEvent) => {
    event.preventDefault();
    const result = kiosk.enter({ components: components().split(','), ...folders() });
    if (!result.ok) return setRefusal(result.reason);
    askFullScreen();
  };
  const eligible = () => kiosk.eligibility();
  return (
    <main class="kiosk-setup page" aria-labelledby="kiosk-setup-title">
      <h1 id="kiosk-setup-title" class="page-title">
        Kiosk mode
      </h1>
      <section class="panel stack">
        <p>
          In kiosk mode this device applies updates by itself, only when the team’s policy allows
          them, and rolls them back when they fail or an admin flags them. It shows only its status
          screen; leaving needs an admin.
        </p>
        <Show
          when={eligible().ok}
          fallback={
            <p class="notice notice-review" data-testid="kiosk-not-eligible">
              {(eligible() as { reason: string }).reason}
            </p>
          }
        >
          <form class="stack" onSubmit={enter}>
            <label class="stack-tight">
              <span class="label">Components this kiosk runs (comma-separated; empty: all)</span>
              <input
                value={components()}
                onInput={(e) => setComponents(e.currentTarget.value)}
                placeholder="signage/**, player"
              />
            </label>
            <KioskFolders picked={folders()} onChange={setFolders} />
            {/* Leaving needs an admin's passkey: without one bound, kiosk mode is a dead end. */}
            <Show when={!passkeys.adminPasskeyHere()}>
              <div class="notice notice-review stack-tight" data-testid="kiosk-no-admin-passkey">
                <p>
                  No admin of this team has bound a passkey for this address, and leaving kiosk mode
                  needs one. Once in kiosk mode, nobody could leave it but by clearing this site’s
                  data, this device’s key with it. An admin binds a passkey first, in Settings.
                </p>
                <label class="form-row">
                  <input type="checkbox" required data-testid="kiosk-no-exit-ok" />
                  Enter anyway: this device stays a kiosk until its data is cleared
                </label>
              </div>
            </Show>
            <button class="button" type="submit">
              Enter kiosk mode
            </button>
          </form>
        </Show>
        <Show when={refusal()}>{(why) => <p class="notice notice-denied">{why()}</p>}</Show>
        <A href="/settings">Back to the app</A>
      </section>
    </main>
  );
}
