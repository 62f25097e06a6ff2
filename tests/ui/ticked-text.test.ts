/** Policy messages quote names between backticks; the app shows those pieces as code. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { tickedPieces } from '../../src/ui/components/TickedText.tsx';

describe('tickedPieces', () => {
  it('shows the quoted names of a policy message as code, without their backticks', () => {
    expect(tickedPieces('0 of 1 `reviewed` attestation from role reviewer')).toEqual([
      { text: '0 of 1 ', code: false },
      { text: 'reviewed', code: true },
      { text: ' attestation from role reviewer', code: false },
    ]);
    expect(tickedPieces('`a``b`')).toEqual([
      { text: 'a', code: true },
      { text: 'b', code: true },
    ]);
  });

  it('leaves a lone or empty pair of backticks as text', () => {
    expect(tickedPieces('a ` b')).toEqual([{ text: 'a ` b', code: false }]);
    expect(tickedPieces('a `` b')).toEqual([{ text: 'a `` b', code: false }]);
  });

  it('loses and adds nothing: the pieces with their backticks give the text back (property)', () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom('`', 'a', ' ', '<', '\n') }), (text) => {
        const pieces = tickedPieces(text);
        expect(pieces.map((p) => (p.code ? `\`${p.text}\`` : p.text)).join('')).toBe(text);
        for (const p of pieces) if (p.code) expect(p.text).not.toMatch(/`|^$/);
      }),
      { numRuns: 500 },
    );
  });
});
