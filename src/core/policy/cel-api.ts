/**
 * What the policy engine needs of a CEL implementation, and the limits it holds it to. The
 * implementation (cel.ts, over @bufbuild/cel) is loaded on demand (cel-load.ts), so nothing
 * here imports it: a policy without `cel` rules never pays for the library.
 *
 * Expressions are written by admins and travel in policies; they are evaluated on every
 * device over data that attackers influence (the reason, components and attestations anyone
 * registered can add). The limits keep one evaluation bounded whatever that data is.
 */
import type { Scope } from './rule-kit.ts';

/** Longest expression, in UTF-16 code units (the schema says the same in code points). */
export const MAX_EXPRESSION_LENGTH = 4096;
/** Deepest expression tree (after macro expansion): a deeper one could overflow the stack. */
export const MAX_EXPRESSION_DEPTH = 100;
/**
 * Most items in any list or map the activation holds (hops, flags, components, versions,
 * systems): an input over it makes the rule fail rather than be read in part.
 */
export const MAX_ACTIVATION_ITEMS = 256;
/**
 * Most comprehension steps an expression may take in the worst case, estimated at compile
 * time from the list sizes above: one macro over the chain is 256 steps, two nested 65,536,
 * three nested are refused. CEL has no loops, but nested macros multiply.
 */
export const MAX_COMPREHENSION_STEPS = 100_000;

/** One evaluation's result: a bool, or why there is none. */
export type CelOutcome = { value: boolean } | { error: string };

/** A compiled expression: evaluated once per policy evaluation, never throws. */
export interface CelProgram {
  run(scope: Scope): CelOutcome;
}

/** Compiles (parses, checks, bounds) expressions; cached by expression text. */
export interface CelEngine {
  /** Every problem with the expression (empty: none), or the program. */
  compile(expression: string): { problems: string[] } | { program: CelProgram };
}
