import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  canonicalBytes,
  canonicalJson,
  parseCanonicalJson,
  parseJson,
} from '../../src/core/encoding/canonical-json.ts';
import { utf8Encode } from '../../src/core/encoding/bytes.ts';
import { PatchtrailError } from '../../src/core/errors.ts';

const utf8 = (text: string) => new TextEncoder().encode(text);

describe('canonical JSON (RFC 8785)', () => {
  it('sorts members by UTF-16 code units and serializes numbers as ECMAScript does (RFC 8785 §3.2)', () => {
    // RFC 8785 §3.2.3 sorting example (subset) and §3.2.2.3 number examples.
    expect(
      canonicalJson({
        '\u20ac': 'Euro Sign',
        '\r': 'Carriage Return',
        '1': 'One',
        '\ud83d\ude00': 'Smiley',
        '\u00f6': 'Latin Small Letter O With Diaeresis',
      }),
    ).toBe(
      '{"\\r":"Carriage Return","1":"One","ö":"Latin Small Letter O With Diaeresis","€":"Euro Sign","😀":"Smiley"}',
    );
    expect(canonicalJson([Number('333333333.33333329'), 1e30, 4.5, 2e-3, 0.000001, 1e-7, -0])).toBe(
      '[333333333.3333333,1e+30,4.5,0.002,0.000001,1e-7,0]',
    );
    expect(canonicalJson({ b: [1, { d: true, c: null }], a: 'x\u0001"' })).toBe(
      '{"a":"x\\u0001\\"","b":[1,{"c":null,"d":true}]}',
    );
  });

  it('accepts its own output and rejects every non-canonical spelling', () => {
    expect(parseCanonicalJson(utf8('{"a":1,"b":[true]}'))).toEqual({ a: 1, b: [true] });
    for (const text of [
      '{"b":1,"a":2}',
      '{"a": 1}',
      '{"a":1.0}',
      '{"a":1,"a":2}',
      '{"a":"\\u0041"}',
      ' {}',
      '{}\n',
    ]) {
      expect(() => parseCanonicalJson(utf8(text)), text).toThrow(PatchtrailError);
    }
    expect(() => parseCanonicalJson(Uint8Array.from([0x22, 0xff, 0x22]))).toThrow(/UTF-8/);
    expect(() => parseCanonicalJson(utf8('{"a":'))).toThrow(/not valid JSON/);
  });

  it('round-trips any JSON value, and never throws uncoded on arbitrary bytes', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const bytes = canonicalBytes(value);
        expect(canonicalBytes(parseCanonicalJson(bytes))).toEqual(bytes);
      }),
    );
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => {
        try {
          parseCanonicalJson(bytes);
        } catch (error) {
          expect(error).toBeInstanceOf(PatchtrailError);
        }
      }),
    );
  });

  it('ignores a byte order mark before JSON text, but not where the bytes must be canonical', () => {
    expect(parseJson('\ufeff{"a":1}', 'bundle')).toEqual({ a: 1 });
    expect(() => parseJson('{"a":1}\ufeff', 'bundle')).toThrow(PatchtrailError);
    expect(() => parseCanonicalJson(utf8Encode('\ufeff{"a":1}'))).toThrow(
      'payload is not in RFC 8785 canonical form',
    );
  });
});
