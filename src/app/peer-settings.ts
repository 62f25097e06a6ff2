/**
 * Where a device looks for its peers. Defaults reach nothing beyond the server the app came
 * from: signaling at the same origin's /signal (what `npm start` serves), no ICE servers (host
 * candidates: peers on one LAN or machine), no relay. Public signaling, STUN or TURN servers
 * are never a default; a team that wants one types it in Settings. Settings are user input
 * (or come in an invitation): anything but ws:/wss: signaling and relay addresses and
 * stun:/turn:/turns: ICE addresses is refused with MALFORMED_INPUT.
 */
import { reject } from '../core/errors.ts';

export interface PeerSettings {
  /** Signaling servers speaking y-webrtc's protocol; empty: tabs of this browser only. */
  signaling: string[];
  iceServers: RTCIceServer[];
  /** A y-websocket relay (`npm run relay`), for teams beyond a WebRTC mesh. */
  relay?: string;
}

/** The same-origin signaling address of the page at `origin` (e.g. location). */
export function sameOriginSignaling(origin: { protocol: string; host: string }): string {
  return `${origin.protocol === 'https:' ? 'wss' : 'ws'}://${origin.host}/signal`;
}

export function defaultPeerSettings(origin: { protocol: string; host: string }): PeerSettings {
  const servable = origin.protocol === 'http:' || origin.protocol === 'https:';
  return { signaling: servable ? [sameOriginSignaling(origin)] : [], iceServers: [] };
}

const MAX_URLS = 8;

function checkUrl(text: unknown, schemes: readonly string[], what: string): string {
  if (typeof text !== 'string' || text.length > 2048)
    reject('MALFORMED_INPUT', `${what}: expected an address, found ${typeof text}`);
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return reject('MALFORMED_INPUT', `${what}: "${text}" is not an address`);
  }
  if (!schemes.includes(url.protocol))
    reject(
      'MALFORMED_INPUT',
      `${what}: "${text}" must start with ${schemes.join(' or ')}${webSocketHint(url, schemes)}`,
    );
  return text;
}

/** For a web address where a WebSocket one is wanted: the address meant, most likely. */
function webSocketHint(url: URL, schemes: readonly string[]): string {
  const meant = { 'http:': 'ws:', 'https:': 'wss:' }[url.protocol];
  if (meant === undefined || !schemes.includes(meant)) return '';
  return ` (for this server: "${meant}${url.href.slice(url.protocol.length)}")`;
}

function checkList<T>(value: unknown, what: string, each: (item: unknown) => T): T[] {
  if (!Array.isArray(value)) reject('MALFORMED_INPUT', `${what}: expected a list`);
  if (value.length > MAX_URLS) reject('MALFORMED_INPUT', `${what}: at most ${MAX_URLS}`);
  return value.map(each);
}

function checkIceServer(value: unknown): RTCIceServer {
  if (typeof value !== 'object' || value === null)
    reject('MALFORMED_INPUT', 'ICE server: expected an object');
  const { urls, username, credential } = value as Record<string, unknown>;
  const list = typeof urls === 'string' ? [urls] : urls;
  const checked = checkList(list, 'ICE server urls', (u) =>
    checkUrl(u, ['stun:', 'turn:', 'turns:'], 'ICE server'),
  );
  const server: RTCIceServer = { urls: checked };
  if (typeof username === 'string') server.username = username;
  if (typeof credential === 'string') server.credential = credential;
  return server;
}

/** Checks settings from the user or an invitation; throws PatchtrailError MALFORMED_INPUT. */
export function checkPeerSettings(value: unknown): PeerSettings {
  if (typeof value !== 'object' || value === null)
    reject('MALFORMED_INPUT', 'peer settings: expected an object');
  const { signaling, iceServers, relay } = value as Record<string, unknown>;
  const settings: PeerSettings = {
    signaling: checkList(signaling, 'signaling', (u) => checkUrl(u, ['ws:', 'wss:'], 'signaling')),
    iceServers: checkList(iceServers, 'ICE servers', checkIceServer),
  };
  if (relay !== undefined && relay !== '')
    settings.relay = checkUrl(relay, ['ws:', 'wss:'], 'relay');
  return settings;
}

/** The settings in force for a team: its invitation's signaling first, then this device's. */
export function settingsInForce(
  device: PeerSettings,
  invitationSignaling: readonly string[],
): PeerSettings {
  const signaling = [...new Set([...invitationSignaling, ...device.signaling])].slice(0, MAX_URLS);
  return { ...device, signaling };
}

/** Settings as the Settings form shows them: one address per line. */
export interface PeerSettingsForm {
  signaling: string;
  /** One ICE server per line: its address, then optionally a username and a credential. */
  iceServers: string;
  relay: string;
}

const linesOf = (text: string) =>
  text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '');

export function settingsAsForm(settings: PeerSettings): PeerSettingsForm {
  const ice = settings.iceServers.flatMap((server) => {
    const urls = typeof server.urls === 'string' ? [server.urls] : server.urls;
    const auth = server.username === undefined ? [] : [server.username, server.credential ?? ''];
    return urls.map((url) => [url, ...auth].join(' ').trim());
  });
  return {
    signaling: settings.signaling.join('\n'),
    iceServers: ice.join('\n'),
    relay: settings.relay ?? '',
  };
}

/** Reads the Settings form (user input); throws PatchtrailError MALFORMED_INPUT, naming the line. */
export function settingsFromForm(form: PeerSettingsForm): PeerSettings {
  const iceServers = linesOf(form.iceServers).map((line) => {
    const [urls, username, credential, ...rest] = line.split(/\s+/);
    if (rest.length > 0 || (username !== undefined && credential === undefined))
      reject(
        'MALFORMED_INPUT',
        `ICE server "${line}": expected an address, or an address, a username and a credential`,
      );
    return { urls, ...(username === undefined ? {} : { username, credential }) };
  });
  return checkPeerSettings({
    signaling: linesOf(form.signaling),
    iceServers,
    relay: form.relay.trim(),
  });
}
