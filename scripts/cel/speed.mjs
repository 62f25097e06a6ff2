// Speed of one realistic policy expression per candidate, each in a fresh Node process
// (`node scripts/cel/speed.mjs PACKAGE` prints JSON) so one library's JIT state cannot slow
// another: evaluations per second of the expression compiled once (the best of 5 rounds of
// about 1 s after a warm-up: other load on the machine only ever slows a round down), and
// the time to compile it (parse, plus check or plan where the library has one; the median of
// 300 single compiles after 50 for warm-up).
import { fileURLToPath } from 'node:url';
import { load } from './packages.mjs';

export const EXPRESSIONS = {
  policy:
    'patch.components.all(c, c.startsWith("core/")) && chain.size() <= 5 && ' +
    'scores[patch.creator] >= 600000000',
  /** Without the macro and the method, for a library that cannot run the first. */
  simple: 'size(chain) <= 5 && scores[patch.creator] >= 600000000',
};

const did = (i) => `did:key:z6Mk${String(i).padStart(44, 'h')}`;

/** The activation, with ints as `int(n)` so each library gets its own integer type. */
function activation(int, map) {
  const chain = [0, 1, 2, 3, 4].map((i) => ({
    author: did(i),
    reason: ['built', 'reviewed', 'tested', 'reviewed', 'forwarded'][i],
    name: `system-${i}`,
  }));
  const scores = map(Array.from({ length: 20 }, (_, i) => [did(i), int(700_000_000 + i)]));
  return {
    patch: {
      creator: did(3),
      reason: 'fix: bound the retry loop',
      components: ['core/net', 'core/retry', 'core/net/tls'],
    },
    chain,
    scores,
  };
}

/** Per package: () => { compile(expr) → program, run(program, vars) → value, vars }. */
const SETUPS = {
  async '@bufbuild/cel'() {
    const cel = await load('@bufbuild/cel');
    const env = cel.celEnv();
    return {
      compile: (expr) => cel.plan(env, cel.parse(expr)),
      run: (program, vars) => program(vars),
      vars: activation(BigInt, (entries) => new Map(entries)),
    };
  },
  async '@marcbachmann/cel-js'() {
    const { Environment } = await load('@marcbachmann/cel-js');
    const env = new Environment()
      .registerVariable('patch', 'map')
      .registerVariable('chain', 'list')
      .registerVariable('scores', 'map')
      .registerVariable('s', 'string');
    return {
      compile: (expr) => {
        if (!env.check(expr).valid) throw new Error('does not check');
        return env.parse(expr);
      },
      run: (program, vars) => program(vars),
      vars: activation(BigInt, (entries) => new Map(entries)),
    };
  },
  async 'cel-js'() {
    const cj = await load('cel-js');
    return {
      compile: (expr) => cj.parse(expr).cst,
      run: (cst, vars) => cj.evaluate(cst, vars),
      vars: activation(Number, (entries) => Object.fromEntries(entries)),
    };
  },
};

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

function rate(fn, seconds) {
  let n = 0;
  const start = performance.now();
  const end = start + seconds * 1000;
  while (performance.now() < end) for (let i = 0; i < 100; i++, n++) fn();
  return n / ((performance.now() - start) / 1000);
}

/** { evalsPerSecond, compileMicros } or { error } when the library cannot run it. */
async function measureOne(setup, expression) {
  const { compile, run, vars } = setup;
  let program;
  try {
    program = compile(expression);
    const result = run(program, vars);
    if (result !== true) return { error: `evaluates to ${String(result)}` };
  } catch (error) {
    return { error: String(error?.message ?? error).split('\n')[0] };
  }
  rate(() => run(program, vars), 0.3);
  const evals = Math.max(...[1, 2, 3, 4, 5].map(() => rate(() => run(program, vars), 1)));
  const times = [];
  for (let i = 0; i < 350; i++) {
    const start = performance.now();
    compile(expression);
    if (i >= 50) times.push(performance.now() - start);
  }
  const compileMicros = Math.round(median(times) * 10_000) / 10;
  return { evalsPerSecond: Math.round(evals), compileMicros };
}

/** The regular expression a backtracking engine needs 2^n steps for on "a"×n + "b". */
export const CATASTROPHIC = 's.matches("^(a+)+$")';

/**
 * Milliseconds for `CATASTROPHIC` on "a"×n + "b", n = 16, 20, 24, 28, 32 (stopping after a run
 * over 1 s), then n = 50,000 if n = 24 took under 100 ms; or { error }.
 */
function measureRegex({ compile, run }) {
  const out = {};
  try {
    const program = compile(CATASTROPHIC);
    for (const n of [16, 20, 24, 28, 32, 50_000]) {
      if (n === 50_000 && !(out[24] < 100)) break;
      const start = performance.now();
      const result = run(program, { s: `${'a'.repeat(n)}b` });
      if (result !== false) return { error: `evaluates to ${String(result)}` };
      out[n] = Math.round((performance.now() - start) * 10) / 10;
      if (out[n] > 1000) break;
    }
  } catch (error) {
    return { error: String(error?.message ?? error).split('\n')[0] };
  }
  return out;
}

export async function measureSpeed(name) {
  const setup = await SETUPS[name]();
  const out = {};
  for (const [key, expression] of Object.entries(EXPRESSIONS))
    out[key] = await measureOne(setup, expression);
  out.regex = measureRegex(setup);
  return out;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  console.log(JSON.stringify(await measureSpeed(process.argv[2])));
}
