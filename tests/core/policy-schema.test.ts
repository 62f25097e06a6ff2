/**
 * The policy JSON Schema (src/core/policy/policy.schema.json) is normative; `readPolicy` checks
 * it by hand. These tests run Ajv (draft 2020-12, strict) and the hand-written checks over
 * valid policies and thousands of mutations of them, and require the same verdict every time.
 */
import { readFileSync } from 'node:fs';
import { Ajv2020 } from 'ajv/dist/2020.js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isPatchtrailError } from '../../src/core/errors.ts';
import {
  compilePolicy,
  loadCelEngine,
  POLICY_FORMAT,
  readPolicy,
  RULE_KINDS,
  schemaProblems,
} from '../../src/core/policy/index.ts';
import { codeOf } from '../helpers/codes.ts';

const schema = JSON.parse(
  readFileSync(new URL('../../src/core/policy/policy.schema.json', import.meta.url), 'utf8'),
) as object;
const validate = new Ajv2020({ strict: true, allErrors: true }).compile(schema);

const DID = `did:key:z6Mk${'h'.repeat(44)}`;
const HASH = `sha256:${'0a'.repeat(32)}`;

const everyKind = {
  format: POLICY_FORMAT,
  version: 7,
  name: 'fleet',
  description: 'every rule kind once',
  mode: 'enforce',
  rules: [
    { id: 'rep', kind: 'min-reputation', mode: 'enforce', min: 500_000_000 },
    { id: 'len', kind: 'max-chain-length', mode: 'warn', max: 10, description: 'short' },
    {
      id: 'sec',
      kind: 'attestations',
      mode: 'enforce',
      reason: 'reviewed',
      count: 2,
      from: { roles: ['security'], systems: [DID] },
    },
    { id: 'who', kind: 'authors', mode: 'enforce', allow: { systems: [DID] } },
    { id: 'why', kind: 'patch-reason', mode: 'enforce', pattern: '^fix', allowed: ['hotfix'] },
    { id: 'where', kind: 'components', mode: 'enforce', allow: ['core/**'], deny: ['core/x'] },
    { id: 'op', kind: 'acting-role', mode: 'enforce', roles: ['technician'] },
    { id: 'tree', kind: 'target-tree', mode: 'enforce', treeHashes: [HASH] },
    {
      id: 'fw',
      kind: 'component-version',
      mode: 'enforce',
      component: 'firmware',
      constraint: '>=2.1.0 <3 || =4.0.0-rc.1',
    },
    { id: 'clean', kind: 'no-malicious', mode: 'enforce' },
    { id: 'flag', kind: 'not-flagged', mode: 'enforce', by: { roles: ['admin'] } },
    { id: 'fresh', kind: 'freshness', mode: 'enforce', maxAgeSeconds: 86_400 },
    { id: 'fuzz', kind: 'fuzz', mode: 'enforce', allowed: true, max: 2 },
    { id: 'fails', kind: 'verdicts', mode: 'enforce', from: { roles: ['qa'] }, max: 1 },
    {
      id: 'custom',
      kind: 'cel',
      mode: 'enforce',
      expression: 'chain.size() <= 5',
      message: 'short chains only',
    },
    {
      id: 'health',
      kind: 'post-apply',
      mode: 'enforce',
      checks: [
        { path: 'app.conf', sha256: 'ab'.repeat(32), contains: 'mode=' },
        { path: 'old.flag', absent: true },
      ],
    },
    { id: 'admins', kind: 'admin-passkey', mode: 'enforce', actions: ['policy', 'flag'] },
  ],
};
const minimal = { format: POLICY_FORMAT, version: 1, rules: [] };
const VALID: unknown[] = [
  everyKind,
  minimal,
  { ...minimal, rules: [{ id: 'f', kind: 'fuzz', mode: 'warn', allowed: false }] },
  { ...minimal, name: '☃'.repeat(200), description: '' },
  { ...minimal, name: '😀'.repeat(200) }, // 200 code points, 400 UTF-16 units
  { ...minimal, rules: [{ id: 'c', kind: 'cel', mode: 'warn', expression: '😀'.repeat(4096) }] },
];

/** Values a mutation puts in place of a member or an item. */
const REPLACEMENTS: unknown[] = [
  null,
  true,
  false,
  0,
  -1,
  1,
  1.5,
  3,
  4,
  64,
  65,
  1024,
  1025,
  1_000_000_000,
  1_000_000_001,
  315_360_000,
  315_360_001,
  2 ** 53,
  '',
  'x',
  'enforce',
  'warn',
  'reviewed',
  'fuzz',
  'a'.repeat(65),
  'x'.repeat(201),
  '😀'.repeat(201),
  'x'.repeat(1025),
  'x'.repeat(4097),
  'patch.creator == "x"',
  'A-role',
  '>=1.2.3',
  '1.2.3.4',
  'latest',
  HASH,
  `${HASH}0`,
  DID,
  'did:key:z0OIl',
  [],
  ['x'],
  ['x', 'x'],
  [DID],
  [HASH],
  {},
  { roles: ['security'] },
  { systems: [] },
  { roles: ['security'], other: 1 },
  [{ path: 'x' }],
  { path: 'x', absent: true },
  'ab'.repeat(32),
];

type Path = (string | number)[];

function paths(value: unknown, at: Path = []): Path[] {
  const out: Path[] = [at];
  if (Array.isArray(value)) value.forEach((v, i) => out.push(...paths(v, [...at, i])));
  else if (value !== null && typeof value === 'object')
    for (const [k, v] of Object.entries(value)) out.push(...paths(v, [...at, k]));
  return out;
}

function mutate(
  value: unknown,
  path: Path,
  change: (parent: unknown, key: string | number) => void,
) {
  const copy = structuredClone(value);
  if (path.length === 0) return copy;
  let parent: unknown = copy;
  for (const key of path.slice(0, -1)) parent = (parent as Record<string | number, unknown>)[key];
  change(parent, path.at(-1) as string | number);
  return copy;
}

function agrees(value: unknown): void {
  const ajv = validate(value);
  const ours = schemaProblems(value);
  if (ajv !== (ours.length === 0))
    throw new Error(
      `disagree on ${JSON.stringify(value).slice(0, 400)}: ajv ${ajv} ${JSON.stringify(validate.errors?.slice(0, 2))}; ours ${JSON.stringify(ours)}`,
    );
}

describe('policy schema agreement', () => {
  it('valid policies are valid for both, and cover every rule kind', () => {
    for (const value of VALID) {
      expect(validate(value)).toBe(true);
      expect(schemaProblems(value)).toEqual([]);
    }
    expect(everyKind.rules.map((r) => r.kind).sort()).toEqual([...RULE_KINDS].sort());
  });

  it('every member replaced, removed or joined by a stranger: Ajv and readPolicy agree', () => {
    let invalid = 0;
    let checked = 0;
    for (const base of VALID) {
      for (const path of paths(base)) {
        const variants = [
          ...REPLACEMENTS.map((r) =>
            mutate(base, path, (p, k) => ((p as Record<string | number, unknown>)[k] = r)),
          ),
          mutate(base, path, (p, k) =>
            Array.isArray(p) ? p.splice(Number(k), 1) : Reflect.deleteProperty(p as object, k),
          ),
          mutate(base, path, (p, k) => {
            const target = (p as Record<string | number, unknown>)[k];
            if (Array.isArray(target)) target.push(structuredClone(target[0]));
            else if (target !== null && typeof target === 'object')
              (target as Record<string, unknown>).extra = 1;
          }),
        ];
        for (const variant of variants) {
          agrees(variant);
          checked++;
          if (!validate(variant)) invalid++;
        }
      }
    }
    expect(checked).toBeGreaterThan(5000);
    expect(invalid).toBeGreaterThan(checked / 2);
  });

  it('random rules built from the same parts: Ajv and readPolicy agree (fast-check)', () => {
    const part = fc.constantFrom(...REPLACEMENTS);
    const kind = fc.constantFrom(...RULE_KINDS, 'other');
    const key = fc.constantFrom(
      'min',
      'max',
      'reason',
      'count',
      'from',
      'allow',
      'deny',
      'pattern',
      'allowed',
      'roles',
      'treeHashes',
      'component',
      'constraint',
      'by',
      'maxAgeSeconds',
      'expression',
      'message',
      'checks',
      'description',
      'mode',
      'id',
    );
    const rule = fc
      .record({
        kind,
        mode: fc.constantFrom('enforce', 'warn', 'audit'),
        extra: fc.dictionary(key, part, { maxKeys: 4 }),
      })
      .map(({ kind: k, mode, extra }) => ({ id: 'r', kind: k, mode, ...extra }));
    fc.assert(
      fc.property(fc.array(rule, { maxLength: 3 }), (rules) => agrees({ ...minimal, rules })),
      { numRuns: 3000, seed: 20261122 },
    );
  });
});

describe('readPolicy', () => {
  it('accepts the example in src/core/policy/README.md', () => {
    const readme = readFileSync(
      new URL('../../src/core/policy/README.md', import.meta.url),
      'utf8',
    );
    const example = /```json\n([\s\S]*?)\n```/.exec(readme)?.[1] ?? '';
    const value = JSON.parse(example) as unknown;
    expect(validate(value)).toBe(true);
    expect(compilePolicy(value).policy.rules).toHaveLength(12);
  });

  it('lists every problem at once, as MALFORMED_INPUT', async () => {
    const bad = {
      format: 'v0',
      version: 0,
      rules: [{ id: 'Bad Id', kind: 'fuzz', mode: 'enforce' }, { kind: 'nope' }],
      extra: true,
    };
    expect(await codeOf(() => readPolicy(bad))).toBe('MALFORMED_INPUT');
    try {
      readPolicy(bad);
    } catch (error) {
      if (!isPatchtrailError(error)) throw error;
      expect(error.details).toEqual([
        '/format: must be one of urn:patchtrail:policy:v1',
        '/version: must be from 1 to 9007199254740991',
        '/rules/0/allowed: is missing',
        '/rules/0/id: must match ^[a-z0-9][a-z0-9._-]{0,63}$',
        '/rules/1/kind: must be one of ' + RULE_KINDS.join(', '),
        '/extra: is not a member',
      ]);
    }
  });

  it('refuses what the schema cannot see: duplicate rule ids and patterns that do not compile', () => {
    const doc = {
      ...minimal,
      rules: [
        { id: 'a', kind: 'no-malicious', mode: 'enforce' },
        { id: 'a', kind: 'patch-reason', mode: 'enforce', pattern: '(' },
      ],
    };
    expect(validate(doc)).toBe(true);
    expect(() => readPolicy(doc)).toThrow(
      /\/rules\/1\/id: "a" is used by an earlier rule; \/rules\/1\/pattern: is not a valid regular expression/,
    );
  });

  it('refuses post-apply paths a diff could not name, and `absent` with a digest or text', () => {
    const checks = [
      { path: '../etc/passwd' },
      { path: '/etc/passwd' },
      { path: '.git/config' },
      { path: 'a\nb' },
      { path: 'gone', absent: true, contains: 'x' },
      { path: 'fine/app.conf', contains: 'x' },
    ];
    const doc = { ...minimal, rules: [{ id: 'h', kind: 'post-apply', mode: 'enforce', checks }] };
    expect(validate(doc)).toBe(true);
    try {
      readPolicy(doc);
      expect.unreachable('readPolicy accepted unsafe post-apply paths');
    } catch (error) {
      if (!isPatchtrailError(error)) throw error;
      expect(error.code).toBe('MALFORMED_INPUT');
      expect(error.details.map((d) => d.split(':')[0])).toEqual([
        '/rules/0/checks/0/path',
        '/rules/0/checks/1/path',
        '/rules/0/checks/2/path',
        '/rules/0/checks/3/path',
        '/rules/0/checks/4',
      ]);
    }
  });

  it('never throws anything but a coded error for junk', async () => {
    const cel = await loadCelEngine();
    const codeFor = (value: unknown) => {
      try {
        compilePolicy(value, { cel });
        return 'no error';
      } catch (error) {
        return isPatchtrailError(error) ? error.code : 'uncoded';
      }
    };
    fc.assert(
      fc.property(fc.jsonValue(), (value) => codeFor(value) === 'MALFORMED_INPUT'),
      { numRuns: 500, seed: 7 },
    );
    expect(codeFor(everyKind)).toBe('no error');
  });

  it('returns a copy: changing the input later changes nothing', () => {
    const input = structuredClone(everyKind);
    const read = readPolicy(input);
    input.rules.length = 0;
    expect(read.rules).toHaveLength(everyKind.rules.length);
  });
});
