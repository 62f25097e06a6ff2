// @bufbuild/cel (cel-es) under the conformance runner. Its values follow protobuf: int is
// bigint, uint a CelUint, messages (timestamps, durations, test messages) ReflectMessages;
// bindings that are messages arrive as google.protobuf.Any JSON and are unpacked with the
// suite's registry. The package exports no type checker (0.6.x), so `check` is absent.
import { bytesValue, fromHex } from './values.mjs';

const NANOS = 1_000_000_000n;

export async function bufbuildAdapter(load) {
  const cel = await load('@bufbuild/cel');
  const { strings } = await load('@bufbuild/cel/ext');
  const pb = await load('@bufbuild/protobuf');
  const wkt = await load('@bufbuild/protobuf/wkt');
  const { isReflectMessage } = await load('@bufbuild/protobuf/reflect');
  const { getTestRegistry } = await load('@bufbuild/cel-spec/testdata/registry.js');
  const registry = getTestRegistry();

  const split = (n) => ({ seconds: n / NANOS, nanos: Number(n % NANOS) });
  const toInput = (x) => {
    switch (x.t) {
      case 'uint':
        return cel.celUint(x.v);
      case 'bytes':
        return fromHex(x.v);
      case 'null':
        return null;
      case 'list':
        return x.v.map(toInput);
      case 'map':
        return new Map(x.v.map(([k, v]) => [toInput(k), toInput(v)]));
      case 'type':
        return undefined;
      case 'timestamp':
        return pb.create(wkt.TimestampSchema, split(x.v));
      case 'duration':
        return pb.create(wkt.DurationSchema, split(x.v));
      case 'object':
        return wkt.anyUnpack(pb.fromJson(wkt.AnySchema, x.any, { registry }), registry);
      case 'enum':
        return BigInt(x.v);
      default:
        return x.v;
    }
  };

  const fromMessage = (desc, message) => {
    if (desc.typeName === 'google.protobuf.Timestamp')
      return { t: 'timestamp', v: message.seconds * NANOS + BigInt(message.nanos) };
    if (desc.typeName === 'google.protobuf.Duration')
      return { t: 'duration', v: message.seconds * NANOS + BigInt(message.nanos) };
    const any = pb.toJson(wkt.AnySchema, wkt.anyPack(desc, message), { registry });
    return { t: 'object', type: desc.typeName, any };
  };

  const fromOutput = (v) => {
    if (typeof v === 'bigint') return { t: 'int', v };
    if (typeof v === 'number') return { t: 'double', v };
    if (typeof v === 'string') return { t: 'string', v };
    if (typeof v === 'boolean') return { t: 'bool', v };
    if (v === null) return { t: 'null' };
    if (v instanceof Uint8Array) return bytesValue(v);
    if (cel.isCelUint(v)) return { t: 'uint', v: v.value };
    if (cel.isCelList(v)) return { t: 'list', v: [...v].map(fromOutput) };
    if (cel.isCelMap(v))
      return { t: 'map', v: [...v.entries()].map(([k, x]) => [fromOutput(k), fromOutput(x)]) };
    if (cel.isCelType(v)) return { t: 'type', v: v.name };
    if (isReflectMessage(v)) return fromMessage(v.desc, v.message);
    return { t: 'unknown', v: String(v) };
  };

  return {
    name: '@bufbuild/cel',
    run(test) {
      const env = cel.celEnv({ namespace: test.container ?? '', registry, funcs: strings });
      let parsed;
      try {
        parsed = cel.parse(test.expr);
      } catch (error) {
        return { ok: false, stage: 'parse', error: String(error.message) };
      }
      const bindings = {};
      for (const [name, bound] of Object.entries(test.bindings)) bindings[name] = toInput(bound);
      let result;
      try {
        result = cel.plan(env, parsed)(bindings);
      } catch (error) {
        return { ok: false, stage: 'eval', error: `threw: ${error.message}` };
      }
      if (cel.isCelError(result)) return { ok: false, stage: 'eval', error: result.message };
      return { ok: true, value: fromOutput(result) };
    },
  };
}
