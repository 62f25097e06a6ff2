/**
 * What every rule checker shares: the per-evaluation scope (the chain is derived once, and only
 * when a rule needs it), outcome construction, and principals (systems and roles) matching.
 */
import type { Json } from '../encoding/canonical-json.ts';
import { chainOf, holdsRole, lineage, type Chain } from './chain.ts';
import type {
  AdminAction,
  PolicyContext,
  PolicyRule,
  Principals,
  RuleMode,
  RuleOf,
  RuleKind,
  RuleOutcome,
} from './types.ts';

/** One evaluation's inputs, with the chain derived on first use. */
export class Scope {
  private derived: Chain | undefined;
  /** `passkeyFor`: admin actions that count only with a verified passkey (rules-admin.ts). */
  constructor(
    readonly ctx: PolicyContext,
    readonly passkeyFor: ReadonlySet<AdminAction> = new Set(),
  ) {}

  get chain(): Chain {
    this.derived ??= chainOf(this.ctx.provenance, this.ctx.metadata.creator, this.ctx.via);
    return this.derived;
  }
}

/** A compiled rule: called once per evaluation; pushes onto `missing` only when it fails. */
export type RuleCheck = (scope: Scope, missing: string[]) => RuleOutcome;
export type RuleCompiler<K extends RuleKind> = (rule: RuleOf<K>, mode: RuleMode) => RuleCheck;

/** Builds an outcome. */
export function outcome(
  rule: PolicyRule,
  mode: RuleMode,
  pass: boolean,
  observed: Json,
  expected: Json,
  evidence: string[],
  signers: string[],
  message: string,
): RuleOutcome {
  return {
    evidence,
    expected,
    id: rule.id,
    kind: rule.kind,
    message,
    mode,
    observed,
    outcome: pass ? 'pass' : mode === 'warn' ? 'warn' : 'fail',
    signers,
  };
}

/** Whether a checker should say what is missing: only a failure that denies. */
export const denies = (pass: boolean, mode: RuleMode): boolean => !pass && mode === 'enforce';

/** Lists longer than this are summarised in `expected` (the policy hash pins the full list). */
const LISTED = 16;

/** A frozen JSON value with members in canonical order, for `expected`. */
export function expectation(members: Record<string, unknown>): Json {
  const out: { [key: string]: Json } = {};
  for (const key of Object.keys(members).sort()) {
    const value = members[key];
    if (value === undefined) continue;
    out[key] =
      Array.isArray(value) && value.length > LISTED
        ? `${value.length} values (see the policy)`
        : (JSON.parse(JSON.stringify(value)) as Json);
  }
  return deepFreeze(out);
}

export function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object') {
    for (const inner of Object.values(value)) deepFreeze(inner);
    Object.freeze(value);
  }
  return value;
}

export interface PrincipalsMatcher {
  /** The role or 'system' that admits `did`, or undefined. */
  admits(ctx: PolicyContext, did: string): string | undefined;
  /** "role security or qa, or system alice". */
  text: string;
  expected: Json;
}

/** Compiles a principals object. A named system also admits the keys it rotated from or to. */
export function principals(p: Principals): PrincipalsMatcher {
  const systems = new Set(p.systems ?? []);
  const roles = p.roles ?? [];
  const parts: string[] = [];
  if (roles.length > 0)
    parts.push(`${roles.length === 1 ? 'role' : 'roles'} ${roles.join(' or ')}`);
  if (systems.size > 0)
    parts.push(systems.size === 1 ? 'the named system' : `one of ${systems.size} named systems`);
  return {
    admits(ctx, did) {
      const role = holdsRole(ctx.identities.get(did), roles);
      if (role !== undefined) return `role ${role}`;
      if (systems.size === 0) return undefined;
      if (systems.has(did)) return 'named';
      return lineage(ctx.identities, did).some((k) => systems.has(k)) ? 'named' : undefined;
    },
    text: parts.join(', or '),
    expected: expectation({ roles: p.roles, systems: p.systems }),
  };
}

/** Scores are parts per billion; messages show them as a fraction. */
export const fraction = (ppb: number): string => (ppb / 1e9).toFixed(3);

export const plural = (n: number, one: string, many = `${one}s`): string =>
  `${n} ${n === 1 ? one : many}`;
