/**
 * Where this device looks for its peers, as the Settings screen edits it: signaling servers,
 * ICE servers and a relay, kept in IndexedDB beside the memberships. Until the user saves
 * anything the defaults hold (peer-settings.ts: the app's own origin, no ICE servers, no
 * relay); nothing public is ever filled in. Saved settings are checked first (ws:/wss:
 * signaling and relay, stun:/turn:/turns: ICE) and a refusal says which line is wrong.
 */
import { createSignal, type Accessor } from 'solid-js';
import { isPatchtrailError } from '../core/errors.ts';
import { readDeviceSetting, saveDeviceSetting } from '../storage/memberships.ts';
import type { ActionResult } from './ledger-session.ts';
import {
  checkPeerSettings,
  defaultPeerSettings,
  settingsFromForm,
  settingsInForce,
  type PeerSettings,
  type PeerSettingsForm,
} from './peer-settings.ts';

const KEY = 'peer-settings';

export interface PeerConfigService {
  /** This device's settings: the saved ones, or the defaults. */
  readonly settings: Accessor<PeerSettings>;
  /** True when the user saved settings (false: the defaults hold). */
  readonly saved: Accessor<boolean>;
  /** Resolves once the saved settings are read (or found missing). */
  readonly ready: Promise<void>;
  /** The settings in force for a team whose invitation named these signaling addresses. */
  inForce(invitationSignaling: readonly string[]): PeerSettings;
  save(form: PeerSettingsForm): Promise<ActionResult>;
  /** Back to the defaults. */
  reset(): Promise<void>;
}

export interface PeerConfigOptions {
  /** Where the page came from (default: location), for same-origin signaling. */
  origin?: { protocol: string; host: string };
  /** Called after the settings changed (the transport reconnects with them). */
  changed?: () => void;
}

async function readSaved(): Promise<PeerSettings | undefined> {
  const text = await readDeviceSetting(KEY);
  if (text === undefined) return undefined;
  try {
    return checkPeerSettings(JSON.parse(text));
  } catch (error) {
    // Our own record, but checked like input: an unreadable one falls back to the defaults.
    console.warn('patchtrail: saved peer settings are unreadable; using the defaults', error);
    return undefined;
  }
}

export function createPeerConfig(options: PeerConfigOptions = {}): PeerConfigService {
  const defaults = defaultPeerSettings(options.origin ?? globalThis.location);
  const [settings, setSettings] = createSignal<PeerSettings>(defaults);
  const [saved, setSaved] = createSignal(false);
  const ready = readSaved().then(
    (found) => {
      if (found === undefined) return;
      setSettings(found);
      setSaved(true);
    },
    (error: unknown) => console.error('patchtrail: could not read peer settings', error),
  );
  const apply = (next: PeerSettings, isSaved: boolean) => {
    setSettings(next);
    setSaved(isSaved);
    options.changed?.();
  };
  return {
    settings,
    saved,
    ready,
    inForce: (signaling) => settingsInForce(settings(), signaling),
    async save(form) {
      try {
        const next = settingsFromForm(form);
        await saveDeviceSetting(KEY, JSON.stringify(next));
        apply(next, true);
        return { ok: true };
      } catch (error) {
        if (isPatchtrailError(error))
          return { ok: false, code: error.code, message: error.message };
        return { ok: false, code: 'FAILED', message: String(error) };
      }
    },
    async reset() {
      await saveDeviceSetting(KEY, undefined);
      apply(defaults, false);
    },
  };
}
