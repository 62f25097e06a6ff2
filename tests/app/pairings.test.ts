/**
 * The Peers screen's pairing steps (src/app/pairings.ts) over stand-ins for WebRTC
 * (tests/sync/fake-rtc.ts): the answering device shows its answer until the link opens, then
 * says it is paired; the offering device, once it has read the answer, says the link is
 * opening, then paired; devices that cannot reach each other are told so, in words.
 * tests/e2e/peers-join.test.ts pairs two real Chromiums through the screen.
 */
import { createRoot, createSignal } from 'solid-js';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { encodePairingCode } from '../../src/app/pairing-code.ts';
import { createPairings, type PairingService } from '../../src/app/pairings.ts';
import { Ledger, makeSeedSigner } from '../../src/core/index.ts';
import { FAKE_SDP, FakePeerConnection } from '../sync/fake-rtc.ts';

const T = '2026-12-06T10:00:00Z';

async function pairings(): Promise<{ service: PairingService; dispose: () => void }> {
  const admin = await makeSeedSigner(new Uint8Array(32).fill(1));
  const ledger = await Ledger.found(admin, { name: 'pair', admins: [admin.did], threshold: 1 }, T);
  return createRoot((dispose) => {
    const [held] = createSignal<Ledger | undefined>(ledger);
    const service = createPairings(held, { settings: () => ({ iceServers: [] }) } as never, {
      paired: () => undefined,
    });
    return { service, dispose };
  });
}

/** Waits until the service's step is `kind` (the steps follow promises and effects). */
async function until(service: PairingService, kind: string): Promise<void> {
  for (let i = 0; i < 200 && service.step().kind !== kind; i++)
    await new Promise((done) => setTimeout(done, 5));
  expect(service.step().kind, JSON.stringify(service.step())).toBe(kind);
}

/** The service after it read an offer and shows its answer. */
async function answering() {
  const made = await pairings();
  await made.service.accept(await encodePairingCode('offer', FAKE_SDP));
  await until(made.service, 'answering');
  return made;
}

describe('pairing steps on the Peers screen', () => {
  beforeEach(() => vi.stubGlobal('RTCPeerConnection', FakePeerConnection));
  afterEach(() => vi.unstubAllGlobals());

  it('answering: shows the answer until the link opens, then says it is paired', async () => {
    const { service, dispose } = await answering();
    (FakePeerConnection.last as FakePeerConnection).announce();
    await until(service, 'paired');
    expect(service.links().map((l) => l.status)).toEqual(['connected']);
    dispose();
  });

  it('offering: says the link is opening once the answer is read, then paired', async () => {
    const { service, dispose } = await pairings();
    await service.offer();
    await until(service, 'offering');
    const pc = FakePeerConnection.last as FakePeerConnection;
    await service.accept(await encodePairingCode('answer', FAKE_SDP));
    await until(service, 'linking');
    pc.channel.opened();
    await until(service, 'paired');
    dispose();
  });

  it('says the devices could not reach each other when the connection fails', async () => {
    const { service, dispose } = await answering();
    (FakePeerConnection.last as FakePeerConnection).fail();
    await until(service, 'failed');
    const step = service.step();
    expect(step.kind === 'failed' && step.message).toBe(
      'the devices could not reach each other: they must be on one network, or reach each other through ICE servers set in Settings',
    );
    expect(service.links().map((l) => l.status)).toEqual(['closed']);
    dispose();
  });

  it('refuses its own offer pasted back, makes no link, and still completes with the real answer', async () => {
    const { service, dispose } = await pairings();
    await service.offer();
    await until(service, 'offering');
    const step = service.step();
    const own = step.kind === 'offering' ? step.code : '';
    const pc = FakePeerConnection.last as FakePeerConnection;
    await service.accept(`  ${own}\n`);
    await until(service, 'failed');
    const failed = service.step();
    expect(failed.kind === 'failed' && failed.message).toBe(
      'that is this device’s own offer: read the code the other device shows instead',
    );
    expect(service.links()).toEqual([]);
    await service.accept(await encodePairingCode('answer', FAKE_SDP));
    await until(service, 'linking');
    pc.channel.opened();
    await until(service, 'paired');
    dispose();
  });
});
