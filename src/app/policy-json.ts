/**
 * The Policy screen's JSON view: text the user types, parsed with positions. A syntax error
 * is reported with its line and column (JSON.parse's wording and position differ between
 * engines, and a parser message is no headline), and every member and item gets the position
 * where it starts, under the same paths the policy checker names (`/rules/2/min`), so a
 * problem can be shown at its line. The grammar is RFC 8259's; once the text passes, the value
 * is JSON.parse's, exactly what `patchtrail policy validate` reads. A member named twice is a
 * syntax error here: JSON.parse would keep the last one silently, and the form shows one.
 */

export interface TextPosition {
  /** From 1. */
  line: number;
  /** From 1, in UTF-16 code units (as a textarea's selection counts). */
  column: number;
  offset: number;
}

export type ParsedText =
  | { ok: true; value: unknown; positions: ReadonlyMap<string, TextPosition> }
  | { ok: false; message: string; at: TextPosition };

/** Nesting deeper than this is refused rather than risk the stack (a policy nests 5 deep). */
const MAX_DEPTH = 256;

class SyntaxProblem {
  constructor(
    readonly message: string,
    readonly offset: number,
  ) {}
}

const WHITESPACE = new Set([' ', '\t', '\n', '\r']);
const NUMBER = /-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?/y;
const ESCAPES = new Set(['"', '\\', '/', 'b', 'f', 'n', 'r', 't']);

class Reader {
  i = 0;
  readonly starts = new Map<string, number>();

  constructor(private readonly text: string) {}

  fail(message: string, offset = this.i): never {
    throw new SyntaxProblem(message, offset);
  }

  blank(): void {
    while (this.i < this.text.length && WHITESPACE.has(this.text[this.i] as string)) this.i++;
  }

  value(path: string, depth: number): void {
    if (depth > MAX_DEPTH) this.fail(`nests deeper than ${MAX_DEPTH} levels`);
    this.blank();
    if (!this.starts.has(path)) this.starts.set(path, this.i);
    const c = this.text[this.i];
    if (c === '{') return this.object(path, depth);
    if (c === '[') return this.array(path, depth);
    if (c === '"') return void this.string();
    for (const word of ['true', 'false', 'null'])
      if (this.text.startsWith(word, this.i)) return void (this.i += word.length);
    NUMBER.lastIndex = this.i;
    if (c !== undefined && NUMBER.test(this.text)) return void (this.i = NUMBER.lastIndex);
    this.fail(c === undefined ? 'the text ends where a value should be' : 'expected a value');
  }

  object(path: string, depth: number): void {
    this.i++;
    const seen = new Set<string>();
    this.blank();
    if (this.text[this.i] === '}') return void this.i++;
    for (;;) {
      this.blank();
      if (this.text[this.i] !== '"') this.fail('expected a member name in double quotes');
      const at = this.i;
      const name = this.string();
      if (seen.has(name)) this.fail(`member "${name}" appears twice`, at);
      seen.add(name);
      this.starts.set(`${path}/${name}`, at);
      this.blank();
      if (this.text[this.i] !== ':') this.fail('expected ":" after the member name');
      this.i++;
      this.value(`${path}/${name}`, depth + 1);
      this.blank();
      const next = this.text[this.i++];
      if (next === '}') return;
      if (next !== ',') this.fail('expected "," or "}"', this.i - 1);
    }
  }

  array(path: string, depth: number): void {
    this.i++;
    this.blank();
    if (this.text[this.i] === ']') return void this.i++;
    for (let n = 0; ; n++) {
      this.value(`${path}/${n}`, depth + 1);
      this.blank();
      const next = this.text[this.i++];
      if (next === ']') return;
      if (next !== ',') this.fail('expected "," or "]"', this.i - 1);
    }
  }

  /** A string token; returns its text (escapes decoded well enough to compare names). */
  string(): string {
    const start = this.i++;
    for (;;) {
      const c = this.text[this.i];
      if (c === undefined) this.fail('a string is not closed', start);
      if (c === '"') break;
      if (c < ' ') this.fail('a line break or control character inside a string (write \\n)');
      if (c === '\\') {
        const e = this.text[this.i + 1];
        if (e === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(this.text.slice(this.i + 2, this.i + 6)))
            this.fail('\\u takes four hex digits');
          this.i += 6;
          continue;
        }
        if (e === undefined || !ESCAPES.has(e)) this.fail(`"\\${e ?? ''}" is not an escape`);
        this.i += 2;
        continue;
      }
      this.i++;
    }
    this.i++;
    return JSON.parse(this.text.slice(start, this.i)) as string;
  }
}

/** Line and column of UTF-16 offsets in `text` (line starts found once, then searched). */
function locator(text: string): (offset: number) => TextPosition {
  const starts = [0];
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) starts.push(i + 1);
  return (offset) => {
    let low = 0;
    let high = starts.length - 1;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if ((starts[mid] as number) <= offset) low = mid;
      else high = mid - 1;
    }
    return { line: low + 1, column: offset - (starts[low] as number) + 1, offset };
  };
}

export function parseJsonText(text: string): ParsedText {
  const reader = new Reader(text);
  const at = locator(text);
  try {
    reader.value('', 0);
    reader.blank();
    if (reader.i < text.length) reader.fail('unexpected text after the end of the JSON');
  } catch (problem) {
    if (!(problem instanceof SyntaxProblem)) throw problem;
    return { ok: false, message: problem.message, at: at(problem.offset) };
  }
  const positions = new Map<string, TextPosition>();
  for (const [path, offset] of reader.starts) positions.set(path, at(offset));
  return { ok: true, value: JSON.parse(text) as unknown, positions };
}

/** Where `path` starts in the text, or where its nearest parent does. */
export function positionOf(
  positions: ReadonlyMap<string, TextPosition>,
  path: string,
): TextPosition | undefined {
  for (let p = path; ; p = p.slice(0, p.lastIndexOf('/'))) {
    const found = positions.get(p);
    if (found !== undefined || p === '') return found;
  }
}

/** How the screen writes a document: two-space indentation and a final line break. */
export function jsonText(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}
