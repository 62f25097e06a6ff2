/**
 * Where a device looks for peers: defaults reach only the origin the app came from, with no
 * ICE servers; settings from a user or an invitation are checked and refused with
 * MALFORMED_INPUT when they name anything but ws:/wss: signaling and relay addresses and
 * stun:/turn:/turns: ICE servers.
 */
import { describe, expect, it } from 'vitest';
import {
  checkPeerSettings,
  defaultPeerSettings,
  settingsAsForm,
  settingsFromForm,
  settingsInForce,
} from '../../src/app/peer-settings.ts';
import { codeOf } from '../helpers/codes.ts';

describe('peer settings', () => {
  it('defaults to same-origin signaling and no ICE servers, never a public server', () => {
    expect(defaultPeerSettings({ protocol: 'http:', host: '127.0.0.1:4173' })).toEqual({
      signaling: ['ws://127.0.0.1:4173/signal'],
      iceServers: [],
    });
    expect(
      defaultPeerSettings({ protocol: 'https:', host: 'team.example:8443' }).signaling,
    ).toEqual(['wss://team.example:8443/signal']);
    expect(defaultPeerSettings({ protocol: 'file:', host: '' })).toEqual({
      signaling: [],
      iceServers: [],
    });
  });

  it('accepts signaling, ICE and relay addresses of the right kinds', () => {
    const settings = {
      signaling: ['ws://192.168.1.20:4173/signal', 'wss://signal.team.example/'],
      iceServers: [
        { urls: 'stun:192.168.1.20:3478' },
        { urls: ['turn:t.example'], username: 'u', credential: 'c' },
      ],
      relay: 'ws://192.168.1.20:4455',
    };
    expect(checkPeerSettings(settings)).toEqual({
      ...settings,
      iceServers: [
        { urls: ['stun:192.168.1.20:3478'] },
        { urls: ['turn:t.example'], username: 'u', credential: 'c' },
      ],
    });
  });

  it('refuses anything else with MALFORMED_INPUT', async () => {
    const bad: unknown[] = [
      null,
      { signaling: 'ws://x', iceServers: [] },
      { signaling: ['http://x/signal'], iceServers: [] },
      { signaling: ['javascript:alert(1)'], iceServers: [] },
      { signaling: ['not a url'], iceServers: [] },
      { signaling: [], iceServers: [{ urls: 'https://stun.example' }] },
      { signaling: [], iceServers: ['stun:x'] },
      { signaling: [], iceServers: [], relay: 'http://relay' },
      { signaling: Array(9).fill('ws://x'), iceServers: [] },
    ];
    for (const value of bad)
      expect(await codeOf(() => checkPeerSettings(value))).toBe('MALFORMED_INPUT');
  });

  it('names the WebSocket address meant when given a web address, and only then', async () => {
    const message = (value: unknown) => {
      try {
        checkPeerSettings(value);
        return 'accepted';
      } catch (error) {
        return (error as Error).message;
      }
    };
    expect(message({ signaling: ['http://192.168.1.20:4173/signal'], iceServers: [] })).toBe(
      'signaling: "http://192.168.1.20:4173/signal" must start with ws: or wss: (for this server: "ws://192.168.1.20:4173/signal")',
    );
    expect(message({ signaling: [], iceServers: [], relay: 'https://relay.lan/r?x=1' })).toBe(
      'relay: "https://relay.lan/r?x=1" must start with ws: or wss: (for this server: "wss://relay.lan/r?x=1")',
    );
    expect(message({ signaling: ['ftp://x/signal'], iceServers: [] })).toBe(
      'signaling: "ftp://x/signal" must start with ws: or wss:',
    );
    expect(message({ signaling: [], iceServers: [{ urls: 'https://stun.lan' }] })).toBe(
      'ICE server: "https://stun.lan" must start with stun: or turn: or turns:',
    );
  });

  it('reads the Settings form line by line and shows saved settings back the same way', async () => {
    const form = {
      signaling: ' ws://192.168.1.20:4173/signal \n\nwss://signal.team.example/\n',
      iceServers: 'stun:192.168.1.20:3478\nturn:t.example  alice  s3cret',
      relay: ' ws://192.168.1.20:4455 ',
    };
    const settings = settingsFromForm(form);
    expect(settings).toEqual({
      signaling: ['ws://192.168.1.20:4173/signal', 'wss://signal.team.example/'],
      iceServers: [
        { urls: ['stun:192.168.1.20:3478'] },
        { urls: ['turn:t.example'], username: 'alice', credential: 's3cret' },
      ],
      relay: 'ws://192.168.1.20:4455',
    });
    expect(settingsFromForm(settingsAsForm(settings))).toEqual(settings);
    expect(settingsFromForm({ signaling: '', iceServers: '', relay: '' })).toEqual({
      signaling: [],
      iceServers: [],
    });
    for (const bad of [
      { signaling: 'http://192.168.1.20/signal', iceServers: '', relay: '' },
      { signaling: '', iceServers: 'turn:t.example alice', relay: '' }, // a username, no credential
      { signaling: '', iceServers: 'stun:a b c d', relay: '' },
      { signaling: '', iceServers: '', relay: 'https://relay.example' },
    ])
      expect(await codeOf(() => settingsFromForm(bad))).toBe('MALFORMED_INPUT');
  });

  it('puts an invitation’s signaling first, then this device’s, each once', () => {
    const device = {
      signaling: ['ws://127.0.0.1:4173/signal', 'ws://192.168.1.20:4173/signal'],
      iceServers: [{ urls: ['stun:192.168.1.20:3478'] }],
    };
    expect(settingsInForce(device, ['ws://192.168.1.20:4173/signal'])).toEqual({
      signaling: ['ws://192.168.1.20:4173/signal', 'ws://127.0.0.1:4173/signal'],
      iceServers: [{ urls: ['stun:192.168.1.20:3478'] }],
    });
    expect(settingsInForce(device, [])).toEqual(device);
  });
});
