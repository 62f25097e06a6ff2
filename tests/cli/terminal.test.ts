/** Terminal text: nothing from an attacker reaches the terminal as a control or bidi character. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isTerminalSafe, shown, terminalSafe } from '../../src/cli/terminal.ts';

const hostileChar = fc
  .oneof(
    fc.integer({ min: 0, max: 0x1f }),
    fc.integer({ min: 0x7f, max: 0x9f }),
    fc.constantFrom(
      0x061c,
      0x200e,
      0x200f,
      0x2028,
      0x2029,
      0x202a,
      0x202b,
      0x202c,
      0x202d,
      0x202e,
      0x2066,
      0x2067,
      0x2068,
      0x2069,
      0x200b,
      0xfeff,
      0x00ad,
      0x2060,
      0x115f,
      0x034f,
      0xe0041,
      0x200d,
    ),
    fc.integer({ min: 0x20, max: 0x7e }),
    fc.integer({ min: 0xa0, max: 0x10ffff }).filter((c) => c < 0xd800 || c > 0xdfff),
  )
  .map((code) => String.fromCodePoint(code));
const hostileText = fc.array(hostileChar, { maxLength: 40 }).map((chars) => chars.join(''));

describe('terminal text', () => {
  it('shown() leaves one line with no control or bidi character, and is reversible', () => {
    fc.assert(
      fc.property(hostileText, (text) => {
        const out = shown(text);
        expect(isTerminalSafe(out)).toBe(true);
        expect(out).not.toMatch(/[\n\t]/);
        const back = out.replace(/\\u([0-9a-f]{4})|\\\\/g, (m, hex: string | undefined) =>
          hex === undefined ? '\\' : String.fromCharCode(parseInt(hex, 16)),
        );
        expect(back).toBe(text);
      }),
      { numRuns: 2000 },
    );
  });

  it('terminalSafe() keeps line feeds and tabs, escapes the rest, and keeps JSON meaning', () => {
    fc.assert(
      fc.property(hostileText, (text) => {
        const out = terminalSafe(text);
        expect(isTerminalSafe(out)).toBe(true);
        expect(out.split('\n').length).toBe(text.split('\n').length);
        const json = JSON.stringify({ text });
        expect(JSON.parse(terminalSafe(json))).toEqual({ text });
      }),
      { numRuns: 2000 },
    );
  });

  it('escapes the sequences that erase or fake lines', () => {
    expect(shown('a\u001b[2Kb')).toBe('a\\u001b[2Kb');
    expect(shown('name\nNOT trusted')).toBe('name\\u000aNOT trusted');
    expect(shown('file\u202etxt.exe')).toBe('file\\u202etxt.exe');
    expect(terminalSafe('ok\r\u009b31m')).toBe('ok\\u000d\\u009b31m');
  });

  it('escapes what shows as nothing, so a name cannot pass for another, and keeps the joiners', () => {
    expect(shown('A\u200bda')).toBe('A\\u200bda');
    expect(shown('\ufeffAda')).toBe('\\ufeffAda');
    expect(shown('Ada\u00ad')).toBe('Ada\\u00ad');
    // A tag character is outside the BMP: both of its UTF-16 units, as JSON would write it.
    expect(shown('Ada\u{e0041}')).toBe('Ada\\udb40\\udc41');
    expect(JSON.parse(`"${terminalSafe('Ada\u{e0041}')}"`)).toBe('Ada\u{e0041}');
    // The zero-width joiner and non-joiner are how emoji and some scripts are written.
    expect(shown('👩\u200d💻 \u0645\u06cc\u200c\u062e\u0648\u0627\u0645')).toBe(
      '👩\u200d💻 \u0645\u06cc\u200c\u062e\u0648\u0627\u0645',
    );
  });
});
