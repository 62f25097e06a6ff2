// cel-js (chevrotain parser) under the conformance runner. It has one JS number for int, uint
// and double, so its numbers are compared by value whatever the expected numeric type (a
// concession: it cannot represent the difference). Maps are plain objects; no bytes,
// timestamps, durations or messages.
import { bytesValue, fromHex } from './values.mjs';

export async function celjsAdapter(load) {
  const cj = await load('cel-js');

  const toInput = (x) => {
    switch (x.t) {
      case 'int':
      case 'uint':
        return Number(x.v);
      case 'bytes':
        return fromHex(x.v);
      case 'null':
        return null;
      case 'list':
        return x.v.map(toInput);
      case 'map':
        return Object.fromEntries(x.v.map(([k, v]) => [String(toInput(k)), toInput(v)]));
      case 'timestamp':
        return new Date(Number(x.v / 1_000_000n));
      case 'object':
      case 'type':
      case 'duration':
        return undefined;
      default:
        return x.v;
    }
  };

  const fromOutput = (v) => {
    if (typeof v === 'bigint') return { t: 'int', v };
    if (typeof v === 'number') return { t: 'number', v };
    if (typeof v === 'string') return { t: 'string', v };
    if (typeof v === 'boolean') return { t: 'bool', v };
    if (v === null) return { t: 'null' };
    if (v instanceof Uint8Array) return bytesValue(v);
    if (v instanceof Date) return { t: 'timestamp', v: BigInt(v.getTime()) * 1_000_000n };
    if (Array.isArray(v)) return { t: 'list', v: v.map(fromOutput) };
    if (typeof v === 'object')
      return {
        t: 'map',
        v: Object.entries(v).map(([k, x]) => [{ t: 'string', v: k }, fromOutput(x)]),
      };
    return { t: 'unknown', v: String(v) };
  };

  return {
    name: 'cel-js',
    run(test) {
      let parsed;
      try {
        parsed = cj.parse(test.expr);
      } catch (error) {
        return { ok: false, stage: 'parse', error: String(error?.message ?? error) };
      }
      if (!parsed.isSuccess) return { ok: false, stage: 'parse', error: parsed.errors.join('; ') };
      const context = {};
      for (const [name, bound] of Object.entries(test.bindings)) context[name] = toInput(bound);
      try {
        return { ok: true, value: fromOutput(cj.evaluate(parsed.cst, context)) };
      } catch (error) {
        return { ok: false, stage: 'eval', error: String(error?.message ?? error) };
      }
    },
  };
}
