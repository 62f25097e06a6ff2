/**
 * The QR codes the app draws (invitation links, pairing codes) read back as the text they were
 * drawn from: the SVG path is rasterised here module by module and decoded by the same JS
 * decoder the camera scanner uses, for many texts and both error-correction levels.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { scanQr } from '../../src/app/pairing-code.ts';
import { qrPath, qrPathIfFits } from '../../src/app/qr-draw.ts';

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
});
