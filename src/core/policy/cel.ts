/**
 * The CEL engine (cel-spec, https://github.com/google/cel-spec) behind `cel` rules, over
 * @bufbuild/cel. Loaded only by cel-load.ts, with a dynamic import, so the library (about
 * 65 KiB gzipped) is fetched only when a policy has a `cel` rule.
 *
 * Compiling parses the expression, checks it against the activation's declarations and the
 * library's own overloads (cel-check.ts: @bufbuild/cel 0.6 has no public checker), bounds
 * its depth and worst-case comprehension steps, and plans it; once per expression text.
 * Running builds the activation from the context once per evaluation (shared by a policy's
 * `cel` rules) and never throws: an evaluation error, or a value that is not a bool, is the
 * outcome. The standard library only: `matches` runs RE2 (@bufbuild/re2), linear in the
 * input, so an admin's pattern cannot hang a device on attacker-chosen strings.
 */
import { celEnv, celType, isCelError, parse, plan } from '@bufbuild/cel';
import { activationOf, DECLARATIONS, type Activation } from './cel-activation.ts';
import { MAX_EXPRESSION_LENGTH, type CelEngine, type CelProgram } from './cel-api.ts';
import { overloadsOf } from './cel-call.ts';
import { checkExpression } from './cel-check.ts';
import type { Scope } from './rule-kit.ts';

const env = celEnv();

/** Compiles a pattern the way `matches` will (RE2, through the library): why not, or undefined. */
const matcher = plan(env, parse('"".matches(pattern)'));
function patternProblem(pattern: string): string | undefined {
  const result = matcher({ pattern });
  return isCelError(result) ? result.message : undefined;
}

const checking = { declarations: DECLARATIONS, overloads: overloadsOf(env.funcs), patternProblem };

/** The activation of one evaluation (one Scope), built by its first `cel` rule. */
const activations = new WeakMap<Scope, Activation>();

const why = (error: unknown): string =>
  error instanceof Error ? error.message : `non-error thrown: ${String(error)}`;

function program(planned: ReturnType<typeof plan>): CelProgram {
  return {
    run(scope) {
      let result;
      try {
        let activation = activations.get(scope);
        if (activation === undefined) activations.set(scope, (activation = activationOf(scope)));
        if ('tooLarge' in activation) return { error: activation.tooLarge };
        result = planned(activation.vars);
      } catch (error) {
        return { error: `evaluation failed: ${why(error)}` };
      }
      if (isCelError(result)) return { error: result.message };
      if (typeof result !== 'boolean')
        return { error: `evaluated to ${celType(result).name}, not bool` };
      return { value: result };
    },
  };
}

/** "<input>:1:5: found …" → "syntax error at line 1, column 5: found …". */
function syntaxError(error: unknown): string {
  if (error instanceof RangeError) return 'nests too deeply to parse';
  const text = why(error);
  const m = /^<input>:(\d+):(\d+): ([\s\S]*)$/.exec(text);
  return m === null
    ? `does not parse: ${text}`
    : `syntax error at line ${m[1]}, column ${m[2]}: ${m[3]}`;
}

function compile(expression: string): ReturnType<CelEngine['compile']> {
  const length = [...expression].length;
  if (length > MAX_EXPRESSION_LENGTH)
    return { problems: [`is ${length} characters long; at most ${MAX_EXPRESSION_LENGTH}`] };
  let parsed;
  try {
    // Trailing blanks cost @bufbuild/cel's parser quadratic time, and a `//` comment on the
    // last line needs a line break after it (0.6.1): neither changes what the text means.
    parsed = parse(`${expression.trimEnd()}\n`);
  } catch (error) {
    return { problems: [syntaxError(error)] };
  }
  const problems = checkExpression(parsed, checking);
  if (problems.length > 0) return { problems };
  try {
    return { program: program(plan(env, parsed)) };
  } catch (error) {
    return { problems: [`cannot be planned: ${why(error)}`] };
  }
}

/** Compiled expressions by text: readPolicy checks a rule and CompiledPolicy reuses it. */
const compiled = new Map<string, ReturnType<CelEngine['compile']>>();
const CACHED = 256;

export const celEngine: CelEngine = {
  compile(expression) {
    let result = compiled.get(expression);
    if (result === undefined) {
      if (compiled.size >= CACHED) compiled.clear();
      compiled.set(expression, (result = compile(expression)));
    }
    return result;
  },
};
