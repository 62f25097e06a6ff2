/**
 * The two small matchers rules compile once: component globs and version constraints.
 * Component names and installed versions are attacker-influenced (a bundle's metadata, a
 * device's report); globs and constraints come from the policy and are checked by its schema.
 */

export interface GlobMatcher {
  test(name: string): boolean;
}

const STAR = -1; // any characters but '/'
const GLOBSTAR = -2; // any characters
const ONE = -3; // one character but '/'
const SLASH = 47;

/**
 * A glob as a whole-string matcher: `**` any characters, `*` any characters but `/`, `?` one
 * character but `/`, everything else literal. Names are attacker-chosen, so matching must not
 * backtrack (a regular expression with several `[^/]*` does, polynomially): globs without
 * wildcards compare, `prefix/**` is a prefix test, and the rest run as an NFA over the glob's
 * tokens, O(name × glob) at worst.
 */
export function compileGlob(glob: string): GlobMatcher {
  const tokens: number[] = [];
  for (let i = 0; i < glob.length; i++) {
    const c = glob.charCodeAt(i);
    if (glob[i] === '*' && glob[i + 1] === '*') {
      while (glob[i + 1] === '*') i++;
      tokens.push(GLOBSTAR);
    } else if (glob[i] === '*') tokens.push(STAR);
    else if (glob[i] === '?') tokens.push(ONE);
    else tokens.push(c);
  }
  const wild = tokens.findIndex((t) => t < 0);
  if (wild < 0) return { test: (name) => name === glob };
  if (wild === tokens.length - 1 && tokens[wild] === GLOBSTAR) {
    const prefix = glob.slice(0, glob.indexOf('*'));
    return { test: (name) => name.startsWith(prefix) };
  }
  return nfa(tokens);
}

function nfa(tokens: readonly number[]): GlobMatcher {
  const m = tokens.length;
  let current = new Uint8Array(m + 1);
  let next = new Uint8Array(m + 1);
  /** Stars match the empty string: a live star state also makes the state after it live. */
  const close = (states: Uint8Array) => {
    for (let i = 0; i < m; i++)
      if (states[i] === 1 && (tokens[i] === STAR || tokens[i] === GLOBSTAR)) states[i + 1] = 1;
  };
  return {
    test(name) {
      current.fill(0);
      current[0] = 1;
      close(current);
      for (let p = 0; p < name.length; p++) {
        const c = name.charCodeAt(p);
        next.fill(0);
        let live = false;
        for (let i = 0; i < m; i++) {
          if (current[i] !== 1) continue;
          const t = tokens[i] as number;
          if (t === GLOBSTAR || (t === STAR && c !== SLASH)) next[i] = 1;
          else if (t === c || (t === ONE && c !== SLASH)) next[i + 1] = 1;
          else continue;
          live = true;
        }
        if (!live) return false;
        close(next);
        [current, next] = [next, current];
      }
      return current[m] === 1;
    },
  };
}

/** A parsed SemVer 2.0.0 version (build metadata dropped: it has no precedence). */
export interface Version {
  core: [string, string, string];
  pre: string[];
}

const VERSION = /^v?(\d+)(?:\.(\d+))?(?:\.(\d+))?(?:-([0-9A-Za-z.-]+))?(?:\+[0-9A-Za-z.-]+)?$/;

/** Parses MAJOR[.MINOR[.PATCH]][-PRE][+BUILD] (missing parts are 0); undefined if it is not one. */
export function parseVersion(text: string): Version | undefined {
  if (text.length > 256) return undefined;
  const m = VERSION.exec(text);
  if (m === null) return undefined;
  return {
    core: [m[1] ?? '0', m[2] ?? '0', m[3] ?? '0'],
    pre: m[4] === undefined ? [] : m[4].split('.'),
  };
}

/** Compares digit strings of any length numerically. */
function compareDigits(a: string, b: string): number {
  const x = a.replace(/^0+(?=\d)/, '');
  const y = b.replace(/^0+(?=\d)/, '');
  if (x.length !== y.length) return x.length - y.length;
  return x < y ? -1 : x > y ? 1 : 0;
}

const DIGITS = /^\d+$/;

/** SemVer 2.0.0 §11 precedence. */
export function compareVersions(a: Version, b: Version): number {
  for (let i = 0; i < 3; i++) {
    const c = compareDigits(a.core[i] as string, b.core[i] as string);
    if (c !== 0) return c;
  }
  if (a.pre.length === 0 || b.pre.length === 0) return b.pre.length - a.pre.length;
  for (let i = 0; i < Math.min(a.pre.length, b.pre.length); i++) {
    const x = a.pre[i] as string;
    const y = b.pre[i] as string;
    const xn = DIGITS.test(x);
    const yn = DIGITS.test(y);
    const c = xn && yn ? compareDigits(x, y) : xn ? -1 : yn ? 1 : x < y ? -1 : x > y ? 1 : 0;
    if (c !== 0) return c;
  }
  return a.pre.length - b.pre.length;
}

type Op = '>=' | '<=' | '>' | '<' | '=';
const ACCEPTS: Record<Op, (c: number) => boolean> = {
  '>=': (c) => c >= 0,
  '<=': (c) => c <= 0,
  '>': (c) => c > 0,
  '<': (c) => c < 0,
  '=': (c) => c === 0,
};

/**
 * Compiles a constraint the schema's `versionConstraint` pattern admits: alternatives joined by
 * `||`, each a space-separated AND of comparators. Throws RangeError on anything else (the
 * schema check comes first, so that is a bug).
 */
export function compileConstraint(constraint: string): (version: Version) => boolean {
  const alternatives = constraint.split('||').map((set) =>
    set
      .trim()
      .split(/ +/)
      .map((part) => {
        const m = /^(>=|<=|>|<|=)?(.*)$/.exec(part) as RegExpExecArray;
        const bound = parseVersion(m[2] as string);
        if (bound === undefined) throw new RangeError(`compileConstraint: bad comparator ${part}`);
        const accepts = ACCEPTS[(m[1] ?? '=') as Op];
        return (v: Version) => accepts(compareVersions(v, bound));
      }),
  );
  return (version) => alternatives.some((set) => set.every((test) => test(version)));
}
