/**
 * Settings: this device's identity (name, did:key) and what it must not lose, its passkeys,
 * storage (kept or not, how much is used), the theme, where to look for peers, the teams this
 * device holds, and the app's version and offline copy.
 */
import { A } from '@solidjs/router';
import { createSignal, Show } from 'solid-js';
import { useServices } from '../../../app/context.ts';
import { currentTheme, setTheme, type Theme } from '../../../app/theme.ts';
import { Did } from '../../components/CopyButton.tsx';
import { deviceTime } from '../../components/format.ts';
import { DeviceNameForm } from '../../components/DeviceNameForm.tsx';
import { PasskeysPanel } from './PasskeysPanel.tsx';
import { AppPanel } from './AppPanel.tsx';
import { StoragePanel } from './StoragePanel.tsx';
import { TeamsPanel } from './TeamsPanel.tsx';
import { PeerSettingsSection } from './PeerSettingsForm.tsx';
import './settings.css';

function KeyFacts() {
  return (
    <div class="key-facts" data-testid="key-facts">
      <h3>What this device must not lose</h3>
      <ul>
        <li>
          This device’s private key was made in this browser and <strong>cannot leave it</strong>:
          the browser refuses to export it, by design. There is no backup and no copy.
        </li>
        <li>
          If the device is lost, wiped, or this browser’s data is cleared, the key is gone. Make a
          new key on the replacement device, ask an admin to endorse it, and have the old one
          revoked so nobody can sign with it.
        </li>
        <li>
          Clearing this site’s data in the browser deletes the key. Do not, unless you mean it.
        </li>
      </ul>
    </div>
  );
}

export default function SettingsPage() {
  const { device, teams } = useServices();
  const [theme, setChosen] = createSignal<Theme>(currentTheme());
  const choose = (next: Theme) => {
    setChosen(next);
    setTheme(next);
  };
  return (
    <section class="page" aria-labelledby="settings-title">
      <h1 id="settings-title" class="page-title">
        Settings
      </h1>
      <section class="panel stack" aria-labelledby="device-title" data-testid="device-identity">
        <h2 id="device-title">This device</h2>
        <Show when={device.failure()}>{(why) => <p class="notice notice-denied">{why()}</p>}</Show>
        <Show when={device.key()} fallback={<p class="muted">Reading this device’s key…</p>}>
          {(key) => (
            <>
              <DeviceNameForm
                name={key().name}
                hint={
                  teams.phase().kind === 'open'
                    ? 'Teammates see this name: saving a new one records it on the team ledger.'
                    : undefined
                }
                onSave={async (name) => {
                  const renamed = await device.rename(name);
                  const recorded = await teams.recordName(renamed.name);
                  if (recorded === undefined) return 'Saved.';
                  if (recorded.ok) return 'Saved, and recorded on the team ledger.';
                  return `Saved on this device; not recorded on the team ledger: ${recorded.message}`;
                }}
              />
              <div class="stack-tight">
                <span class="label">Identity (did:key)</span>
                <Did did={key().did} />
              </div>
              <p class="muted small">
                Key made {deviceTime(key().created)}. Ed25519, kept in this browser’s storage as a
                non-exportable key.
              </p>
            </>
          )}
        </Show>
        <KeyFacts />
      </section>
      <PasskeysPanel />
      <StoragePanel />
      <section class="panel stack" aria-labelledby="theme-title">
        <h2 id="theme-title">Appearance</h2>
        <label for="theme">Theme</label>
        <select
          id="theme"
          value={theme()}
          onChange={(event) => choose(event.currentTarget.value as Theme)}
        >
          <option value="system">Same as the system</option>
          <option value="light">Light</option>
          <option value="dark">Dark</option>
        </select>
      </section>
      <PeerSettingsSection />
      <TeamsPanel />
      <AppPanel />
      <section class="panel stack" aria-labelledby="kiosk-title">
        <h2 id="kiosk-title">Kiosk mode</h2>
        <p class="muted">
          Make this device a kiosk that applies allowed updates by itself and shows only its status.
          It needs the team’s “kiosk” role; leaving it needs an admin.
        </p>
        <A href="/kiosk">Set up kiosk mode…</A>
      </section>
    </section>
  );
}
