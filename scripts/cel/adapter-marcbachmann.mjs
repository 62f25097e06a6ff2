// @marcbachmann/cel-js under the conformance runner: an Environment per test with the suite's
// variable declarations (others dynamic) and optional types on. int is bigint, uint its
// UnsignedInt class, timestamps Dates (millisecond precision), durations its Duration class,
// maps plain objects or Maps. It has no protobuf messages, so tests that need them fail. Its
// checker gives the deduced type for the type-deduction tests.
import { bytesValue, fromHex } from './values.mjs';

const NANOS = 1_000_000_000n;

function declared(type) {
  if ('primitive' in type)
    return {
      BOOL: 'bool',
      INT64: 'int',
      UINT64: 'uint',
      DOUBLE: 'double',
      STRING: 'string',
      BYTES: 'bytes',
    }[type.primitive];
  if ('listType' in type) return `list<${declared(type.listType.elemType)}>`;
  if ('mapType' in type)
    return `map<${declared(type.mapType.keyType)}, ${declared(type.mapType.valueType)}>`;
  if ('wellKnown' in type)
    return { TIMESTAMP: 'timestamp', DURATION: 'duration' }[type.wellKnown] ?? 'dyn';
  if ('null' in type) return 'null_type';
  return 'dyn';
}

/** Their type text (list<int>, timestamp) in the suite's spelling (list(int), google.protobuf.Timestamp). */
const suiteSpelling = (text) =>
  text
    .replaceAll('<', '(')
    .replaceAll('>', ')')
    .replace(/\btimestamp\b/g, 'google.protobuf.Timestamp')
    .replace(/\bduration\b/g, 'google.protobuf.Duration');

export async function marcbachmannAdapter(load) {
  const m = await load('@marcbachmann/cel-js');
  const Unsigned = m.evaluate('0u').constructor;
  const Duration = m.evaluate('duration("0s")').constructor;
  const Type = m.evaluate('type(1)').constructor;

  const toInput = (x) => {
    switch (x.t) {
      case 'uint':
        return new Unsigned(x.v);
      case 'bytes':
        return fromHex(x.v);
      case 'null':
        return null;
      case 'list':
        return x.v.map(toInput);
      case 'map':
        return new Map(x.v.map(([k, v]) => [toInput(k), toInput(v)]));
      case 'timestamp':
        return new Date(Number(x.v / 1_000_000n));
      case 'duration':
        return new Duration(x.v / NANOS, Number(x.v % NANOS));
      case 'enum':
        return BigInt(x.v);
      case 'object':
      case 'type':
        return undefined;
      default:
        return x.v;
    }
  };

  const fromOutput = (v) => {
    if (typeof v === 'bigint') return { t: 'int', v };
    if (typeof v === 'number') return { t: 'double', v };
    if (typeof v === 'string') return { t: 'string', v };
    if (typeof v === 'boolean') return { t: 'bool', v };
    if (v === null) return { t: 'null' };
    if (v instanceof Uint8Array) return bytesValue(v);
    if (v instanceof Unsigned) return { t: 'uint', v: v.value };
    if (v instanceof Date) return { t: 'timestamp', v: BigInt(v.getTime()) * 1_000_000n };
    if (v instanceof Duration) return { t: 'duration', v: v.seconds * NANOS + BigInt(v.nanos) };
    if (v instanceof Type) return { t: 'type', v: v.name };
    if (Array.isArray(v)) return { t: 'list', v: v.map(fromOutput) };
    if (v instanceof Map)
      return { t: 'map', v: [...v.entries()].map(([k, x]) => [fromOutput(k), fromOutput(x)]) };
    if (typeof v === 'object' && v.constructor === Object)
      return {
        t: 'map',
        v: Object.entries(v).map(([k, x]) => [{ t: 'string', v: k }, fromOutput(x)]),
      };
    return { t: 'unknown', v: String(v) };
  };

  const environment = (test) => {
    const env = new m.Environment({
      unlistedVariablesAreDyn: true,
      enableOptionalTypes: true,
      homogeneousAggregateLiterals: false,
    });
    for (const decl of test.typeEnv ?? [])
      if (decl.ident !== undefined) {
        try {
          env.registerVariable(decl.name, declared(decl.ident.type));
        } catch {
          // a declaration it cannot express: leave the variable dynamic
        }
      }
    return env;
  };

  return {
    name: '@marcbachmann/cel-js',
    run(test) {
      const env = environment(test);
      let program;
      try {
        program = env.parse(test.expr);
      } catch (error) {
        return { ok: false, stage: 'parse', error: String(error.message) };
      }
      const context = {};
      for (const [name, bound] of Object.entries(test.bindings)) context[name] = toInput(bound);
      try {
        return { ok: true, value: fromOutput(program(context)) };
      } catch (error) {
        const stage = error instanceof m.ParseError ? 'parse' : 'eval';
        return { ok: false, stage, error: String(error.message) };
      }
    },
    check(test) {
      try {
        const result = environment(test).check(test.expr);
        return result.valid ? suiteSpelling(result.type) : undefined;
      } catch {
        return undefined;
      }
    },
  };
}
