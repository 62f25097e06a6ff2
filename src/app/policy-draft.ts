/**
 * The policy being edited, kept as one JSON text that both views change: the JSON view sets
 * the text, the form edits the parsed value by path and the text is written again from it.
 * While the text does not parse, the form shows the last value that did and takes no edits
 * (the JSON view shows where the text breaks), so the two views never disagree silently.
 */
import { createMemo, createSignal, type Accessor } from 'solid-js';
import { setAt, swapAt, type JsonPath } from './policy-edit.ts';
import { jsonText, parseJsonText, type ParsedText } from './policy-json.ts';

export interface PolicyDraft {
  readonly text: Accessor<string>;
  readonly parsed: Accessor<ParsedText>;
  /** The last value that parsed: what the form shows. */
  readonly value: Accessor<unknown>;
  /** False while the text does not parse: the form is read-only then. */
  readonly editable: Accessor<boolean>;
  /** Changed since it was loaded. */
  readonly touched: Accessor<boolean>;
  setText(text: string): void;
  /** A form edit: the value at `path` replaced (undefined removes it). */
  edit(path: JsonPath, value: unknown): void;
  /** A form edit: two items of the array at `path` swapped. */
  swap(path: JsonPath, from: number, to: number): void;
  /**
   * Starts again from `value` (the policy in force, a pending version, a template). Edits it
   * replaces are kept for `restore` until the draft is edited again.
   */
  load(value: unknown): void;
  /** The text a load replaced while it held edits, until the draft is edited again. */
  readonly replaced: Accessor<string | undefined>;
  /** Brings back the edited text a load replaced. */
  restore(): void;
}

/** Call inside a reactive owner (the memos live as long as it does). */
export function createPolicyDraft(initial: unknown): PolicyDraft {
  const [text, setTextSignal] = createSignal(jsonText(initial));
  const [touched, setTouched] = createSignal(false);
  const [replaced, setReplaced] = createSignal<string | undefined>(undefined);
  const parsed = createMemo(() => parseJsonText(text()));
  let lastGood: unknown = initial;
  const value = createMemo(() => {
    const now = parsed();
    if (now.ok) lastGood = now.value;
    return lastGood;
  });
  const editable = () => parsed().ok;
  const write = (next: unknown) => {
    setTextSignal(jsonText(next));
    setTouched(true);
    setReplaced(undefined);
  };
  return {
    text,
    parsed,
    value,
    editable,
    touched,
    setText(next) {
      setTextSignal(next);
      setTouched(true);
      setReplaced(undefined);
    },
    edit(path, next) {
      if (editable()) write(setAt(value(), path, next));
    },
    swap(path, from, to) {
      if (editable()) write(swapAt(value(), path, from, to));
    },
    load(next) {
      const loaded = jsonText(next);
      // Edits are kept (a second load keeps the first one's edits, not the loaded text).
      if (touched() && text() !== loaded) setReplaced(text());
      setTextSignal(loaded);
      setTouched(false);
    },
    replaced,
    restore() {
      const edits = replaced();
      if (edits === undefined) return;
      setTextSignal(edits);
      setTouched(true);
      setReplaced(undefined);
    },
  };
}
