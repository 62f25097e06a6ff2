/**
 * Finding a member named twice in one JSON object. RFC 8259 §4 leaves such an object's meaning
 * to the parser: JSON.parse keeps the last value, other parsers the first or both, so two tools
 * could read one file two ways (RFC 7493 §2.3, I-JSON, forbids it). Files whose every reader
 * must see the same content (the bundle wrapper) are refused when this finds one.
 *
 * The text is attacker-controlled and already accepted by JSON.parse, so only valid JSON
 * reaches the scan. It is one pass with no recursion: time linear in the text, memory in its
 * depth and its largest object's names (a Set, so `__proto__` is a name like any other).
 * Names are compared as JSON.parse decodes them ("a" and "\u0061" are one name).
 */

/** A name seen twice, and the path (JSON Pointer tokens) of the object that holds it. */
export interface RepeatedMember {
  name: string;
  path: string[];
}

interface Frame {
  /** Undefined for an array. */
  names: Set<string> | undefined;
  /** The member or index being read, for the path. */
  at: string;
  index: number;
  expectsName: boolean;
}

/** The index just past the string literal that opens at `start` (text is valid JSON). */
function stringEnd(text: string, start: number): number {
  let from = start + 1;
  for (;;) {
    const quote = text.indexOf('"', from);
    if (quote < 0) return text.length;
    let slashes = 0;
    while (text.charCodeAt(quote - 1 - slashes) === 0x5c) slashes++;
    if (slashes % 2 === 0) return quote + 1;
    from = quote + 1;
  }
}

function nameOf(literal: string): string {
  return literal.includes('\\') ? (JSON.parse(literal) as string) : literal.slice(1, -1);
}

/** The first member named twice in one object of `text` (valid JSON), or undefined. */
export function repeatedMember(text: string): RepeatedMember | undefined {
  const stack: Frame[] = [];
  let top: Frame | undefined;
  for (let i = 0; i < text.length;) {
    const c = text.charCodeAt(i);
    if (c === 0x22) {
      const end = stringEnd(text, i);
      if (top?.names !== undefined && top.expectsName) {
        const name = nameOf(text.slice(i, end));
        if (top.names.has(name)) return { name, path: stack.slice(0, -1).map((frame) => frame.at) };
        top.names.add(name);
        top.at = name;
        top.expectsName = false;
      }
      i = end;
      continue;
    }
    if (c === 0x7b || c === 0x5b) {
      // { or [
      top = { names: c === 0x7b ? new Set() : undefined, at: '0', index: 0, expectsName: true };
      stack.push(top);
    } else if (c === 0x7d || c === 0x5d) {
      // } or ]
      stack.pop();
      top = stack.at(-1);
    } else if (c === 0x2c && top !== undefined) {
      // , between members or items
      if (top.names !== undefined) top.expectsName = true;
      else top.at = String(++top.index);
    }
    i++;
  }
  return undefined;
}

/** `path` as a JSON Pointer (RFC 6901), each token and the whole cut short for a message. */
export function pointerText(path: readonly string[], limit = 160): string {
  const token = (t: string) =>
    (t.length > 40 ? `${t.slice(0, 40)}…` : t).replace(/~/g, '~0').replace(/\//g, '~1');
  let text = '';
  for (const part of path) {
    text += `/${token(part)}`;
    if (text.length > limit) return `${text.slice(0, limit)}…`;
  }
  return text;
}
