import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { createHash } from 'node:crypto';
import { createStreamingSha256, sha256Hex } from '../../src/core/crypto/hash.ts';

describe('SHA-256', () => {
  it('gives the FIPS 180-2 digest of "abc" both ways', async () => {
    const abc = new TextEncoder().encode('abc');
    const expected = 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad';
    expect(await sha256Hex(abc)).toBe(expected);
    const stream = await createStreamingSha256();
    stream.update(abc);
    expect(stream.digestHex()).toBe(expected);
  });

  it('WebCrypto one-shot and hash-wasm streaming agree with each other and with node:crypto', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.uint8Array({ maxLength: 5000 }),
        fc.array(fc.nat({ max: 5000 }), { maxLength: 5 }),
        async (data, cuts) => {
          const stream = await createStreamingSha256();
          const points = [
            0,
            ...cuts.map((c) => Math.min(c, data.length)).sort((a, b) => a - b),
            data.length,
          ];
          for (let i = 1; i < points.length; i++)
            stream.update(data.subarray(points[i - 1], points[i]));
          const native = createHash('sha256').update(data).digest('hex');
          expect(stream.digestHex()).toBe(native);
          expect(await sha256Hex(data)).toBe(native);
        },
      ),
      { numRuns: 200 },
    );
  });
});
