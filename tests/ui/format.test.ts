/** Display helpers (src/ui/components/format.ts). */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  copyDidLabel,
  counted,
  deviceTime,
  formatCount,
  inlineName,
  ledgerTime,
  sentence,
} from '../../src/ui/components/format.ts';

describe('inlineName', () => {
  it('keeps a name of up to 64 characters, and cuts a longer one at a whole code point', () => {
    expect(inlineName('builder one')).toBe('builder one');
    expect(inlineName('W'.repeat(64))).toBe('W'.repeat(64));
    expect(inlineName('W'.repeat(4096))).toBe(`${'W'.repeat(64)}…`);
    // 64 astral characters and more: no half of a surrogate pair is left at the cut.
    expect(inlineName('𐀀'.repeat(100))).toBe(`${'𐀀'.repeat(64)}…`);
  });

  it('never gives more than 65 code points, and a prefix of the name', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 300 }), (name) => {
        const shown = inlineName(name);
        expect(Array.from(shown).length).toBeLessThanOrEqual(65);
        expect(name.startsWith(shown.replace(/…$/u, ''))).toBe(true);
      }),
    );
  });
});

describe('formatCount', () => {
  it('separates thousands the same way everywhere', () => {
    expect(formatCount(60_000)).toBe('60,000');
  });

  it('writes every count as en-US does, without loading ICU', () => {
    const edges = [0, 1, 999, 1000, 1001, 99_999, 100_000, 999_999, 1_000_000, -1234, -0];
    for (const n of edges)
      expect(formatCount(n)).toBe(Object.is(n, -0) ? '0' : n.toLocaleString('en-US'));
    fc.assert(
      fc.property(fc.maxSafeInteger(), (n) => {
        expect(formatCount(n)).toBe(n.toLocaleString('en-US'));
      }),
    );
    expect(formatCount(1.5)).toBe('1.5'); // not a whole number: as en-US writes it
  });
});

describe('ledgerTime', () => {
  it('shows a ledger time in UTC, as every device of the team reads it', () => {
    expect(ledgerTime('2026-11-22T03:49:06Z')).toBe('2026-11-22 03:49:06 UTC');
    // Only the trailing Z is the zone; nothing else in the text is touched.
    expect(ledgerTime('2026-11-22T03:49:06.123Z')).toBe('2026-11-22 03:49:06.123 UTC');
  });
});

describe('deviceTime', () => {
  it('shows a time this device recorded in UTC to the second, whatever its form', () => {
    expect(deviceTime('2026-12-07T03:45:51.123Z')).toBe('2026-12-07 03:45:51 UTC');
    expect(deviceTime(Date.UTC(2026, 11, 7, 3, 45, 51, 999))).toBe('2026-12-07 03:45:51 UTC');
    // A stored record is not trusted to hold a time.
    for (const bad of ['', 'yesterday', Number.NaN, 8.64e15 + 1])
      expect(deviceTime(bad)).toBe('at an unknown time');
  });
});

describe('sentence', () => {
  it('capitalises the first letter and ends with a full stop, once', () => {
    expect(sentence('passkey bound to this device')).toBe('Passkey bound to this device.');
    expect(sentence('Already a sentence.')).toBe('Already a sentence.');
    expect(sentence('what now?')).toBe('What now?');
    expect(sentence('  ')).toBe('');
  });
});

describe('counted', () => {
  it('groups the count and puts the noun in the right number', () => {
    expect(counted(1, 'entry', 'entries')).toBe('1 entry');
    expect(counted(0, 'entry', 'entries')).toBe('0 entries');
    expect(counted(10021, 'entry', 'entries')).toBe('10,021 entries');
  });
});

describe('copyDidLabel', () => {
  it('names whose did:key a copy button copies', () => {
    expect(copyDidLabel('Ada')).toBe('Copy Ada’s did:key');
  });

  it('says "the did:key" when there is no name to give', () => {
    expect(copyDidLabel(undefined)).toBe('Copy the did:key');
    expect(copyDidLabel('')).toBe('Copy the did:key');
    expect(copyDidLabel('  ')).toBe('Copy the did:key');
  });

  it('shortens a very long name as the screens do', () => {
    expect(copyDidLabel('x'.repeat(100))).toBe(`Copy ${'x'.repeat(64)}…’s did:key`);
  });
});
