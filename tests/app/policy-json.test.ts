/**
 * The Policy screen's JSON view: syntax errors with line and column, positions of members and
 * items under the checker's paths, the same value JSON.parse gives, and edits by path that
 * keep everything else (members named `__proto__` included).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { getAt, pathText, setAt, swapAt } from '../../src/app/policy-edit.ts';
import { jsonText, parseJsonText, positionOf } from '../../src/app/policy-json.ts';

const error = (text: string) => {
  const parsed = parseJsonText(text);
  if (parsed.ok) throw new Error(`parsed: ${text}`);
  return { message: parsed.message, line: parsed.at.line, column: parsed.at.column };
};

describe('parseJsonText', () => {
  it('reports a missing comma at its line and column', () => {
    const text = '{\n  "version": 2\n  "rules": []\n}';
    expect(error(text)).toEqual({ message: 'expected "," or "}"', line: 3, column: 3 });
  });

  it('reports an unclosed string where it opens, and a trailing comma where the value is missing', () => {
    expect(error('{"name": "abc')).toMatchObject({ line: 1, column: 10 });
    expect(error('{"rules": [1,]}')).toMatchObject({ message: 'expected a value', column: 14 });
    expect(error('')).toMatchObject({ message: 'the text ends where a value should be' });
    expect(error('{} x')).toMatchObject({ message: 'unexpected text after the end of the JSON' });
  });

  it('refuses a member named twice, at its second appearance', () => {
    expect(error('{"a": 1,\n "a": 2}')).toEqual({
      message: 'member "a" appears twice',
      line: 2,
      column: 2,
    });
  });

  it('refuses raw line breaks and bad escapes inside strings, as JSON does', () => {
    expect(error('"a\nb"').message).toContain('line break');
    expect(error('"\\x"').message).toBe('"\\x" is not an escape');
    expect(error('"\\u12"').message).toBe('\\u takes four hex digits');
  });

  it('gives the position of every member and item under the checker’s paths', () => {
    const text = jsonText({ version: 2, rules: [{ id: 'a', min: 5 }, { id: 'b' }] });
    const parsed = parseJsonText(text);
    if (!parsed.ok) throw new Error('did not parse');
    expect(parsed.positions.get('/version')).toMatchObject({ line: 2, column: 3 });
    expect(parsed.positions.get('/rules/0/min')).toMatchObject({ line: 6, column: 7 });
    expect(parsed.positions.get('/rules/1')).toMatchObject({ line: 8, column: 5 });
    // A path the text does not hold falls back to its nearest parent.
    expect(positionOf(parsed.positions, '/rules/1/count')).toMatchObject({ line: 8 });
  });

  it('accepts what JSON.parse accepts and gives the same value, and refuses what it refuses', () => {
    fc.assert(
      fc.property(fc.json(), (text) => {
        const parsed = parseJsonText(text);
        expect(parsed.ok).toBe(true);
        if (parsed.ok) expect(parsed.value).toEqual(JSON.parse(text));
      }),
    );
    // Damaged JSON: one character of a valid text replaced, dropped or added.
    const damaged = fc
      .tuple(
        fc.json(),
        fc.nat(),
        fc.constantFrom('', ',', '"', '}', ']', ':', '\\', '\n', 'x', '0'),
      )
      .map(([text, at, c]): [string, string] => {
        const i = at % (text.length + 1);
        return [
          text.slice(0, i) + c + text.slice(i + (at % 2)),
          text.slice(0, i) + c + text.slice(i),
        ];
      });
    fc.assert(
      fc.property(damaged, fc.string(), ([a, b], junk) => {
        for (const text of [a, b, junk]) {
          let accepted = true;
          try {
            JSON.parse(text);
          } catch {
            accepted = false;
          }
          // Duplicate members are the one difference: we refuse what JSON.parse would merge.
          const ours = parseJsonText(text);
          if (!accepted) expect(ours.ok).toBe(false);
          else if (ours.ok) expect(ours.value).toEqual(JSON.parse(text));
          else expect(ours.message).toMatch(/appears twice/);
        }
      }),
    );
  });
});

describe('edits by path', () => {
  it('replaces a member deep inside and keeps every other member and the order', () => {
    const doc = { version: 1, rules: [{ id: 'a', kind: 'fuzz', allowed: true, max: 2 }] };
    const next = setAt(doc, ['rules', 0, 'max'], 3);
    expect(next).toEqual({ version: 1, rules: [{ id: 'a', kind: 'fuzz', allowed: true, max: 3 }] });
    expect(doc.rules[0]?.max).toBe(2);
    expect(Object.keys(getAt(next, ['rules', 0]) as object)).toEqual([
      'id',
      'kind',
      'allowed',
      'max',
    ]);
  });

  it('removes a member or an item with undefined, and leaves a missing one alone', () => {
    const doc = { rules: [{ id: 'a' }, { id: 'b' }], from: { roles: ['x'] } };
    expect(setAt(doc, ['rules', 0], undefined)).toEqual({
      rules: [{ id: 'b' }],
      from: { roles: ['x'] },
    });
    expect(setAt(doc, ['from', 'roles'], undefined)).toEqual({ rules: doc.rules, from: {} });
    expect(setAt(doc, ['by', 'roles'], undefined)).toBe(doc);
  });

  it('keeps a member named __proto__ as a member, never as a prototype', () => {
    const doc = JSON.parse('{"__proto__": {"polluted": true}}') as unknown;
    const next = setAt(doc, ['__proto__', 'polluted'], false) as Record<string, unknown>;
    expect(Object.getPrototypeOf(next)).toBe(Object.prototype);
    expect(JSON.stringify(next)).toBe('{"__proto__":{"polluted":false}}');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('swaps two rules, and spells paths as the checker does', () => {
    expect(swapAt({ rules: ['a', 'b', 'c'] }, ['rules'], 0, 1)).toEqual({ rules: ['b', 'a', 'c'] });
    expect(swapAt({ rules: ['a'] }, ['rules'], 0, 1)).toEqual({ rules: ['a'] });
    expect(pathText(['rules', 2, 'min'])).toBe('/rules/2/min');
  });
});
