// CEL values in one tagged form, so results of three libraries can be compared with the
// conformance suite's expectations. The suite writes values as proto3 JSON of cel.expr.Value
// (cel-spec proto/cel/expr/value.proto); each adapter converts its library's JS values to and
// from this form:
//   { t: 'int' | 'uint', v: bigint }   { t: 'double', v: number }   { t: 'string', v }
//   { t: 'bytes', v: hex }   { t: 'bool', v }   { t: 'null' }   { t: 'list', v: [...] }
//   { t: 'map', v: [[key, value], ...] }   { t: 'type', v: name }
//   { t: 'timestamp' | 'duration', v: bigint nanoseconds }   { t: 'enum', type, v }
//   { t: 'object', type, any }   (any: the message as google.protobuf.Any JSON)
//   { t: 'number', v: number }   a library with a single JS number for int, uint and double

const NANOS = 1_000_000_000n;

/** RFC 3339 (as google.protobuf.Timestamp JSON) → nanoseconds since the epoch. */
export function parseTimestamp(text) {
  const m = /^(.*T\d\d:\d\d:\d\d)(?:\.(\d{1,9}))?(Z|[+-]\d\d:\d\d)$/i.exec(text);
  if (m === null) throw new Error(`not a timestamp: ${text}`);
  const ms = Date.parse(`${m[1]}${m[3]}`);
  return BigInt(ms / 1000) * NANOS + BigInt((m[2] ?? '').padEnd(9, '0'));
}

/** google.protobuf.Duration JSON ("1.5s", "-0.000000001s") → nanoseconds. */
export function parseDuration(text) {
  const m = /^(-)?(\d+)(?:\.(\d{1,9}))?s$/.exec(text);
  if (m === null) throw new Error(`not a duration: ${text}`);
  const n = BigInt(m[2]) * NANOS + BigInt((m[3] ?? '').padEnd(9, '0'));
  return m[1] === '-' ? -n : n;
}

const hex = (bytes) => Buffer.from(bytes).toString('hex');
export const bytesValue = (bytes) => ({ t: 'bytes', v: hex(bytes) });
export const fromHex = (text) => new Uint8Array(Buffer.from(text, 'hex'));

/** An expected value (cel.expr.Value as proto3 JSON) in the tagged form. */
export function fromExpected(value) {
  if ('int64Value' in value) return { t: 'int', v: BigInt(value.int64Value) };
  if ('uint64Value' in value) return { t: 'uint', v: BigInt(value.uint64Value) };
  if ('doubleValue' in value) return { t: 'double', v: Number(value.doubleValue) };
  if ('stringValue' in value) return { t: 'string', v: value.stringValue };
  if ('bytesValue' in value) return bytesValue(Buffer.from(value.bytesValue, 'base64'));
  if ('boolValue' in value) return { t: 'bool', v: value.boolValue };
  if ('nullValue' in value) return { t: 'null' };
  if ('listValue' in value)
    return { t: 'list', v: (value.listValue.values ?? []).map(fromExpected) };
  if ('mapValue' in value)
    return {
      t: 'map',
      v: (value.mapValue.entries ?? []).map((e) => [fromExpected(e.key), fromExpected(e.value)]),
    };
  if ('typeValue' in value) return { t: 'type', v: value.typeValue };
  if ('enumValue' in value)
    return { t: 'enum', type: value.enumValue.type, v: value.enumValue.value ?? 0 };
  if ('objectValue' in value) {
    const any = value.objectValue;
    const type = any['@type'].replace(/^.*\//, '');
    if (type === 'google.protobuf.Timestamp')
      return { t: 'timestamp', v: parseTimestamp(any.value) };
    if (type === 'google.protobuf.Duration') return { t: 'duration', v: parseDuration(any.value) };
    return { t: 'object', type, any };
  }
  return { t: 'unset' };
}

function sameJson(a, b) {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a);
  if (ka.length !== Object.keys(b).length) return false;
  return ka.every((k) => Object.hasOwn(b, k) && sameJson(a[k], b[k]));
}

const NUMERIC = new Set(['int', 'uint', 'double']);
const sameNumber = (x, y) => x === y || (Number.isNaN(x) && Number.isNaN(y));

/** Value equality in the tagged form: types must agree (CEL has no implicit conversion). */
export function sameValue(expected, actual) {
  if (actual.t === 'number' && NUMERIC.has(expected.t))
    return sameNumber(Number(expected.v), actual.v);
  if (expected.t !== actual.t) return false;
  switch (expected.t) {
    case 'null':
    case 'unset':
      return true;
    case 'double':
      return sameNumber(expected.v, actual.v);
    case 'list':
      return (
        expected.v.length === actual.v.length &&
        expected.v.every((x, i) => sameValue(x, actual.v[i]))
      );
    case 'map':
      return (
        expected.v.length === actual.v.length &&
        expected.v.every(([k, x]) =>
          actual.v.some(([k2, y]) => sameValue(k, k2) && sameValue(x, y)),
        )
      );
    case 'enum':
      return expected.type === actual.type && expected.v === actual.v;
    case 'object':
      return expected.type === actual.type && sameJson(expected.any, actual.any);
    default:
      return expected.v === actual.v;
  }
}

/** A checker's deduced type (cel.expr.Type as proto3 JSON) as text: list(int), map(string, dyn). */
export function typeText(type) {
  const PRIMITIVE = {
    BOOL: 'bool',
    INT64: 'int',
    UINT64: 'uint',
    DOUBLE: 'double',
    STRING: 'string',
    BYTES: 'bytes',
  };
  const WELL_KNOWN = {
    ANY: 'any',
    TIMESTAMP: 'google.protobuf.Timestamp',
    DURATION: 'google.protobuf.Duration',
  };
  if ('primitive' in type) return PRIMITIVE[type.primitive];
  if ('wellKnown' in type) return WELL_KNOWN[type.wellKnown];
  if ('wrapper' in type) return `wrapper(${PRIMITIVE[type.wrapper]})`;
  if ('listType' in type) return `list(${typeText(type.listType.elemType)})`;
  if ('mapType' in type)
    return `map(${typeText(type.mapType.keyType)}, ${typeText(type.mapType.valueType)})`;
  if ('messageType' in type) return type.messageType;
  if ('typeParam' in type) return type.typeParam;
  if ('type' in type) return `type(${typeText(type.type)})`;
  if ('abstractType' in type)
    return `${type.abstractType.name}(${(type.abstractType.parameterTypes ?? []).map(typeText).join(', ')})`;
  if ('dyn' in type) return 'dyn';
  if ('null' in type) return 'null_type';
  if ('error' in type) return '*error*';
  return '?';
}
