/**
 * The QR codes the app draws (invitation links, pairing codes) read back as the text they were
 * drawn from: the SVG path is rasterised here module by module and decoded by the same JS
 * decoder the camera scanner uses, for many texts and both error-correction levels.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { halved, scanQr } from '../../src/app/pairing-code.ts';
import { qrPath, qrPathIfFits } from '../../src/app/qr-draw.ts';
import { decodeQR } from '@paulmillr/qr/decode.js';

const SCALE = 4;

/** The image a camera would see of the code: white paper, black modules. */
function rasterise(code: { size: number; path: string }) {
  const width = code.size * SCALE;
  const data = new Uint8ClampedArray(width * width * 4).fill(255);
  for (const [, x, y] of code.path.matchAll(/M(\d+) (\d+)h1v1h-1z/g))
    for (let dy = 0; dy < SCALE; dy++)
      for (let dx = 0; dx < SCALE; dx++) {
        const at = ((Number(y) * SCALE + dy) * width + Number(x) * SCALE + dx) * 4;
        data.fill(0, at, at + 3);
      }
  return { width, height: width, data };
}

describe('QR codes drawn by the app', () => {
  it('reads back an invitation link drawn at medium error correction', async () => {
    const link =
      'http://192.168.1.20:4173/#/join?ledger=sha256%3A' +
      'ab'.repeat(32) +
      '&secret=Zm9vYmFyYmF6cXV4cXV1eHg&name=Plant+4';
    const code = qrPath(link);
    expect(code.size).toBeGreaterThan(29);
    expect(await scanQr(rasterise(code))).toBe(link);
  });

  it('says a text too long for a QR code does not fit, rather than throwing', async () => {
    // Version 40 at medium correction holds 2,331 bytes.
    expect(qrPathIfFits(`https://app/#/join?name=${'T'.repeat(4096)}`)).toBeUndefined();
    expect(qrPathIfFits('x'.repeat(2332))).toBeUndefined();
    expect(qrPathIfFits('x'.repeat(2331))).toBeDefined();
    const fits = qrPathIfFits('https://app/#/join?ledger=x');
    expect(fits).toBeDefined();
    expect(await scanQr(rasterise(fits as { size: number; path: string }))).toBe(
      'https://app/#/join?ledger=x',
    );
  });

  it('reads back texts whose first drawing the JS decoder misreads (redrawn with another mask)', async () => {
    // Each of these, drawn with the app's usual mask, is a valid code (zbarimg reads it) that
    // @paulmillr/qr's decoder cannot read at 3-4 pixels per module.
    const texts: [string, 'low' | 'medium'][] = [
      ['|zGC!!-x&', 'medium'],
      [
        'wD2]\\ADw[aVMD%*.szdH9yqsRWkx;Sr25]fLGxx=VI]9_JpeMc%CiI}Z^^}yAz&(SQV`36=#d|XxXNTpEazVKPkkK8iZ0:sCK/\\fg2i0o*S9[Uygh55x]3X)~',
        'medium',
      ],
      [':3&6Tz1UGt:~"iE,"|Wr,SALi|28_jA\'Jn-(]%_,!"61t9$8{ib-=?|# m]t2OCSGY/6J3[R', 'medium'],
    ];
    for (const [text, ecc] of texts) expect(await scanQr(rasterise(qrPath(text, ecc)))).toBe(text);
  });

  it('reads back any short text at either error-correction level', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.string({ minLength: 1, maxLength: 120, unit: 'grapheme-ascii' }),
        fc.constantFrom('low' as const, 'medium' as const),
        async (text, ecc) => {
          expect(await scanQr(rasterise(qrPath(text, ecc)))).toBe(text);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('reads a code the decoder misses at one size by reading the image at half size', async () => {
    // A pairing offer from a CI run: drawn 558 pixels wide (6 pixels a module, some 7), the JS
    // decoder throws on it; at half size it reads.
    const text =
      'PT1:o:lZJPi9swEMXvBn8H3YMaWdYfe8AHx05gId0GkqXsUWtrHbGxLSxlk_bTV842dEtPRZfR4z39ZtC8FySOxgIjmcksY5TwNCWcykTmKaLo4RE97BhKqPxCwkniyBU4jnxBUMipopvGs4XV02O9XX8o-up7ZbE6ncYL7s1Vt7PaO9Nip3s1eNMA-v51H0d9oaw9mUZ5Mw4o5anM0VO9W9aH7X65rw47dNEvk29wq7xqjmoY9CmOmuLfnlTRqKE1waeBkpyznFORoASdW4toQikVhNL0T-Q3zf-w6Dg6jzo96OmjD4IG7S_j9IZNG164X5rZxsnfrFRQwQTjwecbixKeZDQjjMlPpE-U4Am1Rqrx5l3_H9Q0Gp9fJ9XBeevsXbGXFkx1XC3a6dvzZsGroXteHIa23ixf7p7RzggHfjLN20nP8qsZOj3ZyQwe3FFhygVKCRACSQklA5ID28CqBCGh2gAXwBnQeq5lDpJDVkJOYUVhncFKQMjmAtYc8hQ2FZQUSgEVg5pCWkFVApEz1mkfliVMb5Vzt60wLdymc0HDdpw8cEJuSq-uuNfOqU5jZ36GfxU0YSyOfgE';
    const image = atWidth(qrPath(text, 'low'), 558, 20);
    expect(() => decodeQR(image)).toThrow();
    expect(await scanQr(image)).toBe(text);
  });
});

/** The code drawn `pixels` wide, each pixel taking its module (nearest), `margin` of paper. */
function atWidth(code: { size: number; path: string }, pixels: number, margin: number) {
  const dark = new Uint8Array(code.size * code.size);
  for (const [, x, y] of code.path.matchAll(/M(\d+) (\d+)h1v1h-1z/g))
    dark[Number(y) * code.size + Number(x)] = 1;
  const width = pixels + 2 * margin;
  const data = new Uint8ClampedArray(width * width * 4).fill(255);
  for (let y = 0; y < pixels; y++)
    for (let x = 0; x < pixels; x++) {
      const module = Math.floor((y * code.size) / pixels) * code.size;
      if (dark[module + Math.floor((x * code.size) / pixels)] !== 1) continue;
      const at = ((y + margin) * width + x + margin) * 4;
      data.fill(0, at, at + 3);
    }
  return { width, height: width, data };
}

describe('halved', () => {
  it('averages each 2 × 2 block, and drops an odd last row and column', () => {
    const data = new Uint8ClampedArray(3 * 3 * 4);
    // Row 0: 0, 100, 7; row 1: 200, 40, 7; row 2: 9, 9, 9 (every channel alike).
    [0, 100, 7, 200, 40, 7, 9, 9, 9].forEach((v, i) => data.fill(v, i * 4, i * 4 + 4));
    const half = halved({ width: 3, height: 3, data });
    expect([half.width, half.height]).toEqual([1, 1]);
    expect([...half.data]).toEqual([85, 85, 85, 85]);
  });

  it('never reads past a short buffer', () => {
    const half = halved({ width: 4, height: 4, data: new Uint8ClampedArray(8).fill(200) });
    expect(half.data.length).toBe(16);
    expect(half.data[0]).toBe(100); // two of the four pixels exist
  });
});
