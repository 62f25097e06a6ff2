/**
 * The peer session's ledger digest (src/app/peers.ts) costs what the ledger's size costs, so it
 * is computed only when someone can read it: a device with no peer or tab connected admits
 * entries without digesting the ledger, and its claim says how many entries it holds.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { connectPeers, type PeersSession } from '../../src/app/peers.ts';
import { Ledger, makeSeedSigner } from '../../src/core/index.ts';

const T = '2026-11-22T11:00:00Z';
let session: PeersSession | undefined;
afterEach(() => {
  session?.close();
  session = undefined;
});

describe('the peer session alone', () => {
  it('admits entries without digesting the ledger, and claims its size', async () => {
    const [admin, other] = await Promise.all(
      [1, 2].map((n) => makeSeedSigner(new Uint8Array(32).fill(n))),
    );
    if (admin === undefined || other === undefined) throw new Error('no signers');
    const ledger = await Ledger.found(admin, { name: 't', admins: [admin.did], threshold: 1 }, T);
    const digest = vi.spyOn(ledger, 'digest');
    session = await connectPeers(ledger, {
      roomSecret: 'secret',
      settings: { signaling: [], iceServers: [] },
    });
    await ledger.append(other, 'register', { name: 'other' }, T);
    for (let burst = 0; burst < 4; burst++) {
      for (let i = 0; i < 5; i++)
        await ledger.append(
          other,
          'posture',
          { subject: other.did, checks: { [`check-${burst}`]: 'pass' } },
          T,
        );
      await new Promise((done) => setTimeout(done, 300));
    }
    await expect.poll(() => session?.state().size).toBe(ledger.size);
    expect(ledger.size).toBe(22);
    expect(session.state().peers).toEqual([]);
    expect(digest).not.toHaveBeenCalled();
  });
});
