/**
 * Where a device looks for peers: defaults reach only the origin the app came from, with no
 * ICE servers; settings from a user or an invitation are checked and refused with
 * MALFORMED_INPUT when they name anything but ws:/wss: signaling and relay addresses and
 * stun:/turn:/turns: ICE servers.
 */
import { describe, expect, it } from 'vitest';
import { checkPeerSettings, defaultPeerSettings } from '../../src/app/peer-settings.ts';
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
});
