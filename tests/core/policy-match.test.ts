/** Component globs and version constraints, as the components and version rules use them. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CONSTRAINT } from '../../src/core/policy/document.ts';
import {
  compareVersions,
  compileConstraint,
  compileGlob,
  parseVersion,
  type Version,
} from '../../src/core/policy/match.ts';

const v = (text: string): Version => {
  const parsed = parseVersion(text);
  if (parsed === undefined) throw new Error(`not a version: ${text}`);
  return parsed;
};

describe('globs', () => {
  it('* stays within a segment, ** crosses them, ? is one character, the rest is literal', () => {
    const cases: [string, string, boolean][] = [
      ['core/*', 'core/net', true],
      ['core/*', 'core/net/tcp', false],
      ['core/**', 'core/net/tcp', true],
      ['core/**', 'core', false],
      ['**', 'anything/at/all', true],
      ['ui/?', 'ui/a', true],
      ['ui/?', 'ui/ab', false],
      ['ui/?', 'ui//', false],
      ['a.b', 'aXb', false],
      ['a+(b)[c]{d}^$|\\', 'a+(b)[c]{d}^$|\\', true],
      ['net', 'network', false],
      ['*', 'x\ny', true],
    ];
    for (const [glob, name, matches] of cases)
      expect([glob, name, compileGlob(glob).test(name)]).toEqual([glob, name, matches]);
  });

  it('matches as the obvious regular expression would (fast-check, short names)', () => {
    const reference = (glob: string) =>
      new RegExp(
        `^${glob
          .split(/(\*\*+|\*|\?)/)
          .map((part) =>
            part.startsWith('**')
              ? '.*'
              : part === '*'
                ? '[^/]*'
                : part === '?'
                  ? '[^/]'
                  : part.replace(/[\\^$.|+()[\]{}]/g, '\\$&'),
          )
          .join('')}$`,
        's',
      );
    const text = (chars: string, maxLength: number) =>
      fc.array(fc.constantFrom(...chars), { maxLength }).map((a) => a.join(''));
    fc.assert(
      fc.property(text('ab/*?.', 8), text('ab/.', 10), (glob, name) => {
        expect(compileGlob(glob).test(name)).toBe(reference(glob).test(name));
      }),
      { numRuns: 5000, seed: 11 },
    );
  });

  it('a hostile name against a many-star glob stays fast (no backtracking)', () => {
    const glob = compileGlob('*a*a*a*a*a*a*a*a*a*a*a*a*b');
    const started = performance.now();
    for (let i = 0; i < 100; i++) expect(glob.test('a'.repeat(4096))).toBe(false);
    expect(performance.now() - started).toBeLessThan(2000);
  });
});

describe('versions', () => {
  it('orders by SemVer 2.0.0 precedence (§11 example)', () => {
    const ordered = [
      '1.0.0-alpha',
      '1.0.0-alpha.1',
      '1.0.0-alpha.beta',
      '1.0.0-beta',
      '1.0.0-beta.2',
      '1.0.0-beta.11',
      '1.0.0-rc.1',
      '1.0.0',
      '1.0.1',
      '1.2',
      '2',
      '10.0.0',
      '99999999999999999999.0.0',
    ];
    for (let i = 0; i + 1 < ordered.length; i++) {
      expect(compareVersions(v(ordered[i] as string), v(ordered[i + 1] as string))).toBeLessThan(0);
      expect(compareVersions(v(ordered[i + 1] as string), v(ordered[i] as string))).toBeGreaterThan(
        0,
      );
    }
    expect(compareVersions(v('1.2.0+build.5'), v('v1.2'))).toBe(0);
    expect(compareVersions(v('01.2.3'), v('1.2.3'))).toBe(0);
  });

  it('refuses what is not a version', () => {
    for (const text of [
      '',
      'latest',
      '1.2.3.4',
      '1..2',
      '1.2.3-',
      'x1',
      '1.2.3-a_b',
      '9'.repeat(300),
    ])
      expect(parseVersion(text)).toBeUndefined();
  });

  it('constraints: AND within a set, OR across ||, no operator means equal', () => {
    const cases: [string, string, boolean][] = [
      ['>=2.1 <3', '2.1.0', true],
      ['>=2.1 <3', '3.0.0', false],
      ['>=2.1 <3', '3.0.0-rc.1', true],
      ['>2', '2.0.0', false],
      ['<=2', '2.0.0', true],
      ['2.4', '2.4.0', true],
      ['=2.4.1', '2.4.0', false],
      ['<1 || >=2 <2.1 ||=5', '5.0.0', true],
      ['<1 || >=2 <2.1', '1.5.0', false],
    ];
    for (const [constraint, version, ok] of cases)
      expect([constraint, version, compileConstraint(constraint)(v(version))]).toEqual([
        constraint,
        version,
        ok,
      ]);
  });

  it('every constraint the schema pattern admits compiles (fast-check)', () => {
    const num = fc.integer({ min: 0, max: 99 }).map(String);
    const version = fc
      .tuple(
        num,
        fc.option(num),
        fc.option(num),
        fc.option(fc.constantFrom('rc.1', 'alpha', 'b-2')),
      )
      .map(
        ([a, b, c, pre]) =>
          [a, b, c].filter((x) => x !== null).join('.') + (pre === null ? '' : `-${pre}`),
      );
    const comparator = fc
      .tuple(fc.constantFrom('', '>=', '<=', '>', '<', '='), version)
      .map(([op, ver]) => op + ver);
    const set = fc.array(comparator, { minLength: 1, maxLength: 3 }).map((c) => c.join(' '));
    const constraint = fc
      .tuple(fc.array(set, { minLength: 1, maxLength: 3 }), fc.constantFrom('||', ' || ', '|| '))
      .map(([sets, sep]) => sets.join(sep));
    fc.assert(
      fc.property(constraint, version, (text, ver) => {
        expect(CONSTRAINT.test(text)).toBe(true);
        expect(typeof compileConstraint(text)(v(ver))).toBe('boolean');
      }),
      { numRuns: 500, seed: 3 },
    );
    for (const bad of ['', '>= 1', '1.2.3.4', 'latest', '>=1 ||', '~1.2', '^1'])
      expect([bad, CONSTRAINT.test(bad)]).toEqual([bad, false]);
  });
});
