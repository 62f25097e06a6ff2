/**
 * Edits the form makes to a policy document: plain JSON values, changed by path without
 * touching the original (the draft keeps one value and writes it back as text). Members are
 * defined as own data properties, so a member named `__proto__` stays a member and never
 * becomes a prototype. Paths name members by key and items by index, as the checker's do.
 */

export type JsonPath = readonly (string | number)[];

const isObject = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === 'object' && !Array.isArray(v);

/** A copy of `object` with `key` set (or removed when `value` is undefined), order kept. */
function withMember(object: Record<string, unknown>, key: string, value: unknown) {
  const copy: Record<string, unknown> = {};
  const define = (k: string, v: unknown) =>
    Object.defineProperty(copy, k, {
      value: v,
      enumerable: true,
      writable: true,
      configurable: true,
    });
  for (const [k, v] of Object.entries(object)) {
    if (k !== key) define(k, v);
    else if (value !== undefined) define(k, value);
  }
  if (!Object.hasOwn(object, key) && value !== undefined) define(key, value);
  return copy;
}

/** `root` with the value at `path` replaced; undefined removes a member or an item. */
export function setAt(root: unknown, path: JsonPath, value: unknown): unknown {
  const [head, ...rest] = path;
  if (head === undefined) return value;
  if (value === undefined && getAt(root, path) === undefined) return root;
  if (typeof head === 'number') {
    const list = Array.isArray(root) ? [...(root as unknown[])] : [];
    const next = setAt(list[head], rest, value);
    if (next === undefined) list.splice(head, 1);
    else list[Math.min(head, list.length)] = next;
    return list;
  }
  const object = isObject(root) ? root : {};
  const current = Object.hasOwn(object, head) ? object[head] : undefined;
  return withMember(object, head, setAt(current, rest, value));
}

/** The value at `path`, or undefined (own members only). */
export function getAt(root: unknown, path: JsonPath): unknown {
  let value = root;
  for (const key of path) {
    if (typeof key === 'number') value = Array.isArray(value) ? value[key] : undefined;
    else value = isObject(value) && Object.hasOwn(value, key) ? value[key] : undefined;
    if (value === undefined) return undefined;
  }
  return value;
}

/** `root` with the array at `path` having items `from` and `to` swapped. */
export function swapAt(root: unknown, path: JsonPath, from: number, to: number): unknown {
  const list = getAt(root, path);
  if (!Array.isArray(list) || list[from] === undefined || list[to] === undefined) return root;
  const copy = [...(list as unknown[])];
  [copy[from], copy[to]] = [copy[to], copy[from]];
  return setAt(root, path, copy);
}

/** The checker's spelling of a path: "/rules/2/min". */
export const pathText = (path: JsonPath): string => path.map((p) => `/${p}`).join('');
