/**
 * The WebCrypto probe at start-up: it imports a constant key instead of deriving one with noble,
 * whose first use costs its precomputation (about 44 ms at every CLI start).
 */
import type * as Noble from '@noble/curves/ed25519.js';
import { describe, expect, it, vi } from 'vitest';
import { defaultBackend, probeKey, publicKeyFromSeed } from '../../src/core/crypto/ed25519.ts';

const derived = vi.hoisted(() => ({ count: 0 }));

vi.mock('@noble/curves/ed25519.js', async (importOriginal) => {
  const real = await importOriginal<typeof Noble>();
  const getPublicKey = (seed: Uint8Array) => {
    derived.count++;
    return real.ed25519.getPublicKey(seed);
  };
  return { ...real, ed25519: { ...real.ed25519, getPublicKey } };
});

describe('the Ed25519 backend probe', () => {
  it('finds WebCrypto without deriving a key with noble', async () => {
    expect(await defaultBackend()).toBe('webcrypto');
    expect(derived.count).toBe(0);
  });

  it('probes with a valid key: the public key of the all-zero seed', () => {
    expect(probeKey()).toEqual(publicKeyFromSeed(new Uint8Array(32)));
  });
});
