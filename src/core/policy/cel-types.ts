/**
 * The static types the CEL checker (cel-check.ts) works with: CEL's types (cel-spec
 * doc/langdef.md "Values") plus `record`, a map with string keys whose members are known (the
 * activation's `patch`, `device`, a hop), and a bound on the size of every list and map, which
 * the checker multiplies to bound comprehensions. @bufbuild/cel has no public checker (its
 * 0.6 package exports none), but it exposes its standard library's overloads; `fromCelType`
 * reads their signatures.
 */
import type { CelType } from '@bufbuild/cel';

export type Scalar =
  | 'dyn'
  | 'bool'
  | 'int'
  | 'uint'
  | 'double'
  | 'string'
  | 'bytes'
  | 'null_type'
  | 'type'
  | 'timestamp'
  | 'duration';

export type CelT =
  | { k: Scalar }
  | { k: 'list'; elem: CelT; max: number }
  | { k: 'map'; key: CelT; value: CelT; max: number }
  | { k: 'record'; name: string; fields: Readonly<Record<string, CelT>> };

/** Size bound of a list or map whose size nothing bounds (a library signature). */
export const UNBOUNDED = Number.MAX_SAFE_INTEGER;

const scalars = new Map<Scalar, CelT>();
export function scalar(k: Scalar): CelT {
  let t = scalars.get(k);
  if (t === undefined) scalars.set(k, (t = { k }));
  return t;
}
export const DYN = scalar('dyn');
export const BOOL = scalar('bool');
export const INT = scalar('int');
export const STRING = scalar('string');
export const TIMESTAMP = scalar('timestamp');

export const list = (elem: CelT, max: number): CelT => ({ k: 'list', elem, max });
export const map = (key: CelT, value: CelT, max: number): CelT => ({ k: 'map', key, value, max });
export const record = (name: string, fields: Record<string, CelT>): CelT => ({
  k: 'record',
  name,
  fields,
});

/** A library signature's type in ours. Messages other than timestamps and durations: dyn. */
export function fromCelType(t: CelType): CelT {
  switch (t.kind) {
    case 'scalar':
      return scalar(t.scalar);
    case 'list':
      return list(fromCelType(t.element), UNBOUNDED);
    case 'map':
      return map(fromCelType(t.key), fromCelType(t.value), UNBOUNDED);
    default:
      if (t.name === 'google.protobuf.Timestamp') return TIMESTAMP;
      return t.name === 'google.protobuf.Duration' ? scalar('duration') : DYN;
  }
}

/** A record is a map(string, dyn) to the standard library. */
const asMap = (t: CelT): CelT =>
  t.k === 'record' ? map(STRING, DYN, Object.keys(t.fields).length) : t;

/** Whether a value of type `arg` may be passed where `param` is expected. */
export function accepts(param: CelT, arg: CelT): boolean {
  if (param.k === 'dyn' || arg.k === 'dyn') return true;
  const a = asMap(arg);
  const p = asMap(param);
  if (p.k === 'list') return a.k === 'list' && accepts(p.elem, a.elem);
  if (p.k === 'map') return a.k === 'map' && accepts(p.key, a.key) && accepts(p.value, a.value);
  return p.k === a.k;
}

/** The type of a value that is one of two: equal types keep theirs (larger bound), else dyn. */
export function join(a: CelT, b: CelT): CelT {
  if (a === b) return a;
  if (a.k === 'list' && b.k === 'list') {
    const elem = join(a.elem, b.elem);
    return list(elem, Math.max(a.max, b.max));
  }
  if (a.k === 'map' && b.k === 'map')
    return map(join(a.key, b.key), join(a.value, b.value), Math.max(a.max, b.max));
  if (a.k === 'record' && b.k === 'record' && a.name === b.name) return a;
  return a.k === b.k && a.k !== 'list' && a.k !== 'map' && a.k !== 'record' ? a : DYN;
}

/** Elements of a list, keys of a map: what a comprehension iterates over (and how many). */
export function iteration(t: CelT): { item: CelT; count: number | undefined } {
  if (t.k === 'list') return { item: t.elem, count: t.max };
  if (t.k === 'map') return { item: t.key, count: t.max };
  if (t.k === 'record') return { item: STRING, count: Object.keys(t.fields).length };
  return { item: DYN, count: undefined };
}

export function typeText(t: CelT): string {
  if (t.k === 'list') return `list(${typeText(t.elem)})`;
  if (t.k === 'map') return `map(${typeText(t.key)}, ${typeText(t.value)})`;
  if (t.k === 'record') return t.name;
  return t.k;
}
