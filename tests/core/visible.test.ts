/**
 * Untrusted text made visible (src/core/encoding/visible.ts): every character that shows as
 * nothing or reorders what follows it becomes an escape, and nothing else changes.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { hasInvisible, visible } from '../../src/core/encoding/visible.ts';

describe('visible text', () => {
  it.each([
    ['a bidi override that reverses what follows', 'Rita\u202E gniliaf', 'Rita\\u{202E} gniliaf'],
    ['an isolate and a direction mark', 'a\u2067b\u200Fc', 'a\\u{2067}b\\u{200F}c'],
    ['a zero-width space inside a name', 'A\u200Bda', 'A\\u{200B}da'],
    ['a soft hyphen', 'A\u00ADda', 'A\\xADda'],
    ['an escape sequence and a bell', '\u001B[2Jok\u0007', '\\x1B[2Jok\\x07'],
    ['a carriage return, DEL and a C1 control', 'a\rb\u007Fc\u0085', 'a\\x0Db\\x7Fc\\x85'],
    ['line and paragraph separators', 'a\u2028b\u2029', 'a\\u{2028}b\\u{2029}'],
    ['a byte order mark and a word joiner', '\uFEFFa\u2060b', '\\u{FEFF}a\\u{2060}b'],
    ['letters that render blank', '\u3164\u115F\u034F', '\\u{3164}\\u{115F}\\u{34F}'],
    ['a tag character', 'x\u{E0041}', 'x\\u{E0041}'],
  ])('escapes %s', (_name, text, shown) => {
    expect(hasInvisible(text)).toBe(true);
    expect(visible(text)).toBe(shown);
  });

  it.each([
    ['plain ASCII', 'Switch app.conf to the new mode'],
    ['lines and tabs', 'first line\n\tsecond line'],
    ['right-to-left letters', 'מערכת בדיקה'],
    ['Persian with a zero-width non-joiner', 'می\u200Cخواهم'],
    ['an emoji sequence with joiners', '👩\u200D🔧 and 🇩🇪'],
    ['accents, CJK and symbols', 'é 中 ≠ €'],
  ])('leaves %s as it is', (_name, text) => {
    expect(hasInvisible(text)).toBe(false);
    expect(visible(text)).toBe(text);
  });

  it('leaves no invisible character in any text, and changes only those (property)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 40 }), (text) => {
        const shown = visible(text);
        expect(hasInvisible(shown)).toBe(false);
        if (!hasInvisible(text)) expect(shown).toBe(text);
        // Every character kept stays in order: removing the escapes gives the visible rest.
        const rest = [...text].filter((c) => !hasInvisible(c)).join('');
        expect(shown.replace(/\\x[0-9A-F]{2}|\\u\{[0-9A-F]+\}/g, '')).toBe(
          rest.replace(/\\x[0-9A-F]{2}|\\u\{[0-9A-F]+\}/g, ''),
        );
      }),
      { numRuns: 300 },
    );
  });
});
