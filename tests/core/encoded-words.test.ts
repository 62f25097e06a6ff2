/**
 * RFC 2047 encoded-words (src/core/encoding/encoded-words.ts), on the RFC's own examples
 * (section 8) and on what git format-patch writes; what this reader cannot decode stays as it
 * stands, never half-decoded.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { decodeEncodedWords } from '../../src/core/encoding/encoded-words.ts';

describe('RFC 2047 encoded-words', () => {
  it('decodes the RFC’s examples, dropping white space only between adjacent encoded-words', () => {
    const cases: [string, string][] = [
      ['=?US-ASCII?Q?Keith_Moore?= <moore@cs.utk.edu>', 'Keith Moore <moore@cs.utk.edu>'],
      [
        '=?ISO-8859-1?Q?Keld_J=F8rn_Simonsen?= <keld@dkuug.dk>',
        'Keld Jørn Simonsen <keld@dkuug.dk>',
      ],
      [
        '=?ISO-8859-1?Q?Andr=E9?= Pirard <PIRARD@vm1.ulg.ac.be>',
        'André Pirard <PIRARD@vm1.ulg.ac.be>',
      ],
      [
        '=?ISO-8859-1?B?SWYgeW91IGNhbiByZWFkIHRoaXMgeW8=?= =?ISO-8859-1?B?dSB1bmRlcnN0YW5kIHRoZSBleGFtcGxlLg==?=',
        'If you can read this you understand the example.',
      ],
      ['(=?ISO-8859-1?Q?a?=)', '(a)'],
      ['(=?ISO-8859-1?Q?a?= b)', '(a b)'],
      ['(=?ISO-8859-1?Q?a?= =?ISO-8859-1?Q?b?=)', '(ab)'],
      ['(=?ISO-8859-1?Q?a?=  =?ISO-8859-1?Q?b?=)', '(ab)'],
      ['(=?ISO-8859-1?Q?a?=\r\n    =?ISO-8859-1?Q?b?=)', '(ab)'],
      ['(=?ISO-8859-1?Q?a_b?=)', '(a b)'],
      ['(=?ISO-8859-1?Q?a?= =?ISO-8859-1?Q?_b?=)', '(a b)'],
      // git format-patch, a subject folded over two lines (unfolded with a space).
      [
        '[PATCH] =?UTF-8?q?Fix=20caf=C3=A9=20ordering=20=E2=80=94=20na?= =?UTF-8?q?=C3=AFve?=',
        '[PATCH] Fix café ordering — naïve',
      ],
      ['=?utf-8*en?b?w5xiZXI=?=', 'Über'],
      ['no words here', 'no words here'],
    ];
    for (const [encoded, decoded] of cases)
      expect(decodeEncodedWords(encoded), encoded).toBe(decoded);
  });

  it('leaves a word it cannot decode as it stands: unknown charset, bad bytes, bad encoding', () => {
    for (const word of [
      '=?KOI8-R?Q?=F0=D2=C9?=',
      '=?UTF-8?Q?=FF?=',
      '=?UTF-8?Q?=G1?=',
      '=?UTF-8?B?!!!?=',
      '=?US-ASCII?Q?=E9?=',
    ])
      expect(decodeEncodedWords(`x ${word} y`), word).toBe(`x ${word} y`);
    // A decoded word beside one left alone keeps the space between them.
    expect(decodeEncodedWords('=?UTF-8?Q?a?= =?KOI8-R?Q?b?=')).toBe('a =?KOI8-R?Q?b?=');
  });

  it('never throws, and leaves text without "=?" unchanged (property)', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), (text) => {
        const out = decodeEncodedWords(text);
        if (!text.includes('=?')) expect(out).toBe(text);
      }),
    );
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 60 }), (name) => {
        const q = [...new TextEncoder().encode(name)]
          .map((b) => `=${b.toString(16).padStart(2, '0').toUpperCase()}`)
          .join('');
        expect(decodeEncodedWords(`=?UTF-8?Q?${q}?=`)).toBe(name);
      }),
    );
  });
});
