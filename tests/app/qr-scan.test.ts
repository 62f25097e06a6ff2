/**
 * The camera scanner's collector (src/app/qr-scan.ts): texts read frame after frame make up a
 * pairing code split over several QR codes, in any order, repeats ignored; a QR code that is no
 * pairing code is passed over; a part of another code starts the collection again from it.
 */
import { describe, expect, it } from 'vitest';
import { splitForQr } from '../../src/app/pairing-code.ts';
import { makeQrCollector } from '../../src/app/qr-scan.ts';

function collector() {
  const seen: { progress: [number, number][]; done: string[] } = { progress: [], done: [] };
  const collect = makeQrCollector({
    progress: (have, need) => seen.progress.push([have, need]),
    done: (code) => seen.done.push(code),
  });
  return { collect, seen };
}

const codeOf = (fill: string) => `PT1:o:${fill.repeat(900)}`;

describe('the QR collector', () => {
  it('joins a split code from its parts in any order, ignoring repeats and other QR codes', () => {
    const code = codeOf('A');
    const parts = splitForQr(code, 300);
    expect(parts.length).toBeGreaterThan(2);
    const { collect, seen } = collector();
    expect(collect('https://example.com/menu')).toBe(false);
    const order = [...parts].reverse();
    for (const part of order.slice(0, -1)) {
      expect(collect(part)).toBe(false);
      expect(collect(part)).toBe(false); // the same frame again
    }
    expect(collect(order.at(-1) ?? '')).toBe(true);
    expect(seen.done).toEqual([code]);
    expect(seen.progress.at(-1)).toEqual([parts.length, parts.length]);
  });

  it('starts again from a part of another code', () => {
    const first = splitForQr(codeOf('A'), 300);
    const second = splitForQr(codeOf('B'), 300);
    const { collect, seen } = collector();
    collect(first[0] ?? '');
    collect(second[0] ?? '');
    expect(seen.progress.at(-1)).toEqual([1, second.length]);
    for (const part of second.slice(1)) collect(part);
    expect(seen.done).toEqual([codeOf('B')]);
  });

  it('hands over a code that fits one QR code at once', () => {
    const { collect, seen } = collector();
    expect(collect('PT1:a:short')).toBe(true);
    expect(seen.done).toEqual(['PT1:a:short']);
  });
});
