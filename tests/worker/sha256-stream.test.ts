/**
 * The streaming SHA-256 kernel that hashes files (worker/sha256-stream.ts over
 * wasm/assembly/sha256-stream.ts): FIPS 180-4 known answers, and node:crypto's digest for any
 * bytes cut into updates at any points.
 */
import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createFileSha256, fileSha256Engine, PIECE_BYTES } from '../../worker/sha256-stream.ts';

const text = (s: string) => new TextEncoder().encode(s);
const nodeSha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

async function kernelSha256(bytes: Uint8Array, cuts: readonly number[] = []): Promise<string> {
  const hasher = await createFileSha256();
  let at = 0;
  for (const cut of [...cuts].sort((a, b) => a - b)) {
    hasher.update(bytes.subarray(at, cut));
    at = cut;
  }
  hasher.update(bytes.subarray(at));
  return hasher.digestHex();
}

function patterned(length: number, seed = 1): Uint8Array {
  const bytes = new Uint8Array(length);
  let x = seed;
  for (let i = 0; i < length; i++) bytes[i] = (x = (x * 1103515245 + 12345) >>> 0) >>> 24;
  return bytes;
}

describe('streaming SHA-256 kernel', () => {
  it('is the kernel that runs here, not the hash-wasm fallback (else these tests test hash-wasm)', async () => {
    expect(await fileSha256Engine()).toBe('kernel');
  });

  it('gives the FIPS 180-4 example digests (empty, "abc", 448 and 896 bits, a million "a")', async () => {
    const vectors: [Uint8Array, string][] = [
      [text(''), 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'],
      [text('abc'), 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad'],
      [
        text('abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq'),
        '248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1',
      ],
      [
        text(
          'abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu',
        ),
        'cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1',
      ],
      [
        new Uint8Array(1_000_000).fill(0x61),
        'cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0',
      ],
    ];
    for (const [message, digest] of vectors) {
      expect(await kernelSha256(message)).toBe(digest);
      // The same message one byte per update.
      if (message.length < 200) {
        const cuts = Array.from({ length: message.length }, (_, i) => i);
        expect(await kernelSha256(message, cuts)).toBe(digest);
      }
    }
  });

  it('matches node:crypto for every length up to 3 blocks and every single split point', async () => {
    const bytes = patterned(192);
    for (let length = 0; length <= 192; length++) {
      const message = bytes.subarray(0, length);
      const want = nodeSha256(message);
      for (let cut = 0; cut <= length; cut++)
        expect(await kernelSha256(message, [cut]), `${length} cut at ${cut}`).toBe(want);
    }
  });

  it('matches node:crypto on random bytes cut into updates at random points', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(fc.uint8Array({ maxLength: 200 }), fc.uint8Array({ maxLength: 3000 })),
        fc.array(fc.nat(), { maxLength: 12 }),
        async (message, points) => {
          const cuts = points.map((p) => p % (message.length + 1));
          expect(await kernelSha256(message, cuts)).toBe(nodeSha256(message));
        },
      ),
      { numRuns: 400 },
    );
  });

  it('hashes an update longer than its input area piece by piece, the same digest', async () => {
    const message = patterned(2 * PIECE_BYTES + 4_099, 5);
    expect(await kernelSha256(message)).toBe(nodeSha256(message));
    expect(await kernelSha256(message, [63, PIECE_BYTES + 1])).toBe(nodeSha256(message));
  });

  it('keeps two hashers apart, and refuses use after the digest', async () => {
    const one = await createFileSha256();
    const two = await createFileSha256();
    one.update(text('ab'));
    two.update(text('xyz'));
    one.update(text('c'));
    expect(one.digestHex()).toBe(nodeSha256(text('abc')));
    expect(two.digestHex()).toBe(nodeSha256(text('xyz')));
    expect(() => one.update(text('d'))).toThrow(/after digest/);
    expect(() => one.digestHex()).toThrow(/twice/);
  });
});
