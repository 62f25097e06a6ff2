/**
 * Reading a policy document. A policy arrives from the ledger or a file, so it is untrusted:
 * `readPolicy` either returns a typed copy or rejects with `MALFORMED_INPUT`, listing every
 * problem at once. The checks are hand-written from `policy.schema.json` (draft 2020-12), which
 * stays normative: tests/core/policy-schema.test.ts runs both over valid policies and many
 * mutations of them and requires the same verdict. On top of the schema come the checks a
 * schema cannot state: rule ids are unique, `pattern` compiles, a `post-apply` rule's paths
 * are safe target paths (diff/safety.ts) and its `absent` stands alone, and, when the caller passes
 * the CEL engine, every `expression` compiles (parses, type-checks, stays within bounds).
 */
import { sha256Sync } from '../crypto/hash.ts';
import { toHex } from '../encoding/bytes.ts';
import { canonicalBytes, canonicalJson } from '../encoding/canonical-json.ts';
import { checkPathSyntax } from '../diff/safety.ts';
import { isPatchtrailError, reject } from '../errors.ts';
import { ATTEST_REASONS } from '../ledger/kinds.ts';
import { MAX_EXPRESSION_LENGTH, type CelEngine } from './cel-api.ts';
import {
  ADMIN_ACTIONS,
  POLICY_FORMAT,
  RULE_KINDS,
  type PolicyDocument,
  type PostApplyRule,
  type RuleKind,
} from './types.ts';

type Check = (value: unknown, path: string, problems: string[]) => void;

const isObject = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === 'object' && !Array.isArray(v);

/** Length in code points, as JSON Schema counts it. */
function codePoints(text: string): number {
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0xd800 || c > 0xdbff || i + 1 >= text.length) n++;
    else if ((text.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      n++;
      i++;
    } else n++;
  }
  return n;
}

function str(min: number, max: number, pattern?: RegExp): Check {
  return (v, path, problems) => {
    if (typeof v !== 'string') return void problems.push(`${path}: must be a string`);
    const n = codePoints(v);
    if (n < min || n > max) problems.push(`${path}: must be ${min} to ${max} characters long`);
    if (pattern !== undefined && !pattern.test(v))
      problems.push(`${path}: must match ${pattern.source}`);
  };
}

function int(min: number, max: number): Check {
  return (v, path, problems) => {
    if (typeof v !== 'number' || !Number.isInteger(v)) problems.push(`${path}: must be an integer`);
    else if (v < min || v > max) problems.push(`${path}: must be from ${min} to ${max}`);
  };
}

function oneOf(values: readonly unknown[]): Check {
  return (v, path, problems) => {
    if (!values.includes(v)) problems.push(`${path}: must be one of ${values.join(', ')}`);
  };
}

const bool: Check = (v, path, problems) => {
  if (typeof v !== 'boolean') problems.push(`${path}: must be true or false`);
};

function list(item: Check, min: number, max: number, unique = true): Check {
  return (v, path, problems) => {
    if (!Array.isArray(v)) return void problems.push(`${path}: must be an array`);
    if (v.length < min || v.length > max)
      problems.push(`${path}: must have ${min} to ${max} items`);
    if (unique && new Set(v).size !== v.length) problems.push(`${path}: items must be unique`);
    v.forEach((x, i) => item(x, `${path}/${i}`, problems));
  };
}

function object(
  required: Record<string, Check>,
  optional: Record<string, Check> = {},
  minProperties = 0,
): Check {
  return (v, path, problems) => {
    if (!isObject(v)) return void problems.push(`${path || '(top level)'}: must be an object`);
    for (const name of Object.keys(required))
      if (!Object.hasOwn(v, name)) problems.push(`${path}/${name}: is missing`);
    for (const [name, value] of Object.entries(v)) {
      // Own members only: a member named `__proto__` or `constructor` is not a check.
      const check = Object.hasOwn(required, name)
        ? required[name]
        : Object.hasOwn(optional, name)
          ? optional[name]
          : undefined;
      if (check === undefined) problems.push(`${path}/${name}: is not a member`);
      else check(value, `${path}/${name}`, problems);
    }
    if (Object.keys(v).length < minProperties)
      problems.push(`${path}: must have at least ${minProperties} member(s)`);
  };
}

function someOf(check: Check, names: readonly string[]): Check {
  return (v, path, problems) => {
    check(v, path, problems);
    if (isObject(v) && !names.some((n) => Object.hasOwn(v, n)))
      problems.push(`${path}: needs ${names.join(' or ')}`);
  };
}

const DID = str(0, Infinity, /^did:key:z[1-9A-HJ-NP-Za-km-z]{40,50}$/u);
const ROLE = str(0, Infinity, /^[a-z][a-z0-9-]{0,63}$/u);
const HASH = str(0, Infinity, /^sha256:[0-9a-f]{64}$/u);
const GLOB = str(1, 200);
const COMPARATOR = String.raw`(?:>=|<=|>|<|=)?[0-9]+(?:\.[0-9]+){0,2}(?:-[0-9A-Za-z.-]+)?`;
const SET = `${COMPARATOR}(?: +${COMPARATOR})*`;
/** The schema's `versionConstraint` pattern. */
export const CONSTRAINT = new RegExp(`^ *${SET}(?: *\\|\\| *${SET})* *$`, 'u');

const principals = object({}, { systems: list(DID, 1, 256), roles: list(ROLE, 1, 64) }, 1);

const postApplyCheck = object(
  { path: str(1, 4096) },
  {
    sha256: str(0, Infinity, /^[0-9a-f]{64}$/u),
    contains: str(1, 4096),
    absent: oneOf([true]),
  },
);

const SPECIFIC: Record<
  RuleKind,
  { required?: Record<string, Check>; optional?: Record<string, Check> }
> = {
  'min-reputation': { required: { min: int(0, 1_000_000_000) } },
  'max-chain-length': { required: { max: int(0, 1024) } },
  attestations: {
    required: { reason: oneOf(ATTEST_REASONS), count: int(1, 64), from: principals },
    optional: { passkey: bool },
  },
  authors: { required: { allow: principals } },
  'patch-reason': {
    optional: { pattern: str(1, 1024), allowed: list(str(1, 4096), 1, 256) },
  },
  components: { optional: { allow: list(GLOB, 1, 256), deny: list(GLOB, 1, 256) } },
  'acting-role': { required: { roles: list(ROLE, 1, 64) } },
  'target-tree': { required: { treeHashes: list(HASH, 1, 1024) } },
  'component-version': {
    required: { component: str(1, 200), constraint: str(0, 256, CONSTRAINT) },
  },
  'no-malicious': {},
  'not-flagged': { optional: { by: principals } },
  freshness: { required: { maxAgeSeconds: int(0, 315_360_000) } },
  fuzz: { required: { allowed: bool }, optional: { max: int(1, 3) } },
  verdicts: { optional: { from: principals, max: int(0, 64) } },
  cel: {
    required: { expression: str(1, MAX_EXPRESSION_LENGTH) },
    optional: { message: str(1, 1024) },
  },
  'post-apply': { required: { checks: list(postApplyCheck, 1, 64, false) } },
  'admin-passkey': { required: { actions: list(oneOf(ADMIN_ACTIONS), 1, ADMIN_ACTIONS.length) } },
};

const RULE_CHECKS = new Map<unknown, Check>(
  RULE_KINDS.map((kind) => {
    const { required = {}, optional = {} } = SPECIFIC[kind];
    const common = {
      id: str(0, Infinity, /^[a-z0-9][a-z0-9._-]{0,63}$/u),
      kind: oneOf([kind]),
      mode: oneOf(['enforce', 'warn']),
    };
    let check = object({ ...common, ...required }, { description: str(0, 1024), ...optional });
    if (kind === 'patch-reason') check = someOf(check, ['pattern', 'allowed']);
    if (kind === 'components') check = someOf(check, ['allow', 'deny']);
    if (kind === 'fuzz') {
      const base = check;
      check = (v, path, problems) => {
        base(v, path, problems);
        if (isObject(v) && v.allowed === false && Object.hasOwn(v, 'max'))
          problems.push(`${path}/max: only when fuzz is allowed`);
      };
    }
    return [kind, check] as const;
  }),
);

const rule: Check = (v, path, problems) => {
  if (!isObject(v)) return void problems.push(`${path}: must be an object`);
  if (!Object.hasOwn(v, 'kind')) return void problems.push(`${path}/kind: is missing`);
  const check = RULE_CHECKS.get(v.kind);
  if (check === undefined) problems.push(`${path}/kind: must be one of ${RULE_KINDS.join(', ')}`);
  else check(v, path, problems);
};

const documentCheck = object(
  {
    format: oneOf([POLICY_FORMAT]),
    version: int(1, Number.MAX_SAFE_INTEGER),
    rules: list(rule, 0, 256, false),
  },
  { name: str(1, 200), description: str(0, 4096), mode: oneOf(['enforce', 'warn']) },
);

/** What `policy.schema.json` finds wrong with `value` (empty: valid). */
export function schemaProblems(value: unknown): string[] {
  const problems: string[] = [];
  documentCheck(value, '', problems);
  return problems;
}

/** A `post-apply` rule's paths must be safe target paths, and `absent` stands alone. */
function postApplyProblems(rule: PostApplyRule, path: string): string[] {
  const problems: string[] = [];
  rule.checks.forEach((c, j) => {
    try {
      checkPathSyntax(c.path);
    } catch (error) {
      if (!isPatchtrailError(error)) throw error;
      problems.push(`${path}/checks/${j}/path: ${error.message}`);
    }
    if (c.absent === true && (c.sha256 !== undefined || c.contains !== undefined))
      problems.push(`${path}/checks/${j}: absent excludes sha256 and contains`);
  });
  return problems;
}

/**
 * What a policy valid by its schema still gets wrong: duplicate rule ids, bad patterns, and
 * (with the engine) CEL expressions that do not compile.
 */
function semanticProblems(policy: PolicyDocument, cel: CelEngine | undefined): string[] {
  const problems: string[] = [];
  const seen = new Set<string>();
  policy.rules.forEach((r, i) => {
    if (seen.has(r.id)) problems.push(`/rules/${i}/id: "${r.id}" is used by an earlier rule`);
    seen.add(r.id);
    if (r.kind === 'patch-reason' && r.pattern !== undefined) {
      try {
        new RegExp(r.pattern, 'u');
      } catch {
        problems.push(`/rules/${i}/pattern: is not a valid regular expression`);
      }
    }
    if (r.kind === 'post-apply') problems.push(...postApplyProblems(r, `/rules/${i}`));
    if (r.kind === 'cel' && cel !== undefined) {
      const compiled = cel.compile(r.expression);
      if ('problems' in compiled)
        for (const p of compiled.problems) problems.push(`/rules/${i}/expression: ${p}`);
    }
  });
  return problems;
}

/**
 * Checks untrusted input against the policy schema and the rules beyond it; returns a copy
 * (canonical JSON round trip, so later changes to the input cannot reach it). Without `cel`,
 * `cel` rules are checked against the schema only (CompiledPolicy then needs the engine).
 */
export function readPolicy(value: unknown, cel?: CelEngine): PolicyDocument {
  const problems = schemaProblems(value);
  if (problems.length === 0) problems.push(...semanticProblems(value as PolicyDocument, cel));
  if (problems.length > 0)
    reject(
      'MALFORMED_INPUT',
      `policy does not match the policy schema: ${problems.slice(0, 3).join('; ')}`,
      problems,
    );
  return JSON.parse(canonicalJson(value)) as PolicyDocument;
}

/** "sha256:" + hex SHA-256 of the value's RFC 8785 canonical JSON. */
export function canonicalHash(value: unknown): string {
  return `sha256:${toHex(sha256Sync(canonicalBytes(value)))}`;
}
