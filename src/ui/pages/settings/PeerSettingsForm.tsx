/**
 * Settings › Peers: where this device looks for its teammates. Signaling servers (ws:/wss:),
 * ICE servers (stun:/turn:/turns:) and a relay (ws:/wss:), checked before they are kept. The
 * only default is the app's own server; nothing public is ever filled in. How to reach
 * teammates' laptops on a LAN is explained beside the form.
 */
import { createSignal } from 'solid-js';
import { useServices } from '../../../app/context.ts';
import { settingsAsForm, type PeerSettingsForm } from '../../../app/peer-settings.ts';
import { Said, type Saying } from '../../components/Said.tsx';

function LanHelp() {
  return (
    <div class="stack-tight prose" data-testid="lan-help">
      <h3>Reaching teammates’ laptops</h3>
      <p>
        <code>npm start</code> serves the app and its signaling server on this computer only
        (127.0.0.1). To let teammates on the same network in, start it on a LAN address:{' '}
        <code>npm start -- --host 0.0.0.0</code> (every interface) or{' '}
        <code>npm start -- --host 192.168.1.20</code> (this computer’s address). Each teammate opens
        the app from a secure address (their own <code>npm start</code> on localhost, or your server
        behind https): a browser opening plain <code>http://192.168.1.20:4173</code> from another
        machine withholds the cryptography the app needs. Add this computer’s signaling here on
        their devices, <code>ws://192.168.1.20:4173/signal</code>, or invite them from a device that
        has it: invitations carry the signaling servers they name. Peers on one LAN need no ICE
        servers. Teams larger than about 20 devices add a relay (<code>npm run relay</code>, then{' '}
        <code>ws://192.168.1.20:4455</code>).
      </p>
      <p class="muted small">
        No public signaling, STUN or TURN server is used unless you type one in: whatever you add
        here learns when this device is online and its network addresses.
      </p>
    </div>
  );
}

export function PeerSettingsSection() {
  const { peerConfig } = useServices();
  const initial = settingsAsForm(peerConfig.settings());
  const [form, setForm] = createSignal<PeerSettingsForm>(initial);
  const [said, setSaid] = createSignal<Saying>();
  const set = (field: keyof PeerSettingsForm) => (event: { currentTarget: { value: string } }) =>
    setForm((f) => ({ ...f, [field]: event.currentTarget.value }));
  void peerConfig.ready.then(() => setForm(settingsAsForm(peerConfig.settings())));

  const save = async (event: Event) => {
    event.preventDefault();
    const done = await peerConfig.save(form());
    setSaid(
      done.ok
        ? { ok: true, text: 'Saved. This device reconnects with these settings.' }
        : { ok: false, text: `Not saved: ${done.message}` },
    );
  };
  const reset = async () => {
    await peerConfig.reset();
    setForm(settingsAsForm(peerConfig.settings()));
    setSaid({ ok: true, text: 'Back to the defaults: this app’s own server, no ICE servers.' });
  };

  return (
    <section class="panel stack" aria-labelledby="peer-settings-title" data-testid="peer-settings">
      <h2 id="peer-settings-title">Peers and signaling</h2>
      <form class="stack-tight" onSubmit={(event) => void save(event)}>
        <label for="signaling-urls">Signaling servers (one per line, ws:// or wss://)</label>
        <textarea
          id="signaling-urls"
          class="settings-code"
          rows="3"
          value={form().signaling}
          onInput={set('signaling')}
        />
        <p class="muted small">
          Empty: no server, only tabs of this browser and pairing. An invitation can add its team’s
          own.
        </p>
        <label for="ice-servers">
          ICE servers (one per line: stun:, turn: or turns:, then for TURN a username and a
          credential)
        </label>
        <textarea
          id="ice-servers"
          class="settings-code"
          rows="2"
          value={form().iceServers}
          placeholder="none: peers on one network"
          onInput={set('iceServers')}
        />
        <label for="relay-url">Relay (ws:// or wss://, optional)</label>
        <input
          id="relay-url"
          class="settings-code"
          type="text"
          value={form().relay}
          placeholder="none"
          onInput={set('relay')}
        />
        <div class="settings-buttons">
          <button type="submit" class="button">
            Save peer settings
          </button>
          <button type="button" class="button button-quiet" onClick={() => void reset()}>
            Use the defaults
          </button>
        </div>
        <Said said={said()} testid="peer-settings-said" />
      </form>
      <LanHelp />
    </section>
  );
}
