/**
 * A static checker for CEL expressions over the policy activation (cel-spec doc/langdef.md:
 * "Name Resolution", "Functions", "Macros"). It walks the tree @bufbuild/cel parses (macros
 * already expanded into comprehensions) and finds what would otherwise only fail at run
 * time on some device: undeclared names, members a record does not have, functions that do
 * not exist or have no overload for the argument types, operators on the wrong types, and a
 * result that is not a bool. Overloads come from the library's own standard library, so the
 * checker and the evaluator agree on what exists. It also bounds the work: the tree's depth,
 * and the comprehension steps in the worst case, from the size bound of every list (nested
 * macros multiply). Expressions come from admins; every problem is reported, with where.
 */
import type { parse } from '@bufbuild/cel';
import { formatCount } from '../encoding/display.ts';
import { MAX_ACTIVATION_ITEMS, MAX_COMPREHENSION_STEPS, MAX_EXPRESSION_DEPTH } from './cel-api.ts';
import { checkCall, type Checker, type Expr, type Overloads } from './cel-call.ts';
import {
  BOOL,
  DYN,
  iteration,
  join,
  list,
  map,
  scalar,
  STRING,
  typeText,
  UNBOUNDED,
  type CelT,
} from './cel-types.ts';

type Parsed = ReturnType<typeof parse>;

/** Names that denote types (`type(x) == int`). */
const TYPE_NAMES = new Set([
  'bool',
  'int',
  'uint',
  'double',
  'string',
  'bytes',
  'list',
  'map',
  'null_type',
  'type',
]);

/** A comprehension over a value whose size nothing bounds is taken to be this long. */
const UNKNOWN_ITEMS = MAX_ACTIVATION_ITEMS + 2;

class TreeChecker implements Checker {
  readonly problems: string[] = [];
  /** Worst-case comprehension steps so far. */
  steps = 0;
  private readonly locals: Map<string, CelT>[] = [];
  private tooDeep = false;

  constructor(
    private readonly declarations: ReadonlyMap<string, CelT>,
    readonly overloads: Overloads,
    readonly patternProblem: (pattern: string) => string | undefined,
    private readonly positions: Readonly<Record<string, number>>,
  ) {}

  problem(e: Expr, text: string): CelT {
    const at = this.positions[String(e.id)];
    this.problems.push(at === undefined ? text : `${text} (at character ${at + 1})`);
    return DYN;
  }

  /** The type of `e`, evaluated `times` times in the worst case. */
  check(e: Expr, times: number, depth: number): CelT {
    if (depth > MAX_EXPRESSION_DEPTH) {
      if (!this.tooDeep) this.problem(e, `nests deeper than ${MAX_EXPRESSION_DEPTH} levels`);
      this.tooDeep = true;
      return DYN;
    }
    const kind = e.exprKind;
    switch (kind.case) {
      case 'constExpr':
        return constant(kind.value.constantKind.case);
      case 'identExpr':
        return this.ident(e, kind.value.name);
      case 'selectExpr': {
        const { operand, field, testOnly } = kind.value;
        if (operand === undefined) return this.problem(e, 'a selection without an operand');
        return this.select(e, this.check(operand, times, depth + 1), field, testOnly);
      }
      case 'callExpr': {
        const { target, args } = kind.value;
        const on = target === undefined ? undefined : this.check(target, times, depth + 1);
        const types = args.map((a) => this.check(a, times, depth + 1));
        return checkCall(this, e, kind.value.function, on, types, args);
      }
      case 'listExpr': {
        if (kind.value.optionalIndices.length > 0)
          return this.problem(e, 'optional list elements are not available');
        const types = kind.value.elements.map((x) => this.check(x, times, depth + 1));
        return list(types.reduce(join, types[0] ?? DYN), types.length);
      }
      case 'structExpr':
        return this.struct(e, kind.value, times, depth);
      case 'comprehensionExpr':
        return this.comprehension(e, kind.value, times, depth);
      default:
        return this.problem(e, 'an empty expression');
    }
  }

  private ident(e: Expr, name: string): CelT {
    for (let i = this.locals.length - 1; i >= 0; i--) {
      const local = this.locals[i]?.get(name);
      if (local !== undefined) return local;
    }
    const declared = this.declarations.get(name);
    if (declared !== undefined) return declared;
    if (TYPE_NAMES.has(name)) return scalar('type');
    const known = [...this.declarations.keys()].join(', ');
    return this.problem(e, `undeclared reference to '${name}' (the activation has ${known})`);
  }

  private select(e: Expr, operand: CelT, field: string, testOnly: boolean): CelT {
    if (operand.k === 'record') {
      // The field name is the expression's (untrusted): own members of the record type only.
      const member = Object.hasOwn(operand.fields, field) ? operand.fields[field] : undefined;
      if (member !== undefined) return testOnly ? BOOL : member;
      const members = Object.keys(operand.fields).join(', ');
      return this.problem(e, `${operand.name} has no member '${field}' (it has ${members})`);
    }
    if (operand.k === 'dyn') return testOnly ? BOOL : DYN;
    if (operand.k === 'map' && operand.key.k !== 'int' && operand.key.k !== 'bool')
      return testOnly ? BOOL : operand.value;
    return this.problem(e, `${typeText(operand)} has no members (selecting '${field}')`);
  }

  private struct(e: Expr, s: StructNode, times: number, depth: number): CelT {
    if (s.messageName !== '')
      return this.problem(e, `message literals (${s.messageName}{…}) are not available`);
    let key: CelT | undefined;
    let value: CelT | undefined;
    for (const entry of s.entries) {
      if (entry.optionalEntry) return this.problem(e, 'optional map entries are not available');
      const k = entry.keyKind.case === 'mapKey' ? entry.keyKind.value : undefined;
      if (k === undefined || entry.value === undefined) return this.problem(e, 'a bad map entry');
      const kt = this.check(k, times, depth + 1);
      const vt = this.check(entry.value, times, depth + 1);
      key = key === undefined ? kt : join(key, kt);
      value = value === undefined ? vt : join(value, vt);
    }
    return map(key ?? DYN, value ?? DYN, s.entries.length);
  }

  private comprehension(e: Expr, c: ComprehensionNode, times: number, depth: number): CelT {
    const { iterRange, accuInit, loopCondition, loopStep, result } = c;
    if (!iterRange || !accuInit || !loopCondition || !loopStep || !result)
      return this.problem(e, 'an incomplete comprehension');
    const range = this.check(iterRange, times, depth + 1);
    const { item, count } = iteration(range);
    if (count === undefined && range.k !== 'dyn')
      this.problem(e, `cannot iterate over ${typeText(range)}`);
    const n = count === undefined || count === UNBOUNDED ? UNKNOWN_ITEMS : count;
    this.steps += times * n;
    const init = this.check(accuInit, times, depth + 1);
    const scope = new Map([[c.accuVar, init]]);
    scope.set(c.iterVar, item);
    this.locals.push(scope);
    this.check(loopCondition, times * n, depth + 1);
    const step = this.check(loopStep, times * n, depth + 1);
    // Each step adds at most one element to a list accumulator (map, filter).
    scope.set(c.accuVar, step.k === 'list' ? list(step.elem, n) : join(init, step));
    const out = this.check(result, times, depth + 1);
    this.locals.pop();
    return out;
  }
}

type StructNode = Extract<Expr['exprKind'], { case: 'structExpr' }>['value'];
type ComprehensionNode = Extract<Expr['exprKind'], { case: 'comprehensionExpr' }>['value'];

function constant(kind: string | undefined): CelT {
  const types: Record<string, CelT> = {
    boolValue: BOOL,
    int64Value: scalar('int'),
    uint64Value: scalar('uint'),
    doubleValue: scalar('double'),
    stringValue: STRING,
    bytesValue: scalar('bytes'),
    nullValue: scalar('null_type'),
  };
  return types[kind ?? ''] ?? DYN;
}

/** What an expression is checked against: the activation and the library. */
export interface CheckEnvironment {
  declarations: ReadonlyMap<string, CelT>;
  overloads: Overloads;
  patternProblem(pattern: string): string | undefined;
}

/**
 * Every problem with a parsed expression (empty: it checks): names, members, overloads,
 * constant patterns, a non-bool result, depth, and the comprehension-step bound.
 */
export function checkExpression(parsed: Parsed, on: CheckEnvironment): string[] {
  const checker = new TreeChecker(
    on.declarations,
    on.overloads,
    on.patternProblem,
    parsed.sourceInfo?.positions ?? {},
  );
  const type = checker.check(parsed.expr, 1, 0);
  if (type.k !== 'bool' && type.k !== 'dyn')
    checker.problems.push(`evaluates to ${typeText(type)}, not bool`);
  if (checker.steps > MAX_COMPREHENSION_STEPS)
    checker.problems.push(
      `may take ${formatCount(checker.steps)} comprehension steps; at most ` +
        `${formatCount(MAX_COMPREHENSION_STEPS)} (nested macros multiply: ` +
        `each list holds up to ${MAX_ACTIVATION_ITEMS} items)`,
    );
  return checker.problems;
}
