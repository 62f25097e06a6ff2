/**
 * Presence claims (src/app/presence.ts): a peer names its device key in Yjs awareness with a
 * signature over the room, its awareness client, its y-webrtc peer id and a time. The claim
 * names the peer only when all of those check out; a claim moved to another client, peer or
 * room, a did that did not sign it, a stale or future time, or a malformed shape names no one.
 */
import { describe, expect, it } from 'vitest';
import {
  checkPresence,
  makePresence,
  presenceOf,
  PRESENCE_FRESH_MS,
  signPresence,
} from '../../src/app/presence.ts';
import { makeSeedSigner, type Signer } from '../../src/core/index.ts';

const ROOM = 'patchtrail-0123456789abcdef0123456789abcdef';
const PEER = '3f1c2a9e-5b7d-4c1e-9a2b-8d7e6f5a4b3c';
const NOW = 1_796_500_000_000;
const signer = (b: number): Promise<Signer> => makeSeedSigner(new Uint8Array(32).fill(b));

async function until(read: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !read(); i++) await new Promise((done) => setTimeout(done, 5));
}

describe('presence claims', () => {
  it('proves the did that signed it, for its room, client and peer id', async () => {
    const device = await signer(3);
    const claim = await signPresence(device, ROOM, 42, PEER, NOW);
    expect(presenceOf({ v: 1, presence: claim })).toEqual(claim);
    expect(await checkPresence(claim, ROOM, 42, NOW + 60_000)).toBe(device.did);
  });

  it('names no one when anything it was signed over differs, or it is stale', async () => {
    const device = await signer(3);
    const other = await signer(4);
    const claim = await signPresence(device, ROOM, 42, PEER, NOW);
    const refused = [
      checkPresence(claim, ROOM.replace('0', '1'), 42, NOW), // another room
      checkPresence(claim, ROOM, 43, NOW), // copied to another awareness client
      checkPresence({ ...claim, peer: PEER.replace('3', '4') }, ROOM, 42, NOW), // another peer
      checkPresence({ ...claim, did: other.did }, ROOM, 42, NOW), // another did, same signature
      checkPresence({ ...claim, at: NOW + 1 }, ROOM, 42, NOW), // another time
      checkPresence(claim, ROOM, 42, NOW + PRESENCE_FRESH_MS + 1), // stale
      checkPresence(claim, ROOM, 42, NOW - PRESENCE_FRESH_MS - 1), // from the future
      checkPresence({ ...claim, did: 'did:key:zNotAKey' }, ROOM, 42, NOW),
      checkPresence({ ...claim, sig: '!!!' }, ROOM, 42, NOW),
    ];
    expect(await Promise.all(refused)).toEqual(refused.map(() => undefined));
  });

  it('reads only claims of the right shape from awareness states', () => {
    const good = { did: 'did:key:z6Mk', peer: PEER, at: NOW, sig: 'AAAA' };
    for (const bad of [
      undefined,
      null,
      'presence',
      { presence: null },
      { presence: { ...good, at: '1' } },
      { presence: { ...good, peer: '<script>' } },
      { presence: { ...good, did: 'x'.repeat(200) } },
      { presence: { ...good, sig: 7 } },
    ])
      expect(presenceOf(bad)).toBeUndefined();
    expect(presenceOf({ presence: good })).toEqual(good);
  });

  it('names a connected peer once its claim is checked, and only the peer it was made for', async () => {
    const device = await signer(3);
    const forger = await signer(9);
    let checks = 0;
    const presence = makePresence(
      ROOM,
      undefined,
      () => NOW,
      () => checks++,
    );
    const claim = await signPresence(device, ROOM, 42, PEER, NOW);
    const forged = { ...(await signPresence(forger, ROOM, 43, 'aaaa', NOW)), did: device.did };
    const states = new Map<number, unknown>([
      [42, { presence: claim }],
      [43, { presence: forged }],
      [1, { presence: await signPresence(device, ROOM, 1, 'cccc', NOW) }], // this device itself
    ]);
    const peers = [PEER, 'aaaa', 'bbbb', 'cccc'].map((id) => ({
      id,
      via: 'webrtc' as const,
      connected: true,
      synced: true,
    }));
    expect(presence.name(peers, states, 1).map((p) => p.did)).toEqual([
      undefined,
      undefined,
      undefined,
      undefined,
    ]);
    await until(() => checks > 0);
    expect(presence.name(peers, states, 1).map((p) => p.did)).toEqual([
      device.did,
      undefined,
      undefined,
      undefined,
    ]);
  });

  it('signs its own claim once per doc and peer id, and again before it goes stale', async () => {
    const device = await signer(3);
    let now = NOW;
    const presence = makePresence(
      ROOM,
      device,
      () => now,
      () => undefined,
    );
    expect(presence.stale(5, undefined)).toBe(false); // no room yet: nothing to sign for
    expect(presence.stale(5, PEER)).toBe(true);
    const first = await presence.own(5, PEER);
    expect(presence.stale(5, PEER)).toBe(false);
    expect(await presence.own(5, PEER)).toBe(first);
    expect(presence.stale(6, PEER)).toBe(true); // a rebuilt doc has a new client id
    now += PRESENCE_FRESH_MS / 2;
    expect(presence.stale(5, PEER)).toBe(true);
    const renewed = await presence.own(5, PEER);
    expect(renewed?.at).toBe(now);
    expect(await checkPresence(renewed as never, ROOM, 5, now)).toBe(device.did);
  });
});
