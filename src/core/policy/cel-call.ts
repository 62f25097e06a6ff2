/**
 * Checking one call (cel-spec doc/langdef.md "Functions", "Overloads"): the operators the
 * evaluator implements itself (`&&`, `||`, `?:`, indexing, equality), then every other
 * function against the library's overload signatures, receiver style or global. An argument
 * of type dyn matches every parameter, so a call is refused only when no overload can apply.
 */
import type { CelFunc, parse } from '@bufbuild/cel';
import {
  accepts,
  BOOL,
  DYN,
  fromCelType,
  join,
  list,
  scalar,
  STRING,
  typeText,
  type CelT,
} from './cel-types.ts';

export interface Signature {
  target: CelT | undefined;
  args: CelT[];
  result: CelT;
}
export type Overloads = ReadonlyMap<string, readonly Signature[]>;

/** A node of the tree @bufbuild/cel parses (cel.expr.Expr, cel-spec proto/cel/expr/syntax.proto). */
export type Expr = ReturnType<typeof parse>['expr'];

/** What checking a call needs of the checker (cel-check.ts). */
export interface Checker {
  readonly overloads: Overloads;
  /** Records a problem at `e`; returns dyn so checking goes on. */
  problem(e: Expr, text: string): CelT;
  /** Why a regular expression does not compile (RE2 syntax), or undefined. */
  patternProblem(pattern: string): string | undefined;
}

const stringConstant = (e: Expr | undefined): string | undefined => {
  const k = e?.exprKind.case === 'constExpr' ? e.exprKind.value.constantKind : undefined;
  return k?.case === 'stringValue' ? k.value : undefined;
};

/** The overload table of a function resolver (`celEnv().funcs`). */
export function overloadsOf(funcs: Iterable<CelFunc>): Overloads {
  const table = new Map<string, Signature[]>();
  for (const f of funcs) {
    const signature = {
      target: f.target === undefined ? undefined : fromCelType(f.target),
      args: f.arguments.map(fromCelType),
      result: fromCelType(f.result),
    };
    const known = table.get(f.name);
    if (known === undefined) table.set(f.name, [signature]);
    else known.push(signature);
  }
  return table;
}

const NUMBERS = new Set(['int', 'uint', 'double']);
const LOGICAL = new Set(['_&&_', '_||_', '!_', '@not_strictly_false']);
/** Operator names as an admin wrote them. */
const SPELLING: Record<string, string> = { '_&&_': '&&', '_||_': '||', '!_': '!' };

function index(c: Checker, e: Expr, on: CelT, key: CelT, keyExpr: Expr | undefined): CelT {
  if (on.k === 'dyn') return DYN;
  if (on.k === 'list') {
    if (accepts(scalar('int'), key) || key.k === 'uint') return on.elem;
    return c.problem(e, `a list index must be an int, found ${typeText(key)}`);
  }
  if (on.k === 'map') {
    if (accepts(on.key, key) || (NUMBERS.has(on.key.k) && NUMBERS.has(key.k))) return on.value;
    return c.problem(e, `${typeText(on)} has no ${typeText(key)} keys`);
  }
  if (on.k === 'record') {
    if (!accepts(STRING, key)) return c.problem(e, `${on.name} has only string keys`);
    return on.fields[stringConstant(keyExpr) ?? ''] ?? DYN;
  }
  return c.problem(e, `${typeText(on)} cannot be indexed`);
}

function comparable(a: CelT, b: CelT): boolean {
  return accepts(a, b) || accepts(b, a) || (NUMBERS.has(a.k) && NUMBERS.has(b.k));
}

/** Calls the evaluator handles itself; undefined for library functions. */
function builtin(c: Checker, e: Expr, fn: string, types: CelT[], args: Expr[]): CelT | undefined {
  const [a = DYN, b = DYN, third = DYN] = types;
  if (LOGICAL.has(fn)) {
    for (const t of types)
      if (!accepts(BOOL, t))
        c.problem(e, `${SPELLING[fn] ?? fn} needs bool operands, found ${typeText(t)}`);
    return BOOL;
  }
  switch (fn) {
    case '_?_:_':
      if (!accepts(BOOL, a)) c.problem(e, `a condition must be a bool, found ${typeText(a)}`);
      return join(b, third);
    case '_[_]':
      return index(c, e, a, b, args[1]);
    case '_==_':
    case '_!=_':
      if (!comparable(a, b)) c.problem(e, `compares ${typeText(a)} with ${typeText(b)}`);
      return BOOL;
    case '_+_':
      return a.k === 'list' && b.k === 'list'
        ? list(join(a.elem, b.elem), a.max + b.max)
        : undefined;
    case 'dyn':
      return DYN;
    default:
      return undefined;
  }
}

/** The type of a call to `fn` (receiver `on`, if any) with arguments of `types`. */
export function checkCall(
  c: Checker,
  e: Expr,
  fn: string,
  on: CelT | undefined,
  types: CelT[],
  args: Expr[],
): CelT {
  const special = on === undefined ? builtin(c, e, fn, types, args) : undefined;
  if (special !== undefined) return special;
  const all = c.overloads.get(fn);
  const operator = /^[_@!-]/.test(fn) ? `operator ${fn.replace(/^@/, '').replaceAll('_', '')}` : '';
  if (all === undefined) return c.problem(e, `undeclared function '${operator || fn}'`);
  const shaped = all.filter(
    (s) => (s.target === undefined) === (on === undefined) && s.args.length === types.length,
  );
  const applicable = shaped.filter(
    (s) =>
      (s.target === undefined || (on !== undefined && accepts(s.target, on))) &&
      s.args.every((p, i) => accepts(p, types[i] ?? DYN)),
  );
  if (applicable.length === 0) {
    const style = operator || (on === undefined ? `${fn}(…)` : `….${fn}(…)`);
    if (shaped.length === 0)
      return c.problem(e, `${style} takes no ${types.length} argument(s) in that style`);
    const found = [on, ...types].filter((t) => t !== undefined).map(typeText);
    return c.problem(e, `no overload of ${style} for (${found.join(', ')})`);
  }
  // A constant pattern is compiled now, not on every device at run time.
  const pattern = fn === 'matches' ? stringConstant(args[on === undefined ? 1 : 0]) : undefined;
  const bad = pattern === undefined ? undefined : c.patternProblem(pattern);
  if (bad !== undefined) c.problem(e, `the pattern does not compile: ${bad}`);
  return applicable.map((s) => s.result).reduce(join);
}
